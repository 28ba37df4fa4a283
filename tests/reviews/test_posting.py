"""Members rate and review films from the film page and the review form's own page."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from films.models import Film
from reviews.models import REVIEW_MAX_LENGTH, AudienceReview
from reviews.scores import refresh_film_scores
from tests.factories import AudienceReviewFactory, FilmFactory, MemberFactory

pytestmark = pytest.mark.django_db


def form_url(film: Film) -> str:
    return f"/films/{film.slug}/review/"


def post_review(client, film, **data):
    return client.post(form_url(film), {"rating": "", "body": "", **data})


@pytest.fixture
def film():
    return FilmFactory(title="Night Harbor", release_date=datetime.date(2020, 5, 1))


def test_the_film_page_offers_a_member_the_rate_and_review_form(client, member, film):
    client.force_login(member)
    html = client.get(film.get_absolute_url()).content.decode()
    assert "Rate and review Night Harbor" in html
    assert f'action="{form_url(film)}"' in html
    # Ten half-star radio buttons, each labelled in words, and a way to give no rating.
    for value, label in [("0.5", "0.5 stars"), ("1.0", "1 star"), ("3.5", "3.5 stars")]:
        assert f'value="{value}"' in html
        assert label in html
    assert html.count('type="radio" name="rating"') == 11
    assert "No rating" in html


def test_a_visitor_gets_a_log_in_link_that_comes_back_to_the_film(client, film):
    html = client.get(film.get_absolute_url()).content.decode()
    assert "Log in to rate and review" in html
    assert f"/accounts/login/?next=/films/{film.slug}/%23your-review" in html
    assert 'name="rating"' not in html


def test_a_visitor_posting_a_review_is_sent_to_log_in_and_nothing_is_saved(client, film):
    response = post_review(client, film, rating="4.0")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not AudienceReview.objects.exists()


def test_posting_a_review_saves_it_and_moves_the_films_scores(client, member, film, settings):
    settings.SCORES_MIN_AUDIENCE_RATINGS = 1
    client.force_login(member)
    response = post_review(client, film, rating="4.5", body="Tense and\r\nbeautiful.")
    assert response.status_code == 302
    assert response["Location"] == f"/films/{film.slug}/#your-review"
    review = AudienceReview.objects.get()
    assert (review.user, review.rating, review.body) == (
        member,
        Decimal("4.5"),
        "Tense and\nbeautiful.",
    )
    assert review.edited_at is None
    film.refresh_from_db()
    assert film.audience_rating_count == 1
    assert film.audience_score == 100
    assert film.audience_histogram[8] == 1  # the 4.5-star bar

    html = client.get(response["Location"]).content.decode()
    assert "Thanks! Your review is posted." in html
    assert "Your review" in html
    assert "Edit your review" in html
    assert f"/films/{film.slug}/review/delete/" in html
    assert "Rate and review Night Harbor" not in html


def test_a_rating_alone_or_text_alone_is_a_review(client, member, film):
    client.force_login(member)
    post_review(client, film, rating="2.0")
    other = MemberFactory()
    client.force_login(other)
    post_review(client, film, body="No stars from me, just words.")
    assert AudienceReview.objects.filter(user=member, body="", rating=Decimal("2.0")).exists()
    assert AudienceReview.objects.filter(user=other, rating=None).exists()


def test_posting_again_updates_the_one_review_and_marks_it_edited(client, member, film):
    client.force_login(member)
    post_review(client, film, rating="2.0", body="Meh.")
    post_review(client, film, rating="3.5", body="It grew on me.", has_spoilers="on")
    review = AudienceReview.objects.get()
    assert (review.rating, review.body, review.has_spoilers) == (
        Decimal("3.5"),
        "It grew on me.",
        True,
    )
    assert review.edited_at is not None
    html = client.get(film.get_absolute_url()).content.decode()
    assert "(edited)" in html
    assert "Your review was updated." in html


def test_posting_the_same_review_again_is_not_an_edit(client, member, film):
    client.force_login(member)
    post_review(client, film, rating="2.0", body="Meh.")
    post_review(client, film, rating="2.0", body="Meh.")
    assert AudienceReview.objects.get().edited_at is None


def test_the_form_page_shows_the_members_review_to_edit(client, member, film):
    AudienceReviewFactory(film=film, user=member, rating=Decimal("3.5"), body="Good <b>stuff</b>.")
    client.force_login(member)
    html = client.get(form_url(film)).content.decode()
    assert "Edit your review" in html
    assert 'value="3.5" id="id_rating_7" checked' in html
    assert "Good &lt;b&gt;stuff&lt;/b&gt;." in html
    assert "Save changes" in html


def test_a_visitor_opening_the_form_page_is_sent_to_log_in(client, film):
    response = client.get(form_url(film))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={form_url(film)}"


def test_deleting_asks_first_then_removes_the_review_and_its_rating(client, member, film):
    AudienceReviewFactory(film=film, user=member, rating=Decimal("5.0"))
    refresh_film_scores(film=film)
    client.force_login(member)
    page = client.get(f"/films/{film.slug}/review/delete/")
    assert "Delete your review?" in page.content.decode()
    assert AudienceReview.objects.exists()

    response = client.post(f"/films/{film.slug}/review/delete/")
    assert response.status_code == 302
    assert not AudienceReview.objects.exists()
    film.refresh_from_db()
    assert film.audience_rating_count == 0
    assert "Your review was deleted." in client.get(response["Location"]).content.decode()


def test_deleting_without_a_review_is_a_404(client, member, film):
    AudienceReviewFactory(film=film)  # someone else's
    client.force_login(member)
    assert client.post(f"/films/{film.slug}/review/delete/").status_code == 404
    assert AudienceReview.objects.count() == 1


def test_a_member_cannot_touch_another_members_review_through_the_form(client, member, film):
    """The form always works on the signed-in member's own review: another's stays as it was."""
    theirs = AudienceReviewFactory(film=film, rating=Decimal("1.0"), body="Awful.")
    client.force_login(member)
    post_review(client, film, rating="5.0", body="Wonderful.")
    theirs.refresh_from_db()
    assert (theirs.rating, theirs.body, theirs.edited_at) == (Decimal("1.0"), "Awful.", None)
    assert AudienceReview.objects.filter(user=member).count() == 1


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"rating": "0"}, "Choose a rating from half a star to 5 stars, in half stars."),
        ({"rating": "5.5"}, "Choose a rating from half a star to 5 stars, in half stars."),
        ({"rating": "3.3"}, "Choose a rating from half a star to 5 stars, in half stars."),
        ({"rating": "abc"}, "Choose a rating from half a star to 5 stars, in half stars."),
        ({"rating": "", "body": "   "}, "Choose a star rating, write a review, or both."),
        ({"rating": "4.0", "body": "x" * (REVIEW_MAX_LENGTH + 1)}, "at most 5000 characters"),
    ],
)
def test_bad_input_gets_a_message_next_to_the_field_and_keeps_what_was_typed(
    client, member, film, data, field_message
):
    client.force_login(member)
    data = {"body": "My words stay.", **data}
    response = post_review(client, film, **data)
    assert response.status_code == 200
    html = response.content.decode()
    assert field_message in html
    if len(data["body"]) <= 20 and data["body"].strip():
        assert data["body"] in html
    assert 'class="invalid-feedback' in html
    assert not AudienceReview.objects.exists()


def test_text_at_the_limit_counts_line_breaks_once(client, member, film):
    client.force_login(member)
    body = ("a" * 99 + "\r\n") * 49 + "a" * 100  # 5,000 characters as the textarea counts them
    assert post_review(client, film, body=body).status_code == 302
    assert len(AudienceReview.objects.get().body) == REVIEW_MAX_LENGTH


def test_a_pre_release_film_says_when_reviews_open_and_refuses_a_review(client, member):
    opens = timezone.localdate() + datetime.timedelta(days=30)
    film = FilmFactory(title="Soon", release_date=opens)
    client.force_login(member)
    html = client.get(film.get_absolute_url()).content.decode()
    assert f"Reviews open on {opens:%B} {opens.day}, {opens.year}" in html
    assert 'name="rating"' not in html

    response = post_review(client, film, rating="4.0", body="Saw a screener!")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Reviews of Soon open on {opens:%B} {opens.day}, {opens.year}." in html
    assert "Saw a screener!" in html
    assert not AudienceReview.objects.exists()


def test_spoilers_are_hidden_until_clicked(client, member, film):
    client.force_login(member)
    post_review(client, film, rating="4.0", body="The end: ||the dog lives||. Whole thing hidden.")
    html = Client().get(f"/films/{film.slug}/audience-reviews/").content.decode()
    assert '<span class="spoiler-text">the dog lives</span>' in html
    assert 'class="spoiler-toggle"' in html


def test_a_review_marked_as_spoilers_hides_behind_a_summary_and_stays_out_of_descriptions(
    client, member, film
):
    client.force_login(member)
    post_review(client, film, rating="4.0", body="Rosebud was the sled.", has_spoilers="on")
    html = Client().get(film.get_absolute_url()).content.decode()
    assert "This review contains spoilers." in html
    head = html[: html.index("</head>")]
    assert "Rosebud" not in head  # not in the description, Open Graph tags or JSON-LD
    detail = Client().get(AudienceReview.objects.get().get_absolute_url()).content.decode()
    assert "Rosebud" not in detail[: detail.index("</head>")]


def test_the_review_text_is_escaped(client, member, film):
    client.force_login(member)
    post_review(client, film, body="<script>alert(1)</script> ||<img src=x onerror=alert(1)>||")
    html = Client().get(f"/films/{film.slug}/audience-reviews/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/films/{slug}/review/"),
        ("post", "/films/{slug}/review/delete/"),
    ],
)
def test_posting_and_deleting_need_a_csrf_token(member, film, method, url):
    AudienceReviewFactory(film=film, user=member)
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = getattr(client, method)(url.format(slug=film.slug), {"rating": "3.0"})
    assert response.status_code == 403
    assert AudienceReview.objects.get().rating == Decimal("4.0")


def test_a_hidden_review_is_shown_to_its_author_only_with_a_note(client, member, film):
    review = AudienceReviewFactory(film=film, user=member, body="Hidden words.", is_hidden=True)
    assert "Hidden words." not in Client().get(film.get_absolute_url()).content.decode()
    assert Client().get(review.get_absolute_url()).status_code == 404
    client.force_login(member)
    html = client.get(film.get_absolute_url()).content.decode()
    assert "Hidden words." in html
    assert "A moderator hid your review" in html
    assert client.get(review.get_absolute_url()).status_code == 200


def test_a_hidden_review_cannot_be_edited_deleted_or_posted_again(client, member, film):
    """Else its author could delete it and post it again, unhidden, without its reports."""
    review = AudienceReviewFactory(film=film, user=member, body="Hidden words.", is_hidden=True)
    client.force_login(member)
    html = client.get(film.get_absolute_url()).content.decode()
    assert "Edit your review" not in html
    assert "Delete your review" not in html
    page = client.get(form_url(film)).content.decode()
    assert "cannot be changed, deleted or posted again" in page
    assert 'name="body"' not in page
    assert post_review(client, film, rating="5.0", body="New words").status_code == 403
    assert client.get(f"/films/{film.slug}/review/delete/").status_code == 403
    assert client.post(f"/films/{film.slug}/review/delete/").status_code == 403
    review.refresh_from_db()
    assert (review.body, review.is_hidden) == ("Hidden words.", True)


def test_the_members_own_review_is_not_listed_twice_on_the_film_page(client, member, film):
    AudienceReviewFactory(film=film, user=member, body="Only once, please.")
    client.force_login(member)
    html = client.get(film.get_absolute_url()).content.decode()
    assert html.count("Only once, please.") == 1
    assert "No other audience reviews yet." in html


def test_unknown_review_pages_are_404(client, member):
    client.force_login(member)
    assert client.get("/films/no-such-film/review/").status_code == 404
    assert client.get("/audience-reviews/999999/").status_code == 404
