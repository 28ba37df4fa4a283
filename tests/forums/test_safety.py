"""User text in the forums never becomes markup that runs: a corpus of known XSS vectors as
post bodies and thread titles, checked by parsing the pages they appear on."""

import pytest

from forums import services
from forums.models import Post
from reviewsite.markup import render_markdown
from tests.factories import FilmFactory
from tests.forums.conftest import logged_in
from tests.html_safety import executable_markup, xss_vectors

pytestmark = pytest.mark.django_db
VECTORS = xss_vectors()


def test_the_corpus_is_large_and_the_checker_catches_each_kind_of_attack():
    assert len(VECTORS) >= 100
    for attack in [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href=" jav&#x09;ascript:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        "<svg></svg>",
        '<iframe src="https://xss.example/"></iframe>',
        '<div style="x">x</div>',
        '<meta http-equiv="refresh" content="0">',
        "<base href=/>",
        # Where the standard library's HTMLParser and a browser part ways (see html_safety).
        "<!--><img src=x onerror=alert(1)>-->",
        "<!-- x --!><img src=x onerror=alert(1)> -->",
        "<![CDATA[><img src=x onerror=alert(1)>]]>",
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
        '<script type="application/ld+json">{}</script x><img src=x onerror=alert(1)>',
        '<script type="application/ld+json">{}</SCRIPT/><img src=x onerror=alert(1)>',
        "<link rel=stylesheet href=https://xss.example/x.css>",
    ]:
        assert executable_markup(attack), attack
    for harmless in [
        '<a href="/films/">x</a><script src="/static/a.js"></script>',
        "<textarea><img src=x onerror=alert(1)></textarea>",  # text, not markup
        # Inside "<!--<script>" a script's first </script> does not end it: the image is data.
        '<script type="application/ld+json"><!--<script></script><img onerror=x></script>',
        '<svg class="score-chart"><title>Scores</title></svg>',  # the site's own chart
    ]:
        assert not executable_markup(harmless), harmless


@pytest.mark.parametrize("vector", VECTORS, ids=range(len(VECTORS)))
def test_no_vector_runs_as_a_post_or_a_title(client, movie_forum, other, moderator, vector):
    film = FilmFactory()
    thread = services.start_thread(
        board=movie_forum, author=other, title=vector[:200].strip() or "x", body=vector, film=film
    )
    services.reply(thread=thread, author=other, body=f"Quoting:\n\n{vector}")
    pages = [
        thread.get_absolute_url(),
        movie_forum.get_absolute_url(),
        "/forums/",
        f"/films/{film.slug}/discussion/",
        film.get_absolute_url(),
        f"/users/{other.username}/posts/",
    ]
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        assert executable_markup(page.content.decode()) == [], url
    # Moderators see the same posts with more buttons, and the preview renders the same way.
    logged_in(client, moderator)
    assert executable_markup(client.get(thread.get_absolute_url()).content.decode()) == []
    preview = client.post(
        "/forums/movie-forum/new/", {"title": "t", "body": vector, "preview": "1"}
    )
    assert executable_markup(preview.content.decode()) == []


def test_links_get_rel_nofollow_ugc_noopener_and_only_safe_schemes():
    html = render_markdown(
        "[a](https://example.com) <https://example.org> [m](mailto:a@example.com) [b](ftp://x)"
    )
    assert html.count('rel="nofollow ugc noopener"') == 4
    assert 'href="https://example.com"' in html
    assert 'href="mailto:a@example.com"' in html
    assert 'href="ftp' not in html


def test_raw_html_is_shown_as_text_and_images_are_links_not_embedded():
    html = render_markdown('<b>bold?</b>\n\n![A poster](https://example.com/p.png "t")')
    assert "&lt;b&gt;bold?&lt;/b&gt;" in html
    assert "<img" not in html
    assert '<a href="https://example.com/p.png" rel="nofollow ugc noopener">A poster</a>' in html


def test_commonmark_renders_and_headings_start_below_the_page_title():
    html = render_markdown("# Big\n\n## Smaller\n\n*em* **strong** `code`\n\n1. one\n2. two")
    assert "<h3>Big</h3>" in html and "<h4>Smaller</h4>" in html
    assert "<h1" not in html and "<h2" not in html
    assert "<em>em</em> <strong>strong</strong> <code>code</code>" in html
    assert "<ol>\n<li>one</li>" in html


def test_spoilers_hide_inline_text_until_revealed():
    html = render_markdown("The killer is ||the **butler**||, and || not closed")
    assert '<span class="spoiler-text">the <strong>butler</strong></span></label>' in html
    assert "|| not closed" in html
    assert html.count('<input type="checkbox" class="spoiler-toggle">') == 1


def test_posts_are_rendered_when_saved(thread, other):
    post = services.reply(thread=thread, author=other, body="*Saved* once")
    assert Post.objects.get(pk=post.pk).body_html == "<p><em>Saved</em> once</p>\n"
