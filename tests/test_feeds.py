"""RSS feeds: the latest critic reviews, site-wide and per film, and News & Features."""

import datetime
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reviews.feeds import FEED_ITEMS
from reviews.models import Sentiment
from tests.factories import (
    ArticleFactory,
    CriticFactory,
    CriticReviewFactory,
    FilmFactory,
    MemberFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db

DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"


def read_feed(client, url: str) -> tuple[ET.Element, list[dict[str, str]]]:
    """The feed's channel and its items as {tag: text}; fails unless it is well-formed RSS."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    items = [{child.tag: child.text or "" for child in item} for item in channel.iter("item")]
    return channel, items


class AlternateLinks(HTMLParser):
    """The feeds a page announces in its head: {title: href}."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.feeds: dict[str, str] = {}
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "link" and attributes.get("rel") == "alternate":
            assert attributes.get("type") == "application/rss+xml"
            self.feeds[attributes["title"]] = attributes["href"]
        elif tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])


def parse_page(client, url: str) -> AlternateLinks:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = AlternateLinks()
    parser.feed(response.content.decode())
    return parser


def test_site_wide_feed_lists_published_critic_reviews_newest_first(client, settings):
    settings.SITE_NAME = "Cinema Club"
    film = FilmFactory(title="Glass Harbor", year=2008)
    critic = CriticFactory(name="Ada Vance")
    paper = PublicationFactory(name="The Ledger")
    older = CriticReviewFactory(
        film=film, critic=critic, publication=paper, review_date=datetime.date(2024, 1, 5)
    )
    newer = CriticReviewFactory(
        film=film,
        critic=critic,
        publication=paper,
        sentiment=Sentiment.ROTTEN,
        review_date=datetime.date(2024, 3, 5),
        excerpt="Handsome but inert.",
    )
    CriticReviewFactory(film=film, excerpt="Withdrawn review", is_published=False)

    channel, items = read_feed(client, "/feeds/reviews/")

    assert "Cinema Club" in channel.findtext("title")
    assert [item["title"] for item in items] == [
        "Ada Vance on Glass Harbor (2008): Rotten",
        "Ada Vance on Glass Harbor (2008): Fresh",
    ]
    assert items[0]["description"] == "Handsome but inert."
    assert items[0]["link"] == (
        f"http://testserver/films/glass-harbor-2008/reviews/#critic-review-{newer.pk}"
    )
    assert items[1]["link"].endswith(f"#critic-review-{older.pk}")
    assert items[0]["guid"] != items[1]["guid"]
    assert items[0][DC_CREATOR] == "Ada Vance · The Ledger"
    assert items[0]["pubDate"].startswith("Tue, 05 Mar 2024")


def test_site_wide_feed_puts_undated_reviews_after_dated_ones(client):
    undated = CriticReviewFactory(review_date=None)
    dated = CriticReviewFactory(review_date=datetime.date(2020, 1, 1))

    _, items = read_feed(client, "/feeds/reviews/")

    assert [item["link"].rsplit("-", 1)[1] for item in items] == [str(dated.pk), str(undated.pk)]
    assert all(item["pubDate"] for item in items)


def test_site_wide_feed_holds_the_latest_reviews_only(client):
    for _ in range(FEED_ITEMS + 1):
        CriticReviewFactory()

    _, items = read_feed(client, "/feeds/reviews/")

    assert len(items) == FEED_ITEMS


def test_film_feed_lists_only_that_films_published_reviews(client, settings):
    settings.SITE_NAME = "Cinema Club"
    film = FilmFactory(title="Glass Harbor", year=2008)
    mine = CriticReviewFactory(film=film)
    CriticReviewFactory(film=film, is_published=False)
    CriticReviewFactory(film=FilmFactory(title="Other Film"))

    channel, items = read_feed(client, "/films/glass-harbor-2008/reviews/feed/")

    assert channel.findtext("title") == "Glass Harbor (2008): critic reviews | Cinema Club"
    assert channel.findtext("link") == "http://testserver/films/glass-harbor-2008/reviews/"
    assert [item["link"] for item in items] == [
        f"http://testserver/films/glass-harbor-2008/reviews/#critic-review-{mine.pk}"
    ]


