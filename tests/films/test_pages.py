"""The pages around the film page: home, browse, cast, photos, people, search."""

import re

import pytest

from films.models import Credit
from reviews.scores import refresh_film_scores
from tests.factories import (
    ArticleFactory,
    AudienceReviewFactory,
    CreditFactory,
    CriticFactory,
    CriticReviewFactory,
    FilmFactory,
    MemberFactory,
    PersonFactory,
    PhotoFactory,
    PublicationFactory,
    ThreadFactory,
)

pytestmark = pytest.mark.django_db


def test_home_shows_recent_and_best_reviewed_films_and_latest_reviews(client):
    film = FilmFactory(title="Harbor Lights", release_date="2024-05-01")
    for _ in range(5):
        CriticReviewFactory(film=film, excerpt="Luminous.")
    refresh_film_scores(film=film)
    html = client.get("/").content.decode()
    assert "Harbor Lights" in html
    assert "100%" in html
    assert "Luminous." in html


def test_home_has_every_section_and_each_links_on(client):
    film = FilmFactory(title="Night Ferry", release_date="2024-05-01")
    FilmFactory(title="Coming Soon", release_date="2999-01-01")
    FilmFactory(title="Crowd Pleaser", audience_score=88, audience_rating_count=40)
    AudienceReviewFactory(film=film, body="Loved the ending.")
    AudienceReviewFactory(film=film, body="The captain dies.", has_spoilers=True)
    AudienceReviewFactory(film=film, body="Hidden words.", is_hidden=True)
    ThreadFactory(title="Ferry talk", film=film, last_poster=MemberFactory())
    ThreadFactory(title="Secret thread", is_hidden=True)
    ArticleFactory(title="Ferries at the festival", lead="A wet week.")
    ArticleFactory(title="Draft piece", published_at=None)
    html = client.get("/").content.decode()
    for heading in [
        "In theaters and recent releases",
        "Best reviewed by critics",
        "Audience favorites",
        "Latest critic reviews",
        "Latest audience reviews",
        "Active discussions",
        "Latest news",
    ]:
        assert f">{heading}</h2>" in html
    assert "Night Ferry" in html and "Coming Soon" not in html
    assert "Crowd Pleaser" in html and "88%" in html
    assert "Loved the ending." in html
    assert "The captain dies." not in html and "Hidden words." not in html
    assert "Ferry talk" in html and "Secret thread" not in html
    assert "Ferries at the festival" in html and "A wet week." in html
    assert "Draft piece" not in html
    for link in [
        'href="/films/"',
        'href="/films/?sort=critics"',
        'href="/films/?sort=audience"',
        'href="/films/?sort=reviews"',
        'href="/critics/"',
        'href="/forums/"',
        'href="/news/"',
    ]:
        assert link in html


def test_undated_critic_reviews_come_after_dated_ones(client):
    film = FilmFactory()
    CriticReviewFactory(film=film, excerpt="Undated words.", review_date=None)
    CriticReviewFactory(film=film, excerpt="Dated words.", review_date="2020-01-01")
    for path in ("/", film.get_absolute_url(), f"/films/{film.slug}/reviews/"):
        html = client.get(path).content.decode()
        assert html.index("Dated words.") < html.index("Undated words."), path


def test_home_shows_the_start_of_a_long_audience_review_and_links_to_the_rest(client):
    review = AudienceReviewFactory(body="Words " * 200 + "THE-END")
    AudienceReviewFactory(body="Fine until ||the twist|| at the end.")
    html = client.get("/").content.decode()
    assert "Words Words" in html and "THE-END" not in html
    assert f'href="{review.get_absolute_url()}">Read the whole review' in html
    assert "the twist" not in html


def test_browse_lists_films_paginated_and_survives_bad_pages(client):
    for i in range(30):
        FilmFactory(title=f"Film {i:02d}")
    first = client.get("/films/").content.decode()
    assert "Film 00" in first
    assert "Film 29" not in first
    assert "Film 29" in client.get("/films/?page=2").content.decode()
    for bad in ["abc", "-1", "0", "99999", "1.5"]:
        assert client.get(f"/films/?page={bad}", follow=True).status_code == 200


def test_browse_queries_do_not_grow_with_films(page_queries):
    FilmFactory()
    few = page_queries("/films/")
    for _ in range(40):
        FilmFactory()
    assert page_queries("/films/") == few


def test_cast_page_lists_cast_and_crew(client):
    film = FilmFactory()
    CreditFactory(film=film, person=PersonFactory(name="Dee Rector"), role=Credit.Role.DIRECTOR)
    CreditFactory(film=film, person=PersonFactory(name="Cass Tee"), character="The Lead")
    html = client.get(f"/films/{film.slug}/cast/").content.decode()
    assert "Dee Rector" in html
    assert "Director" in html
    assert "Cass Tee" in html
    assert "The Lead" in html


def test_cast_page_queries_do_not_grow_with_credits(page_queries):
    film = FilmFactory()
    CreditFactory(film=film)
    few = page_queries(f"/films/{film.slug}/cast/")
    for _ in range(50):
        CreditFactory(film=film)
    assert page_queries(f"/films/{film.slug}/cast/") == few


