"""Browsing films: every filter and sort alone and together, clean URLs, chips, bad input."""

from datetime import date
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from films.models import Film
from tests.factories import FilmFactory, GenreFactory

pytestmark = pytest.mark.django_db


class FilmTitles(HTMLParser):
    """The titles of the film cards on a page, in order, and the chips' links."""

    def __init__(self) -> None:
        super().__init__()
        self.titles: list[str] = []
        self.chips: dict[str, str] = {}
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h3" and "film-card-title" in (attrs.get("class") or ""):
            self._in_title = True
            self.titles.append("")
        if tag == "span" and self._in_title:
            self._in_title = False  # the year follows in a span
        if tag == "a" and attrs.get("class") == "chip":
            self.chips[attrs["aria-label"].removeprefix("Remove filter: ")] = attrs["href"]

    def handle_endtag(self, tag):
        if tag == "h3":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.titles[-1] += data.strip()


def browse(client, query: str = "") -> FilmTitles:
    response = client.get(f"/films/?{query}" if query else "/films/")
    assert response.status_code == 200, response
    parser = FilmTitles()
    parser.feed(response.content.decode())
    return parser


def film(title: str, **fields) -> Film:
    genres = fields.pop("genres", [])
    return FilmFactory(title=title, genres=genres, **fields)


@pytest.fixture
def catalogue():
    drama, comedy = GenreFactory(name="Drama"), GenreFactory(name="Comedy")
    return {
        "drama": drama,
        "comedy": comedy,
        "old": film(
            "Old Drama",
            year=1994,
            release_date=date(1994, 3, 1),
            genres=[drama],
            release_type="wide",
            critics_score=91,
            critic_classified_count=100,
            critic_review_count=120,
            audience_score=70,
            audience_rating_count=50,
            acclaimed_earned=True,
        ),
        "new": film(
            "New Comedy",
            year=2021,
            release_date=date(2021, 6, 1),
            genres=[comedy],
            release_type="limited",
            critics_score=40,
            critic_classified_count=10,
            critic_review_count=10,
            audience_score=95,
            audience_rating_count=500,
        ),
        "mid": film(
            "Mid Drama",
            year=1998,
            release_date=date(1998, 1, 1),
            genres=[drama, comedy],
            release_type="limited",
            critics_score=80,
            critic_classified_count=50,
            critic_review_count=60,
            acclaimed_override=Film.AcclaimedOverride.ON,
        ),
        "unscored": film(
            "Unscored", year=None, genres=[drama], acclaimed_earned=True, acclaimed_override="off"
        ),
    }


def test_default_is_newest_first_with_undated_films_last(client, catalogue):
    assert browse(client).titles == ["New Comedy", "Mid Drama", "Old Drama", "Unscored"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("critics", ["Old Drama", "Mid Drama", "New Comedy", "Unscored"]),
        ("audience", ["New Comedy", "Old Drama", "Mid Drama", "Unscored"]),
        # Critic reviews and audience ratings together.
        ("reviews", ["New Comedy", "Old Drama", "Mid Drama", "Unscored"]),
        ("title", ["Mid Drama", "New Comedy", "Old Drama", "Unscored"]),
    ],
)
def test_each_sort_orders_the_films_with_unscored_ones_last(client, catalogue, sort, expected):
    assert browse(client, f"sort={sort}").titles == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("genre=comedy", ["New Comedy", "Mid Drama"]),
        ("decade=1990", ["Mid Drama", "Old Drama"]),
        ("year=1994", ["Old Drama"]),
        ("type=limited", ["New Comedy", "Mid Drama"]),
        # Earned by the rules, or forced on by an editor; an editor's "off" wins over the rules.
        ("acclaimed=1", ["Mid Drama", "Old Drama"]),
    ],
)
def test_each_filter_alone(client, catalogue, query, expected):
    assert browse(client, query).titles == expected


def test_filters_and_sort_combine(client, catalogue):
    assert browse(client, "genre=drama&decade=1990&acclaimed=1&sort=title").titles == [
        "Mid Drama",
        "Old Drama",
    ]
    assert browse(client, "genre=comedy&type=limited&sort=audience").titles == [
        "New Comedy",
        "Mid Drama",
    ]
    assert browse(client, "genre=drama&year=1994&type=wide").titles == ["Old Drama"]