def test_film_feed_of_an_unknown_film_is_404(client):
    assert client.get("/films/no-such-film/reviews/feed/").status_code == 404


def test_news_feed_lists_published_articles_only(client, settings):
    settings.SITE_NAME = "Cinema Club"
    author = MemberFactory(display_name="Nora Quill")
    ArticleFactory(
        title="Festival report",
        lead="Ten films worth the queue.",
        author=author,
        published_at=timezone.now() - datetime.timedelta(days=2),
    )
    ArticleFactory(title="Awards night", published_at=timezone.now() - datetime.timedelta(hours=1))
    ArticleFactory(title="Draft piece", published_at=None)
    ArticleFactory(
        title="Scheduled piece", published_at=timezone.now() + datetime.timedelta(days=3)
    )

    channel, items = read_feed(client, "/feeds/news/")

    assert channel.findtext("title") == "News & Features | Cinema Club"
    assert [item["title"] for item in items] == ["Awards night", "Festival report"]
    report = items[1]
    assert report["description"] == "Ten films worth the queue."
    assert report["link"] == "http://testserver/news/festival-report/"
    assert report[DC_CREATOR] == "Nora Quill"


def test_markup_in_user_text_is_escaped_and_the_feeds_stay_well_formed(client):
    film = FilmFactory(title="Tom & Jerry <b>Live</b>", year=2021)
    CriticReviewFactory(
        film=film,
        critic=CriticFactory(name="<i>Eve</i>"),
        excerpt="<script>alert(1)</script> & a ]]> too",
        original_score="<3/4>",
    )
    ArticleFactory(title="<script>x</script>", lead="<img src=x onerror=alert(1)> & more")

    for url in ("/feeds/reviews/", f"/films/{film.slug}/reviews/feed/"):
        _, [review] = read_feed(client, url)
        # Readers render these as HTML: the markup reaches them as text, not as elements.
        assert review["description"] == (
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; a ]]&gt; too (Original score: &lt;3/4&gt;)"
        )
        assert "<" not in review["title"]
        assert "&lt;b&gt;Live&lt;/b&gt;" in review["title"]

    _, [article] = read_feed(client, "/feeds/news/")
    assert article["title"] == "&lt;script&gt;x&lt;/script&gt;"
    assert article["description"] == "&lt;img src=x onerror=alert(1)&gt; &amp; more"


def site_feed(n: int) -> str:
    for _ in range(n):
        CriticReviewFactory()
    return "/feeds/reviews/"


def film_feed(n: int) -> str:
    film = FilmFactory()
    for _ in range(n):
        CriticReviewFactory(film=film)
    return f"/films/{film.slug}/reviews/feed/"


def news_feed(n: int) -> str:
    for _ in range(n):
        ArticleFactory(author=MemberFactory())
    return "/feeds/news/"


@pytest.mark.parametrize("build", [site_feed, film_feed, news_feed])
def test_feed_queries_do_not_grow_with_items(client, build):
    few_url, many_url = build(1), build(50)
    with CaptureQueriesContext(connection) as few:
        assert client.get(few_url).status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert client.get(many_url).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_pages_announce_the_site_wide_feeds(client, settings):
    settings.SITE_NAME = "Cinema Club"
    page = parse_page(client, "/")

    assert page.feeds == {
        "Latest critic reviews | Cinema Club": "/feeds/reviews/",
        "News & Features | Cinema Club": "/feeds/news/",
    }


def test_film_page_announces_the_films_feed(client):
    film = FilmFactory(title="Glass Harbor", year=2008)
    page = parse_page(client, film.get_absolute_url())

    assert page.feeds["Glass Harbor (2008): critic reviews | Marquee"] == (
        "/films/glass-harbor-2008/reviews/feed/"
    )
    assert "/feeds/reviews/" in page.feeds.values()
    for href in page.feeds.values():
        assert client.get(href).status_code == 200


def test_news_and_critic_review_pages_link_their_feeds_for_readers(client):
    film = FilmFactory(title="Glass Harbor", year=2008)

    assert "/feeds/news/" in parse_page(client, "/news/").links
    reviews_page = parse_page(client, "/films/glass-harbor-2008/reviews/")
    assert f"/films/{film.slug}/reviews/feed/" in reviews_page.links