def test_photo_gallery_shows_each_photo_with_alt_text_and_caption(client):
    film = FilmFactory()
    PhotoFactory(film=film, alt_text="A ship in fog", caption="The opening shot")
    html = client.get(f"/films/{film.slug}/photos/").content.decode()
    assert 'alt="A ship in fog"' in html
    assert "The opening shot" in html


def test_photo_gallery_has_an_empty_state(client):
    film = FilmFactory(title="Bare")
    assert "No photos of Bare yet." in client.get(f"/films/{film.slug}/photos/").content.decode()


def test_person_page_shows_filmography_with_scores(client):
    person = PersonFactory(name="Mara Lead", bio="Stage actor turned star.")
    film = FilmFactory(title="Night Ferry", year=2015)
    CreditFactory(film=film, person=person, character="Captain")
    for _ in range(5):
        CriticReviewFactory(film=film)
    refresh_film_scores(film=film)
    html = client.get(person.get_absolute_url()).content.decode()
    assert "Mara Lead" in html
    assert "Stage actor turned star." in html
    assert "Night Ferry" in html
    assert "Captain" in html
    assert "100%" in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Newer", "Older", "Undated"]),
        ("-year", ["Newer", "Older", "Undated"]),
        ("year", ["Older", "Newer", "Undated"]),
        ("critics", ["Older", "Newer", "Undated"]),
        ("audience", ["Newer", "Older", "Undated"]),
        ("nonsense", ["Newer", "Older", "Undated"]),
    ],
)
def test_person_filmography_sorts_by_year_and_by_score(client, sort, expected):
    person = PersonFactory()
    films = [
        FilmFactory(title="Older", year=1990, critics_score=90, audience_score=20),
        FilmFactory(title="Newer", year=2020, critics_score=30, audience_score=80),
        FilmFactory(title="Undated", year=None),
    ]
    for film in films:
        CreditFactory(film=film, person=person)
    html = client.get(person.get_absolute_url(), {"sort": sort}).content.decode()
    table = html.split('<table class="table filmography mb-0">')[1]
    assert re.findall(r">(Older|Newer|Undated)</a>", table) == expected
    labels = {"year": "Oldest", "critics": "Critics Score", "audience": "Audience Score"}
    assert re.findall(r'aria-current="true">([^<]+)</a>', html) == [labels.get(sort, "Newest")]


def test_person_page_queries_do_not_grow_with_credits(page_queries):
    person = PersonFactory()
    CreditFactory(person=person)
    few = page_queries(person.get_absolute_url())
    for _ in range(30):
        CreditFactory(person=person)
    assert page_queries(person.get_absolute_url()) == few


def test_unknown_person_is_404(client):
    assert client.get("/people/nobody-at-all/").status_code == 404


def test_search_finds_films_people_and_critics(client):
    FilmFactory(title="The Godfather")
    PersonFactory(name="Francis Godwin")
    critic = CriticFactory(name="Gordon Critic")
    critic.publications.add(PublicationFactory(name="Godly Gazette"))
    html = client.get("/search/?q=god").content.decode()
    assert "The Godfather" in html
    assert "Francis Godwin" in html
    assert "Gordon Critic" in html


def test_search_with_no_match_or_odd_input_has_a_helpful_answer(client):
    assert "Nothing matches" in client.get("/search/?q=zzzzzz").content.decode()
    for q in ["", "%", "'", "a" * 5000, "<script>"]:
        response = client.get("/search/", {"q": q})
        assert response.status_code == 200
        assert b"<script>" not in response.content.split(b"</header>")[1]


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/films/", "Films"),
        ("/critics/", "Critics"),
        ("/forums/", "Forums"),
        ("/news/", "News"),
    ],
)
def test_navigation_marks_the_current_section(client, path, current):
    html = client.get(path).content.decode()
    assert f'aria-current="page">{current}</a>' in html


@pytest.mark.parametrize(
    "path",
    [
        "/films/{slug}/reviews/",
        "/films/{slug}/audience-reviews/",
        "/films/{slug}/discussion/",
        "/films/{slug}/discussion/new/",
        "/audience-reviews/{review}/",
        "/audience-reviews/{review}/report/",
        "/films/{slug}/review/",
    ],
)
def test_a_films_review_pages_belong_to_films_in_the_navigation(client, member, path):
    review = AudienceReviewFactory()
    client.force_login(member)
    html = client.get(path.format(slug=review.film.slug, review=review.pk)).content.decode()
    assert 'aria-current="page">Films</a>' in html
    assert 'aria-current="page">Critics</a>' not in html


@pytest.mark.parametrize(
    "path", ["/", "/films/", "/search/?q=x", "/critics/", "/forums/", "/news/", "/robots.txt"]
)
def test_pages_answer_head_requests_as_crawlers_and_monitors_send_them(client, path):
    response = client.head(path)
    assert response.status_code == 200
    assert response.content == b""
