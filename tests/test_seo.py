"""What search engines and link previews read: every main page has its own title, description
and canonical address; films, people and news carry Open Graph tags; the film page's JSON-LD
has what Google needs for review snippets and the Movie carousel."""

import json
from html import unescape

import pytest

from reviews.models import Sentiment
from reviews.scores import refresh_film_scores
from tests.factories import CriticReviewFactory, FilmFactory, PersonFactory
from tests.html_safety import tags
from tests.test_html_validity import build_site

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"
# The film page's tabs are one page to a search engine: the same title and address.
SAME_PAGE = {"film, top critics": "film"}


def head(html: str) -> dict:
    """The page's title, meta tags (by name or property, each a list) and canonical links."""
    found = {"title": [], "meta": {}, "canonical": [], "json-ld": []}
    for name, attributes, text in tags(html):
        attrs = dict(attributes)
        if name == "title":
            found["title"].append(unescape(text).strip())
        elif name == "meta" and ("name" in attrs or "property" in attrs):
            key = attrs.get("name") or attrs["property"]
            found["meta"].setdefault(key, []).append(attrs.get("content", ""))
        elif name == "link" and attrs.get("rel") == "canonical":
            found["canonical"].append(attrs.get("href", ""))
        elif name == "script" and attrs.get("type") == "application/ld+json":
            found["json-ld"].append(json.loads(unescape(text)))
    return found


def page_head(client, url: str) -> dict:
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    return head(response.content.decode())


@pytest.fixture
def site():
    return build_site()


def test_every_main_page_has_its_own_title_description_and_canonical_address(client, site):
    heads = {name: page_head(client, url) for name, url in site.urls.items()}
    for name, found in heads.items():
        assert len(found["title"]) == 1 and found["title"][0], name
        assert len(found["meta"].get("description", [])) == 1, name
        assert found["meta"]["description"][0].strip(), name
        assert len(found["canonical"]) == 1, name
        assert found["canonical"][0].startswith(f"{ORIGIN}/"), name
    distinct = {name: found for name, found in heads.items() if name not in SAME_PAGE}
    for part in ("title", "canonical"):
        values = [found[part][0] for found in distinct.values()]
        assert len(set(values)) == len(values), sorted(values)
    descriptions = [found["meta"]["description"][0] for found in distinct.values()]
    assert len(set(descriptions)) == len(descriptions), sorted(descriptions)
    for variant, page in SAME_PAGE.items():
        assert heads[variant]["canonical"] == heads[page]["canonical"]


# (page, query, what of the query the canonical address keeps)
CANONICAL_CASES = [
    # Tracking, tabs, sorting and filters name the same page; its page number does not.
    ("film", "?critics=top&utm_source=newsletter", ""),
    ("audience reviews", "?sort=helpful&spoilers=hide&page=2&utm_medium=email", "?page=2"),
    ("critic reviews", "?tab=top&sentiment=fresh&fbclid=abc", ""),
    ("thread", "?page=1&utm_campaign=x", ""),
    ("person", "?sort=critics", ""),
    ("log in", "?next=/films/", ""),
    # The browse page redirects to the one clean form of its query, which it keeps.
    ("browse", "?sort=critics&utm_source=x&genre=drama", "?genre=drama&sort=critics"),
    # Search results are the query's (noindex, but shared links stay clean).
    ("search", "?utm_source=x&type=films&q=long++night", "?q=long%20night&type=films"),
]


def test_canonical_addresses_drop_parameters_that_do_not_make_another_page(client, site):
    for page, query, canonical in CANONICAL_CASES:
        path = site.urls[page].split("?")[0]
        found = page_head(client, path + query)
        assert found["canonical"] == [f"{ORIGIN}{path}{canonical}"], (page, query)


def open_graph(found: dict) -> dict:
    return {key: values[0] for key, values in found["meta"].items() if len(values) == 1}


@pytest.mark.parametrize(
    ("kind", "og_type", "image"),
    [
        ("film", "video.movie", "/media/posters/the-long-night.jpg"),
        ("person", "profile", "/media/people/ada.jpg"),
        ("article", "article", "/media/news/storm.jpg"),
    ],
)
def test_films_people_and_news_have_open_graph_and_twitter_tags(client, site, kind, og_type, image):
    found = page_head(client, site.urls[kind])
    og = open_graph(found)
    assert og["og:type"] == og_type
    assert og["og:url"] == found["canonical"][0]
    assert og["og:image"] == ORIGIN + image
    assert og["og:title"] and og["og:title"] in found["title"][0]
    assert og["og:description"] and og["og:site_name"] == "Marquee"
    assert og["twitter:card"] in ("summary", "summary_large_image")


