"""Review pages: a film's critic and audience reviews, critics and publications."""

from decimal import Decimal

import pytest

from reviews.models import AudienceReview, HelpfulVote
from reviews.scores import refresh_film_scores
from reviews.tallies import rebuild_counts
from tests.factories import (
    AudienceReviewFactory,
    CriticFactory,
    CriticReviewFactory,
    FilmFactory,
    MemberFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed_film():
    film = FilmFactory()
    CriticReviewFactory(film=film, sentiment="fresh", is_top_critic=True, excerpt="Top fresh.")
    CriticReviewFactory(film=film, sentiment="rotten", excerpt="Plain rotten.")
    CriticReviewFactory(film=film, sentiment="fresh", excerpt="Plain fresh.")
    CriticReviewFactory(film=film, is_published=False, excerpt="Unpublished draft.")
    refresh_film_scores(film=film)
    return film


def test_all_critics_tab_lists_published_reviews_with_counts(client, reviewed_film):
    html = client.get(f"/films/{reviewed_film.slug}/reviews/").content.decode()
    assert "All Critics (3)" in html
    assert "Top Critics (1)" in html
    assert "Top fresh." in html
    assert "Plain rotten." in html
    assert "Unpublished draft." not in html


def test_top_critics_tab_and_sentiment_filters(client, reviewed_film):
    url = f"/films/{reviewed_film.slug}/reviews/"
    top = client.get(url + "?tab=top").content.decode()
    assert "Top fresh." in top
    assert "Plain fresh." not in top
    rotten = client.get(url + "?sentiment=rotten").content.decode()
    assert "Plain rotten." in rotten
    assert "Plain fresh." not in rotten
    top_rotten = client.get(url + "?tab=top&sentiment=rotten").content.decode()
    assert "No reviews match." in top_rotten


def test_critic_reviews_are_paginated(client):
    film = FilmFactory()
    for i in range(25):
        CriticReviewFactory(
            film=film, excerpt=f"Review {i:02d}.", review_date=f"2020-01-{i + 1:02d}"
        )
    refresh_film_scores(film=film)  # the stored count gives the number of pages
    first = client.get(f"/films/{film.slug}/reviews/").content.decode()
    second = client.get(f"/films/{film.slug}/reviews/?page=2").content.decode()
    assert "Review 24." in first
    assert "Review 00." not in first
    assert "Review 00." in second


def test_critic_review_page_queries_do_not_grow_with_reviews(page_queries):
    film = FilmFactory()
    CriticReviewFactory(film=film)
    few = page_queries(f"/films/{film.slug}/reviews/")
    for _ in range(40):
        CriticReviewFactory(film=film, critic=CriticFactory(), publication=PublicationFactory())
    assert page_queries(f"/films/{film.slug}/reviews/") == few


def test_audience_reviews_filter_by_stars_and_hide_spoilers(client):
    film = FilmFactory()
    AudienceReviewFactory(film=film, rating=Decimal("5.0"), body="Five stars of joy.")
    AudienceReviewFactory(film=film, rating=Decimal("2.0"), body="Two stars of gloom.")
    AudienceReviewFactory(
        film=film, rating=Decimal("5.0"), body="Spoiler-laden praise.", has_spoilers=True
    )
    AudienceReviewFactory(film=film, rating=Decimal("5.0"), body="Hidden abuse.", is_hidden=True)
    url = f"/films/{film.slug}/audience-reviews/"
    everything = client.get(url).content.decode()
    assert "Two stars of gloom." in everything
    assert "Hidden abuse." not in everything
    five = client.get(url + "?stars=5.0").content.decode()
    assert "Five stars of joy." in five
    assert "Two stars of gloom." not in five
    no_spoilers = client.get(url + "?stars=5&spoilers=hide").content.decode()
    assert "Five stars of joy." in no_spoilers
    assert "Spoiler-laden praise." not in no_spoilers


@pytest.mark.parametrize("as_member", [False, True])
@pytest.mark.parametrize("sort", ["newest", "helpful"])
def test_audience_review_page_queries_do_not_grow_with_reviews(
    client, page_queries, as_member, sort
):
    """The same count with 1 review and with hundreds, each with helpful votes."""
    viewer = MemberFactory()
    if as_member:
        client.force_login(viewer)
    film = FilmFactory()
    url = f"/films/{film.slug}/audience-reviews/?sort={sort}"
    HelpfulVote.objects.create(review=AudienceReviewFactory(film=film), user=viewer)
    few = page_queries(url)
    reviews = AudienceReview.objects.bulk_create(
        AudienceReview(film=film, user=MemberFactory(), rating=Decimal("3.0"), body="Fine.")
        for _ in range(250)
    )
    HelpfulVote.objects.bulk_create(HelpfulVote(review=r, user=viewer) for r in reviews)
    assert page_queries(url) == few


def test_unknown_film_review_pages_are_404(client):
    assert client.get("/films/nope-2000/reviews/").status_code == 404
    assert client.get("/films/nope-2000/audience-reviews/").status_code == 404


def test_critics_directory_with_top_critics_filter(client):
    CriticFactory(name="Ana Top", is_top_critic=True)
    CriticFactory(name="Bo Regular")
    everyone = client.get("/critics/").content.decode()
    assert "Ana Top" in everyone
    assert "Bo Regular" in everyone
    top = client.get("/critics/?top=1").content.decode()
    assert "Ana Top" in top
    assert "Bo Regular" not in top
    assert client.get("/critics/?top=zzz&page=abc").status_code == 200


def test_critics_directory_queries_do_not_grow_with_critics(page_queries):
    CriticFactory().publications.add(PublicationFactory())
    few = page_queries("/critics/")
    for _ in range(30):
        CriticFactory().publications.add(PublicationFactory())
    assert page_queries("/critics/") == few


def test_critic_page_shows_publications_badge_reviews_and_split(client):
    critic = CriticFactory(name="Cleo Critic", is_top_critic=True, bio="Writes about noir.")
    critic.publications.add(PublicationFactory(name="Noir Weekly"))
    film = FilmFactory(title="Shadow Street")
    CriticReviewFactory(film=film, critic=critic, sentiment="fresh")
    CriticReviewFactory(critic=critic, sentiment="fresh")
    CriticReviewFactory(critic=critic, sentiment="rotten")
    CriticReviewFactory(critic=critic, sentiment="rotten", is_published=False)
    rebuild_counts()  # as the review services keep them
    html = client.get(critic.get_absolute_url()).content.decode()
    assert "Cleo Critic" in html
    assert "Top Critic" in html
    assert "Noir Weekly" in html
    assert "Shadow Street" in html
    assert "3 reviews: <strong>2</strong> Fresh, <strong>1</strong> Rotten" in html


def test_publication_page_lists_its_reviews(client):
    publication = PublicationFactory(name="The Screen Gazette", url="https://gazette.example")
    CriticReviewFactory(publication=publication, excerpt="A gazette review.")
    html = client.get(publication.get_absolute_url()).content.decode()
    assert "The Screen Gazette" in html
    assert "A gazette review." in html


def test_unknown_critic_and_publication_are_404(client):
    assert client.get("/critics/nobody/").status_code == 404
    assert client.get("/publications/nothing/").status_code == 404


def test_tabs_keep_the_sentiment_filter_and_go_back_to_the_first_page(client, reviewed_film):
    url = f"/films/{reviewed_film.slug}/reviews/?sentiment=fresh&page=2"
    html = client.get(url).content.decode()
    assert 'href="?sentiment=fresh" aria-current="page">All Critics (3)' in html
    assert 'href="?sentiment=fresh&amp;tab=top">Top Critics (1)' in html