def test_each_filter_shows_as_a_chip_that_removes_only_itself(client, catalogue):
    page = browse(client, "genre=drama&decade=1990&type=limited&acclaimed=1&sort=title")
    assert page.chips == {
        "Drama": "/films/?decade=1990&type=limited&acclaimed=1&sort=title",
        "1990s": "/films/?genre=drama&type=limited&acclaimed=1&sort=title",
        "Limited release": "/films/?genre=drama&decade=1990&acclaimed=1&sort=title",
        "Acclaimed": "/films/?genre=drama&decade=1990&type=limited&sort=title",
    }
    html = client.get("/films/?genre=drama&decade=1990&sort=title").content.decode()
    assert '<a class="chip-clear" href="/films/?sort=title">Clear all</a>' in html
    assert "2 films match your filters, by title." in html
    assert browse(client, "year=1994").chips == {"1994": "/films/"}
    assert browse(client).chips == {}


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        # What the filter form submits: empty fields and the default sort drop out.
        ("genre=&decade=&year=&type=&sort=newest", "/films/"),
        (
            "genre=drama&decade=&year=&type=&acclaimed=on&sort=critics",
            "?genre=drama&acclaimed=1&sort=critics",
        ),
        # A fixed order, whatever order the parameters came in.
        ("sort=title&genre=drama", "?genre=drama&sort=title"),
        # Unknown parameters and values are ignored, never an error.
        ("genre=no-such-genre&decade=1234&year=abc&type=imax&sort=best&utm_source=x", "/films/"),
        ("year=99999&page=abc", "/films/"),
        ("page=1", "/films/"),
        # Beyond the last page: the last page (here the only one).
        ("page=007&genre=drama", "?genre=drama"),
    ],
)
def test_urls_are_made_clean_by_a_redirect(client, catalogue, query, canonical):
    response = client.get(f"/films/?{query}")
    assert response.status_code == 302
    assert response["Location"] == (
        canonical if canonical.startswith("/") else f"/films/{canonical}"
    )
    assert client.get(response["Location"]).status_code == 200


def test_a_clean_url_is_served_without_a_redirect(client, catalogue):
    assert client.get("/films/?genre=drama&decade=1990&sort=critics").status_code == 200


def test_pages_keep_the_filters(client):
    drama = GenreFactory(name="Drama")
    for i in range(30):
        film(f"Drama {i:02d}", genres=[drama])
    FilmFactory(title="Not A Drama")
    first = client.get("/films/?genre=drama&sort=title").content.decode()
    assert 'href="?genre=drama&amp;sort=title&amp;page=2"' in first
    second = browse(client, "genre=drama&sort=title&page=2")
    assert second.titles == [f"Drama {i:02d}" for i in range(24, 30)]
    assert client.get("/films/?genre=drama&sort=title&page=02")["Location"] == (
        "/films/?genre=drama&sort=title&page=2"
    )
    beyond = client.get("/films/?genre=drama&sort=title&page=99")
    assert beyond["Location"] == "/films/?genre=drama&sort=title&page=2"
    beyond = client.get("/films/?genre=drama&page=" + "9" * 5000)
    assert beyond["Location"] == "/films/?genre=drama&page=2"
    assert client.get("/films/?year=1999&page=3")["Location"] == "/films/?year=1999"


def test_the_earliest_films_have_their_decade(client):
    film("Early Short", year=1895)
    assert browse(client, "decade=1890").titles == ["Early Short"]
    assert browse(client, "decade=1870").titles == []


def test_no_match_has_a_helpful_empty_state(client, catalogue):
    html = client.get("/films/?genre=comedy&year=1994").content.decode()
    assert "No film matches all of these filters." in html
    assert "Remove a filter" in html


def test_an_empty_catalogue_says_so(client):
    assert "No films yet." in client.get("/films/").content.decode()


def test_cards_show_poster_title_year_and_both_scores(client, catalogue):
    html = client.get("/films/?year=1994").content.decode()
    assert "Old Drama" in html and "(1994)" in html
    assert "91%" in html and "Critics Score, Fresh" in html
    assert "70%" in html and "Audience Score, Liked" in html
    assert "poster-placeholder.svg" in html or "<img" in html


def test_browse_queries_do_not_grow_with_films(page_queries):
    drama = GenreFactory(name="Drama")
    film("Only", genres=[drama])
    few = page_queries("/films/?genre=drama&sort=critics")
    for i in range(60):
        film(f"More {i}", genres=[drama, GenreFactory()])
    assert page_queries("/films/?genre=drama&sort=critics") == few


class BrowseFuzzTests(HypothesisTestCase):
    """No query string, however odd, gets a server error; at most one redirect to a clean URL."""

    @given(
        st.dictionaries(
            st.sampled_from(["genre", "decade", "year", "type", "acclaimed", "sort", "page", "x"]),
            st.text(max_size=12),
            max_size=7,
        )
    )
    def test_any_parameters(self, params):
        response = self.client.get("/films/", params)
        assert response.status_code in (200, 302)
        if response.status_code == 302:
            target = response["Location"]
            assert urlsplit(target).path == "/films/"
            assert set(parse_qs(urlsplit(target).query)) <= {
                "genre",
                "decade",
                "year",
                "type",
                "acclaimed",
                "sort",
                "page",
            }
            assert self.client.get(target).status_code == 200
