"""Review excerpts (the home page's audience reviews) never reveal half a spoiler."""

from django.template import Context, Template

EXCERPT = Template("{% load reviews_tags %}{{ body|excerpt:40|with_spoilers }}")


def render(body: str) -> str:
    return EXCERPT.render(Context({"body": body}))


def test_a_short_review_is_shown_whole():
    assert render("Short and sweet.") == "<p>Short and sweet.</p>"


def test_a_long_review_is_cut_at_a_word_with_an_ellipsis():
    assert render("alpha beta gamma delta epsilon zeta eta theta iota") == (
        "<p>alpha beta gamma delta epsilon zeta eta…</p>"
    )


def test_a_cut_inside_an_inline_spoiler_drops_the_spoiler():
    html = render("A fine film until ||the butler did it in the library|| then dull.")
    assert "butler" not in html
    assert html == "<p>A fine film until…</p>"


def test_a_whole_spoiler_before_the_cut_stays_hidden():
    html = render("||Twist|| and then a lot more words follow here.")
    assert "spoiler" in html and "Twist" in html and "||" not in html
