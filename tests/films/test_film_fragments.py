"""The film page's shared parts come from the fragment cache, for members too, and go out of
date with the next write; nothing a member sees as their own is ever kept for others."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.models import Sentiment
from reviews.scores import refresh_film_scores
from reviews.services import mark_review_helpful, save_critic_review, submit_audience_review
from tests.admin_helpers import change_form_data
from tests.factories import (
    AudienceReviewFactory,
    CreditFactory,
    CriticFactory,
    CriticReviewFactory,
    FilmFactory,
    MemberFactory,
    ThreadFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def film():
    film = FilmFactory(title="Night Harbor", release_date=datetime.date(2020, 5, 1))
    CreditFactory(film=film)
    CriticReviewFactory(film=film, excerpt="A critic's first words.")
    AudienceReviewFactory(film=film, body="An audience member's words.")
    ThreadFactory(film=film, title="Harbor talk")
    refresh_film_scores(film=film)
    return film


def visit(client, film, **query) -> tuple[str, int]:
    """The page's text (its CSRF tokens left out, as they differ every time) and its queries."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(film.get_absolute_url(), query)
    assert response.status_code == 200
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return text, len(queries)


def test_a_members_second_visit_takes_the_shared_parts_from_the_cache(client, film):
    client.force_login(MemberFactory())
    first, rendered = visit(client, film)
    again, from_cache = visit(client, film)
    assert again == first
    # The session, the member, the film, their own review and the audience reviews they see.
    assert (rendered, from_cache) == (12, 5)


def test_without_the_fragment_cache_every_visit_renders(client, film, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    client.force_login(MemberFactory())
    assert visit(client, film)[1] == visit(client, film)[1] == 12


@pytest.mark.parametrize(
    "change",
    ["critic review", "title", "thread", "rating"],
)
def test_a_change_shows_at_once_on_a_members_page(client, film, change):
    client.force_login(MemberFactory())
    visit(client, film)
    if change == "critic review":
        review = CriticReviewFactory.build(
            film=film, critic=CriticFactory(), publication=None, excerpt="A new critic's words."
        )
        save_critic_review(review=review)
        expected = "A new critic&#x27;s words."
    elif change == "title":
        film.title = "Night Harbour"
        film.save()
        expected = "Night Harbour"
    elif change == "thread":
        ThreadFactory(film=film, title="A brand new thread")
        expected = "A brand new thread"
    else:
        submit_audience_review(
            film=film, user=MemberFactory(), rating=Decimal("1.0"), body="", has_spoilers=False
        )
        expected = "2 ratings"
    assert expected in visit(client, film)[0]


def test_the_top_critics_tab_is_kept_apart_from_all_critics(client, film):
    CriticReviewFactory(film=film, excerpt="Not a Top Critic.", sentiment=Sentiment.ROTTEN)
    refresh_film_scores(film=film)
    client.force_login(MemberFactory())
    assert "Not a Top Critic." in visit(client, film)[0]
    assert "Not a Top Critic." not in visit(client, film, critics="top")[0]
    assert "Not a Top Critic." in visit(client, film)[0]


def test_a_members_helpful_marks_and_own_review_are_never_kept_for_others(client, film):
    voter = MemberFactory()
    review = film.audience_reviews.get()
    mark_review_helpful(review=review, user=voter, helpful=True)
    AudienceReviewFactory(film=film, user=voter, body="The voter's own review.")
    client.force_login(voter)
    mine = visit(client, film)[0]
    assert "You found this helpful" in mine and "Edit your review" in mine

    client.logout()
    visitor = visit(client, film)[0]  # the visitor's own audience fragment
    other = MemberFactory()
    client.force_login(other)
    theirs = visit(client, film)[0]
    for page in (visitor, theirs):
        assert "You found this helpful" not in page
        assert "Edit your review" not in page
    assert 'aria-pressed="false"' in theirs  # the other member may vote
    assert "aria-pressed" not in visitor  # a visitor gets no button


def test_json_ld_names_the_host_it_was_asked_on(client, film, settings):
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    client.force_login(MemberFactory())
    url = film.get_absolute_url()
    first = client.get(url, headers={"host": "one.example"}).content.decode()
    second = client.get(url, headers={"host": "two.example"}).content.decode()
    assert f'"url": "http://one.example{url}"' in first
    assert f'"url": "http://two.example{url}"' in second


def test_an_editors_change_in_the_admin_shows_at_once(client, film, editor):
    client.force_login(editor)
    visit(client, film)
    url = reverse("admin:films_film_change", args=[film.pk])
    data = change_form_data(client.get(url))
    data["consensus"] = "A quiet triumph."
    assert client.post(url, data).status_code == 302
    assert "A quiet triumph." in visit(client, film)[0]


def test_a_cache_that_cannot_be_reached_renders_the_whole_page(client, film, monkeypatch):
    client.force_login(MemberFactory())
    visit(client, film)

    def down(*args, **kwargs):
        raise ConnectionError("the cache is down")

    monkeypatch.setattr(cache, "get", down)
    page, queries = visit(client, film)
    assert queries == 12
    # (Not compared with the first visit's page: "last post a second ago" may have moved on.)
    for text in ("A critic&#x27;s first words.", "An audience member&#x27;s words.", "Harbor talk"):
        assert text in page


def test_a_write_the_cache_could_not_record_still_retires_the_parts(client, film, monkeypatch):
    client.force_login(MemberFactory())
    visit(client, film)

    def down(*args, **kwargs):
        raise ConnectionError("the cache is down")

    with monkeypatch.context() as outage:
        outage.setattr(cache, "incr", down)  # the write's bump is lost
        film.title = "Night Harbour"
        film.save()
    assert '<h1 class="film-title">Night Harbour' in visit(client, film)[0]


def test_the_kept_review_form_carries_each_members_own_csrf_token(film):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(MemberFactory())
    second.force_login(MemberFactory())
    tokens = []
    for client in (first, second):
        html = client.get(film.get_absolute_url()).content.decode()
        form = html[html.index('<form class="review-form"') :]
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1])
        assert f'action="/films/{film.slug}/review/"' in form
        assert 'name="rating"' in form
    response = second.post(
        f"/films/{film.slug}/review/",
        {"csrfmiddlewaretoken": tokens[1], "rating": "4.0", "body": "Mine."},
    )
    assert response.status_code == 302
    assert "Mine." in second.get(film.get_absolute_url()).content.decode()
