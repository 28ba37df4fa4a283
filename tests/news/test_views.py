import datetime

import pytest
from django.utils import timezone

from tests.factories import ArticleFactory, FilmFactory

pytestmark = pytest.mark.django_db


def test_news_lists_published_articles_only(client):
    ArticleFactory(title="Festival report")
    ArticleFactory(title="Draft piece", published_at=None)
    ArticleFactory(
        title="Scheduled piece", published_at=timezone.now() + datetime.timedelta(days=3)
    )
    html = client.get("/news/").content.decode()
    assert "Festival report" in html
    assert "Draft piece" not in html
    assert "Scheduled piece" not in html


def test_article_page_links_the_films_it_mentions(client):
    film = FilmFactory(title="Glass Harbor")
    article = ArticleFactory(title="Making Glass Harbor", body="<em>raw</em>")
    article.films.add(film)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Making Glass Harbor" in html
    assert film.get_absolute_url() in html
    assert "&lt;em&gt;raw&lt;/em&gt;" in html


def test_draft_article_is_404(client):
    article = ArticleFactory(published_at=None)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_scheduled_article_is_404(client):
    article = ArticleFactory(published_at=timezone.now() + datetime.timedelta(minutes=5))
    assert client.get(article.get_absolute_url()).status_code == 404


def test_unknown_article_is_404(client):
    assert client.get("/news/no-such-article/").status_code == 404


def test_news_is_paginated_newest_first(client):
    now = timezone.now()
    for i in range(13):
        ArticleFactory(title=f"Story {i:02}", published_at=now - datetime.timedelta(hours=i))
    first = client.get("/news/").content.decode()
    assert "Story 00" in first and "Story 11" in first and "Story 12" not in first
    assert 'aria-label="News pages"' in first
    second = client.get("/news/", {"page": 2}).content.decode()
    assert "Story 12" in second and "Story 00" not in second


@pytest.mark.parametrize(
    "number", ["0", "-1", "2", "999999999999999999999", "abc", "1.5", "", "%00", "1e3"]
)
def test_bad_page_numbers_show_a_page_instead_of_an_error(client, number):
    ArticleFactory(title="Only story")
    response = client.get("/news/", {"page": number})
    assert response.status_code == 200
    assert "Only story" in response.content.decode()


@pytest.mark.parametrize("films", [1, 30])
def test_article_page_queries_do_not_grow_with_films_or_related_articles(page_queries, films):
    mentioned = [FilmFactory() for _ in range(films)]
    article = ArticleFactory(films=mentioned)
    for film in mentioned:
        ArticleFactory(films=[film])
    # The page makes three queries: the article, its films, the related articles.
    assert page_queries(article.get_absolute_url()) == 3


@pytest.mark.parametrize("articles", [1, 30])
def test_news_list_queries_do_not_grow_with_articles_or_their_films(page_queries, articles):
    for _ in range(articles):
        ArticleFactory(films=[FilmFactory(), FilmFactory()])
    # A count for the paginator, the page of articles with their authors, and their films.
    assert page_queries("/news/") == 3
