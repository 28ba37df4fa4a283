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
