"""Every list page makes the same number of queries with one row and with many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums.models import Board
from tests.factories import (
    ArticleFactory,
    AudienceReviewFactory,
    CriticFactory,
    CriticReviewFactory,
    FilmFactory,
    MemberFactory,
    PhotoFactory,
    PostFactory,
    PublicationFactory,
    ThreadFactory,
)

pytestmark = pytest.mark.django_db


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
        ArticleFactory(author=MemberFactory())
    return "/news/"


def home(n: int) -> str:
    for _ in range(n):
        CriticReviewFactory(
            film=FilmFactory(release_date="2020-01-01"),
            critic=CriticFactory(),
            publication=PublicationFactory(),
        )
    return "/"


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
        board,
        thread,
        discussion,
        photos,
        news,
        home,
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
