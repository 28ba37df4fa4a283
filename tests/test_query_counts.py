"""Every list page makes the same number of queries with one row and with many, and none of
them counts reviews: the counts they show are stored."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from films.models import Genre
from forums.models import Board
from tests.factories import (
    ArticleFactory,
    AudienceReviewFactory,
    CreditFactory,
    CriticFactory,
    CriticReviewFactory,
    FilmFactory,
    GenreFactory,
    MemberFactory,
    PersonFactory,
    PhotoFactory,
    PostFactory,
    PublicationFactory,
    ThreadFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    """These count what rendering a page costs; a visitor's page from the cache costs nothing
    (tests/test_page_cache.py)."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 0


def profile(n: int) -> str:
    member = MemberFactory()
    for _ in range(n):
        AudienceReviewFactory(user=member)
    return member.get_absolute_url()


def critic(n: int) -> str:
    person = CriticFactory()
    for _ in range(n):
        CriticReviewFactory(critic=person, publication=PublicationFactory())
    return person.get_absolute_url()


def publication(n: int) -> str:
    paper = PublicationFactory()
    for _ in range(n):
        CriticReviewFactory(publication=paper, critic=CriticFactory())
    return paper.get_absolute_url()


def film_critic_reviews(n: int) -> str:
    film = FilmFactory()
    for _ in range(n):
        CriticReviewFactory(film=film, critic=CriticFactory(is_top_critic=True), is_top_critic=True)
    return f"/films/{film.slug}/reviews/?tab=top&sentiment=fresh"


def film_audience_reviews(n: int) -> str:
    film = FilmFactory()
    for _ in range(n):
        AudienceReviewFactory(film=film, rating=4)
    return f"/films/{film.slug}/audience-reviews/?stars=4&spoilers=hide&sort=helpful"


def film_page(n: int) -> str:
    film = FilmFactory()
    for _ in range(n):
        CriticReviewFactory(film=film, critic=CriticFactory(), publication=PublicationFactory())
        AudienceReviewFactory(film=film)
    return film.get_absolute_url()


def board(n: int) -> str:
    movie_forum = Board.objects.get(slug="movie-forum")
    for _ in range(n):
        ThreadFactory(board=movie_forum, film=FilmFactory(), last_poster=MemberFactory())
    return movie_forum.get_absolute_url()


def thread(n: int) -> str:
    topic = ThreadFactory()
    for _ in range(n):
        PostFactory(thread=topic, author=MemberFactory())
    return topic.get_absolute_url()


def discussion(n: int) -> str:
    film = FilmFactory()
    for _ in range(n):
        ThreadFactory(film=film, last_poster=MemberFactory())
    return f"/films/{film.slug}/discussion/"


def photos(n: int) -> str:
    film = FilmFactory()
    for _ in range(n):
        PhotoFactory(film=film)
    return f"/films/{film.slug}/photos/"


def news(n: int) -> str:
    for _ in range(n):
        ArticleFactory(author=MemberFactory(), films=[FilmFactory()])
    return "/news/"


def article(n: int) -> str:
    films = [FilmFactory() for _ in range(n)]
    for film in films:
        ArticleFactory(films=[film])
    return ArticleFactory(films=films).get_absolute_url()


def home(n: int) -> str:
    for _ in range(n):
        film = FilmFactory(
            release_date="2020-01-01",
            critics_score=80,
            audience_score=70,
            genres=[GenreFactory()],
        )
        CriticReviewFactory(film=film, critic=CriticFactory(), publication=PublicationFactory())
        AudienceReviewFactory(film=film)
        ThreadFactory(film=film, last_poster=MemberFactory())
        ArticleFactory(author=MemberFactory(), films=[film])
    return "/"


def critics_directory(n: int) -> str:
    for _ in range(n):
        reviewer = CriticFactory(is_top_critic=True)
        reviewer.publications.add(PublicationFactory(), PublicationFactory())
        CriticReviewFactory(critic=reviewer)
    return "/critics/?top=1"


def browse(n: int) -> str:
    drama, _ = Genre.objects.get_or_create(name="Drama", slug="drama")
    for _ in range(n):
        FilmFactory(genres=[drama, GenreFactory()], year=1995)
    return "/films/?genre=drama&decade=1990&sort=critics"


def person(n: int) -> str:
    someone = PersonFactory()
    for _ in range(n):
        CreditFactory(person=someone, film=FilmFactory(critics_score=50))
    return f"{someone.get_absolute_url()}?sort=critics"


def search(n: int) -> str:
    for i in range(n):
        FilmFactory(title=f"Harbor {i}")
        CriticFactory(name=f"Harbor Critic {i}").publications.add(PublicationFactory())
    return "/search/?q=harbor"


def forum_index(n: int) -> str:
    for i in range(n):
        Board.objects.create(name=f"Board {i}")
    return "/forums/"


@pytest.mark.parametrize(
    "build",
    [
        profile,
        critic,
        publication,
        film_critic_reviews,
        film_audience_reviews,
        film_page,
        board,
        thread,
        discussion,
        photos,
        news,
        article,
        home,
        browse,
        person,
        critics_directory,
        search,
        forum_index,
    ],
)
def test_list_page_queries_do_not_grow_with_rows(client, build):
    few_url, many_url = build(1), build(30)
    with CaptureQueriesContext(connection) as few:
        assert client.get(few_url).status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert client.get(many_url).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert not [sql for sql in (q["sql"] for q in many.captured_queries) if counts_reviews(sql)]


AGGREGATE = re.compile(r"\b(COUNT|SUM|AVG|MIN|MAX)\(", re.IGNORECASE)


def counts_reviews(sql: str) -> bool:
    return bool(AGGREGATE.search(sql)) and (
        "reviews_criticreview" in sql or "reviews_audiencereview" in sql
    )
