"""The sitemap index and its sections, and robots.txt, for search engines."""

import datetime
import xml.etree.ElementTree as ET
from urllib.robotparser import RobotFileParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from films.sitemaps import FilmSitemap
from forums.models import MOVIE_FORUM_SLUG, Board
from tests.factories import (
    ArticleFactory,
    BoardFactory,
    CriticFactory,
    FilmFactory,
    PersonFactory,
    PublicationFactory,
    ThreadFactory,
)

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SECTIONS = ["pages", "films", "people", "critics", "publications", "news", "boards", "threads"]


def read_sitemap(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/xml"
    return ET.fromstring(response.content)


def section_urls(client, section: str) -> dict[str, str | None]:
    """{location: lastmod} of a section's first page."""
    urlset = read_sitemap(client, f"/sitemap-{section}.xml")
    return {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in urlset.findall("sm:url", NS)
    }


def test_sitemap_index_lists_every_section(client):
    index = read_sitemap(client, "/sitemap.xml")

    locations = [loc.text for loc in index.findall("sm:sitemap/sm:loc", NS)]
    assert locations == [f"http://testserver/sitemap-{section}.xml" for section in SECTIONS]


def test_sitemap_index_links_every_page_of_a_large_section(client, monkeypatch):
    monkeypatch.setattr(FilmSitemap, "limit", 2)
    for _ in range(3):
        FilmFactory()

    index = read_sitemap(client, "/sitemap.xml")

    locations = [loc.text for loc in index.findall("sm:sitemap/sm:loc", NS)]
    assert "http://testserver/sitemap-films.xml?p=2" in locations
    assert len(section_urls(client, "films")) == 2
    assert client.get("/sitemap-films.xml?p=3").status_code == 404


def test_pages_section_lists_the_pages_readers_start_from(client):
    assert set(section_urls(client, "pages")) == {
        "http://testserver/",
        "http://testserver/films/",
        "http://testserver/critics/",
        "http://testserver/forums/",
        "http://testserver/news/",
    }


def test_films_and_people_sections_list_their_pages(client):
    film = FilmFactory(title="Glass Harbor", year=2008)
    PersonFactory(name="Lena Ortiz")

    films = section_urls(client, "films")
    assert list(films) == ["http://testserver/films/glass-harbor-2008/"]
    assert films["http://testserver/films/glass-harbor-2008/"].startswith(
        film.updated_at.date().isoformat()
    )
    assert list(section_urls(client, "people")) == ["http://testserver/people/lena-ortiz/"]


def test_critics_and_publications_sections_list_their_pages(client):
    CriticFactory(name="Ada Vance")
    PublicationFactory(name="The Ledger")

    assert list(section_urls(client, "critics")) == ["http://testserver/critics/ada-vance/"]
    assert list(section_urls(client, "publications")) == [
        "http://testserver/publications/the-ledger/"
    ]


def test_news_section_lists_published_articles_only(client):
    ArticleFactory(title="Festival report")
    ArticleFactory(title="Draft piece", published_at=None)
    ArticleFactory(
        title="Scheduled piece", published_at=timezone.now() + datetime.timedelta(days=1)
    )

    news = section_urls(client, "news")

    assert list(news) == ["http://testserver/news/festival-report/"]
    assert news["http://testserver/news/festival-report/"]


def test_forum_sections_list_boards_and_visible_threads_only(client):
    board = BoardFactory(name="Off Topic")
    thread = ThreadFactory(board=board, title="Best openings")
    ThreadFactory(board=board, title="Spam spam", is_hidden=True)

    boards = section_urls(client, "boards")
    threads = section_urls(client, "threads")

    assert set(boards) == {
        f"http://testserver/forums/{MOVIE_FORUM_SLUG}/",
        "http://testserver/forums/off-topic/",
    }
    assert list(threads) == [f"http://testserver/forums/off-topic/{thread.pk}-best-openings/"]
    assert all(lastmod for lastmod in threads.values())


def test_unknown_sitemap_section_is_404(client):
    assert client.get("/sitemap-nothing.xml").status_code == 404


def films(n: int) -> str:
    for _ in range(n):
        FilmFactory()
    return "/sitemap-films.xml"


def people(n: int) -> str:
    for _ in range(n):
        PersonFactory()
    return "/sitemap-people.xml"


def critics(n: int) -> str:
    for _ in range(n):
        CriticFactory()
    return "/sitemap-critics.xml"


def news(n: int) -> str:
    for _ in range(n):
        ArticleFactory()
    return "/sitemap-news.xml"


def boards(n: int) -> str:
    for _ in range(n):
        BoardFactory()
    return "/sitemap-boards.xml"


def threads(n: int) -> str:
    movie_forum = Board.objects.get(slug=MOVIE_FORUM_SLUG)
    for _ in range(n):
        ThreadFactory(board=BoardFactory())
        ThreadFactory(board=movie_forum)
    return "/sitemap-threads.xml"


def index(n: int) -> str:
    threads(n)
    news(n)
    return films(n).replace("-films", "")


@pytest.mark.parametrize("build", [films, people, critics, news, boards, threads, index])
def test_sitemap_queries_do_not_grow_with_rows(client, build):
    few_url, many_url = build(1), build(50)
    with CaptureQueriesContext(connection) as few:
        assert client.get(few_url).status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert client.get(many_url).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_robots_txt_keeps_crawlers_out_of_private_and_action_pages(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert text.startswith("User-agent: *\n")
    assert "Disallow: /admin/\n" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text.splitlines()
    assert "Disallow: /films/*/review/\n" in text
    robots = RobotFileParser()
    robots.parse(text.splitlines())
    for private in ("/admin/", "/accounts/login/", "/search/?q=harbor", "/forums/threads/1/reply/"):
        assert not robots.can_fetch("*", f"http://testserver{private}"), private


def test_robots_txt_lets_crawlers_reach_every_page_in_the_sitemap(client):
    film = FilmFactory(title="Glass Harbor", year=2008)
    ThreadFactory(film=film, title="Best openings")
    ArticleFactory(title="Festival report")
    robots = RobotFileParser()
    robots.parse(client.get("/robots.txt").content.decode().splitlines())

    public = [location for section in SECTIONS for location in section_urls(client, section)]
    public += [
        f"http://testserver/films/{film.slug}/reviews/",
        f"http://testserver/films/{film.slug}/discussion/",
        "http://testserver/feeds/reviews/",
        "http://testserver/feeds/news/",
    ]
    assert len(public) > 8
    for url in public:
        assert robots.can_fetch("*", url), url