def test_a_film_without_a_poster_shares_the_sites_card_not_an_svg(client):
    og = open_graph(page_head(client, FilmFactory(title="Unpostered").get_absolute_url()))
    assert og["og:image"] == ORIGIN + "/static/img/share-card.png"


def test_pictures_served_from_another_origin_keep_their_own_address(client, settings):
    """With uploads in object storage their URLs are already full: no host is put before them."""
    settings.MEDIA_URL = "https://media.example.com/"
    film = FilmFactory(title="Stored Elsewhere", poster="posters/elsewhere.webp")
    found = page_head(client, film.get_absolute_url())
    assert open_graph(found)["og:image"] == "https://media.example.com/posters/elsewhere.webp"
    assert found["json-ld"][0]["image"] == "https://media.example.com/posters/elsewhere.webp"


def test_a_person_without_a_photo_has_no_open_graph_image(client):
    found = page_head(client, PersonFactory(name="Nobody Pictured").get_absolute_url())
    og = open_graph(found)
    assert og["og:title"] == "Nobody Pictured" and "og:image" not in og


# Google's documented requirements, checked below
# (https://developers.google.com/search/docs/appearance/structured-data/review-snippet and
# .../structured-data/movie):
# - Movie (carousel): `name` and `image` required; `aggregateRating`, `dateCreated`, `director`
#   and `review` recommended.
# - AggregateRating: `ratingValue` and one of `ratingCount` / `reviewCount` required;
#   `bestRating` / `worstRating` default to 5 and 1, so any other scale must state them.
# - Review: `author` (a Person or Organization with a `name`) and `reviewRating` with its
#   `ratingValue` required; `datePublished` recommended; `itemReviewed` is implied when nested.
DEFAULT_SCALE = {"bestRating": 5, "worstRating": 1}


def json_ld(client, film) -> dict:
    (data,) = page_head(client, film.get_absolute_url())["json-ld"]
    return data


def assert_rating(rating: dict, kind: str) -> None:
    assert rating["@type"] == kind
    scale = {key: rating.get(key, default) for key, default in DEFAULT_SCALE.items()}
    assert scale["worstRating"] <= rating["ratingValue"] <= scale["bestRating"]
    if scale != DEFAULT_SCALE:
        assert DEFAULT_SCALE.keys() <= rating.keys(), "a non-default scale must be stated"


def test_the_film_json_ld_has_what_google_requires_for_review_snippets(client, site):
    data = json_ld(client, site.film)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Movie"
    assert data["name"] == "The Long Night"
    assert data["url"] == f"{ORIGIN}{site.film.get_absolute_url()}"
    assert data["image"] == f"{ORIGIN}/media/posters/the-long-night.jpg"
    assert data["dateCreated"] == "2019" and data["datePublished"] == "2019-10-04"
    assert data["director"] == [{"@type": "Person", "name": "Ada Director"}]

    aggregate = data["aggregateRating"]
    assert_rating(aggregate, "AggregateRating")
    assert aggregate["ratingValue"] == site.film.critics_score
    assert (aggregate.get("ratingCount") or aggregate.get("reviewCount")) == 7

    assert data["review"]
    for review in data["review"]:
        assert review["@type"] == "Review"
        assert review["author"]["@type"] in ("Person", "Organization")
        assert review["author"]["name"].strip()
        assert_rating(review["reviewRating"], "Rating")
        assert review["datePublished"]
        assert (review.get("reviewBody") or review.get("description")).strip()


def test_a_critic_reviews_rating_is_its_score_or_else_its_sentiment(client):
    film = FilmFactory()
    CriticReviewFactory(film=film, normalized_score=88, excerpt="Scored.")
    CriticReviewFactory(film=film, sentiment=Sentiment.ROTTEN, excerpt="Rotten.")
    CriticReviewFactory(film=film, sentiment=Sentiment.UNCLASSIFIED, excerpt="Unrated.")
    ratings = {
        review["reviewBody"]: review["reviewRating"] for review in json_ld(client, film)["review"]
    }
    assert ratings["Scored."] == {
        "@type": "Rating",
        "ratingValue": 88,
        "bestRating": 100,
        "worstRating": 0,
    }
    assert ratings["Rotten."]["ratingValue"] == 0 and ratings["Rotten."]["bestRating"] == 1
    assert "Unrated." not in ratings  # no rating, so not a Review Google accepts


def test_a_film_without_a_score_has_no_aggregate_rating(client):
    """Google rejects an AggregateRating with no ratings; a film below the Critics Score's
    minimum number of reviews shows none, and neither does its JSON-LD."""
    film = FilmFactory()
    CriticReviewFactory(film=film)
    refresh_film_scores(film=film)
    data = json_ld(client, film)
    assert "aggregateRating" not in data
    assert len(data["review"]) == 1

    unreviewed = json_ld(client, FilmFactory())
    assert "aggregateRating" not in unreviewed and "review" not in unreviewed
