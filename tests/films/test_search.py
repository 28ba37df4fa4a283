"""Search: films, people and critics, best match first; typo tolerant on PostgreSQL."""

import json
import re

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from films.search import search_films
from tests.factories import (
    CreditFactory,
    CriticFactory,
    FilmFactory,
    PersonFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's full-text and trigram search"
)
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's substring search")


def film_titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="film-card-title">([^<]*?)\s*(?:<span|</h3>)', html)


def section(html: str, name: str) -> str:
    match = re.search(
        rf'<section class="list-card" aria-labelledby="r-{name}">(.*?)</section>', html, re.S
    )
    return match.group(1) if match else ""


def test_exact_title_comes_first_then_closest_then_most_reviewed(client):
    FilmFactory(title="Harbor Lights", audience_rating_count=900)
    FilmFactory(title="Harbor")
    FilmFactory(title="Dark Harbor", audience_rating_count=50)
    html = client.get("/search/", {"q": "harbor"}).content.decode()
    titles = film_titles(section(html, "films"))
    assert titles[0] == "Harbor"
    assert set(titles) == {"Harbor", "Harbor Lights", "Dark Harbor"}
    assert "Films (3)" in html


def test_finds_a_partial_title(client):
    FilmFactory(title="The Shawshank Redemption")
    FilmFactory(title="Something Else")
    html = client.get("/search/", {"q": "shawshank"}).content.decode()
    assert film_titles(section(html, "films")) == ["The Shawshank Redemption"]


def test_finds_people_and_critics_by_name_and_critics_by_publication(client):
    person = PersonFactory(name="Francis Coppola")
    CreditFactory(person=person)
    CriticFactory(name="Manohla Francis", is_top_critic=True)
    critic = CriticFactory(name="Ann Hornaday")
    critic.publications.add(PublicationFactory(name="Francis Weekly"))
    CriticFactory(name="Nobody Related")
    html = client.get("/search/", {"q": "francis"}).content.decode()
    people, critics = section(html, "people"), section(html, "critics")
    assert "Francis Coppola" in people and "1 film" in people
    assert "Manohla Francis" in critics and "Top Critic" in critics
    assert "Ann Hornaday" in critics and "Francis Weekly" in critics
    assert "Nobody Related" not in critics
    assert "People (1)" in html and "Critics (2)" in html
    assert "All (3)" in html


def test_results_of_one_kind_are_paginated(client):
    for i in range(30):
        FilmFactory(title=f"Ferry {i:02d}", audience_rating_count=100 - i)
    overview = client.get("/search/", {"q": "ferry"}).content.decode()
    assert len(film_titles(overview)) == 8
    assert "All 30 films" in overview
    first = client.get("/search/", {"q": "ferry", "type": "films"}).content.decode()
    assert len(film_titles(first)) == 24
    second = client.get("/search/", {"q": "ferry", "type": "films", "page": "2"}).content.decode()
    assert film_titles(second) == [f"Ferry {i:02d}" for i in range(24, 30)]
    for bad in ["0", "-1", "abc", "999"]:
        response = client.get("/search/", {"q": "ferry", "type": "films", "page": bad})
        assert response.status_code == 200


def test_unknown_type_shows_every_kind(client):
    FilmFactory(title="Ferry")
    html = client.get("/search/", {"q": "ferry", "type": "planets"}).content.decode()
    assert "All (1)" in html and "Ferry" in html


def test_no_query_and_no_match_have_helpful_answers(client):
    assert "What are you looking for?" in client.get("/search/").content.decode()
    html = client.get("/search/", {"q": "zzzzqqqq"}).content.decode()
    assert "Nothing matches “zzzzqqqq”." in html
    assert "browse all films" in html


def test_search_results_are_not_indexed_by_search_engines(client):
    assert '<meta name="robots" content="noindex">' in client.get("/search/?q=x").content.decode()


@on_postgresql
@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("godfater", "The Godfather"),
        ("shawshenk redemption", "The Shawshank Redemption"),
        ("casablanka", "Casablanca"),
    ],
)
def test_a_typo_still_finds_the_film_on_postgresql(client, typed, title):
    FilmFactory(title=title)
    FilmFactory(title="Unrelated Picture")
    html = client.get("/search/", {"q": typed}).content.decode()
    assert film_titles(section(html, "films")) == [title]


@on_postgresql
@pytest.mark.parametrize(("found_by_words", "typo_found"), [(7, True), (8, False)])
def test_titles_only_like_the_query_join_in_while_its_words_find_few(
    client, found_by_words, typo_found
):
    for i in range(found_by_words):
        FilmFactory(title=f"Midnight Story {i}")
    FilmFactory(title="Midnigt Express")
    html = client.get("/search/", {"q": "midnight"}).content.decode()
    titles = film_titles(section(html, "films"))
    assert len([t for t in titles if t.startswith("Midnight")]) == min(found_by_words, 8)
    assert ("Midnigt Express" in html) is typo_found


@on_postgresql
def test_words_of_the_synopsis_find_a_film_below_title_matches(client):
    FilmFactory(title="Lighthouse Keeper", synopsis="A quiet life.")
    FilmFactory(title="Storm Season", synopsis="A lighthouse keeper faces a storm.")
    html = client.get("/search/", {"q": "lighthouse"}).content.decode()
    assert film_titles(section(html, "films")) == ["Lighthouse Keeper", "Storm Season"]


@on_postgresql
def test_a_typo_finds_people_and_critics_on_postgresql(client):
    PersonFactory(name="Meryl Streep")
    CriticFactory(name="Roger Ebert")
    assert "Meryl Streep" in client.get("/search/", {"q": "meryl strep"}).content.decode()
    assert "Roger Ebert" in client.get("/search/", {"q": "roger ebbert"}).content.decode()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_search_uses_the_gin_indexes_on_postgresql():
    """With sequential scans priced out, the plan must find an index for each kind of match."""
    FilmFactory(title="The Godfather")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        sql, params = search_films("godfater").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "film_search_document_idx" in plan
    assert "film_title_trgm_idx" in plan


@on_sqlite
def test_sqlite_falls_back_to_a_substring_match(client):
    FilmFactory(title="Harbor Lights")
    PersonFactory(name="Arbogast Jones")
    html = client.get("/search/", {"q": "arbo"}).content.decode()
    assert film_titles(section(html, "films")) == ["Harbor Lights"]
    assert "Arbogast Jones" in section(html, "people")


def test_suggestions_are_json_films_best_first(client):
    FilmFactory(title="Harbor Lights", year=2004)
    FilmFactory(title="Harbor", year=1999)
    for i in range(12):
        FilmFactory(title=f"Harbor {i:02d}")
    response = client.get("/search/suggest/", {"q": "harbor"})
    assert response["Content-Type"] == "application/json"
    assert "max-age" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["query"] == "harbor"
    assert len(data["films"]) == 8
    assert data["films"][0] == {
        "title": "Harbor",
        "year": 1999,
        "url": "/films/harbor-1999/",
        "critics_score": None,
        "audience_score": None,
    }


@pytest.mark.parametrize("q", ["", "h", " ", "\x00\x01"])
def test_suggestions_need_two_characters(client, q):
    FilmFactory(title="Harbor")
    assert json.loads(client.get("/search/suggest/", {"q": q}).content)["films"] == []


def test_the_header_search_box_offers_suggestions(client):
    html = client.get("/").content.decode()
    assert 'data-suggest-url="/search/suggest/"' in html
    assert "js/search-suggest.js" in html


def test_search_queries_do_not_grow_with_results(page_queries):
    def build(n):
        for i in range(n):
            FilmFactory(title=f"Lantern {i}")
            CreditFactory(person=PersonFactory(name=f"Lantern Person {i}"))
            CriticFactory(name=f"Lantern Critic {i}").publications.add(PublicationFactory())

    build(1)
    few = {
        kind: page_queries(f"/search/?q=lantern&type={kind}")
        for kind in ("", "films", "people", "critics")
    }
    build(40)
    many = {
        kind: page_queries(f"/search/?q=lantern&type={kind}")
        for kind in ("", "films", "people", "critics")
    }
    assert many == few


ODD_QUERIES = [
    "%",
    "_",
    "'",
    '"unclosed',
    "-",
    "or",
    "!!!",
    "&|:*()",
    "the",
    "a" * 5000,
    "<script>alert(1)</script>",
    "\x00null",
    "Ünïcödé 映画",
    "\\",
]


@pytest.mark.parametrize("q", ODD_QUERIES)
def test_odd_queries_never_fail(client, q):
    FilmFactory(title="Harbor")
    page = client.get("/search/", {"q": q, "type": "films"})
    assert page.status_code == 200
    assert b"<script>alert" not in page.content
    suggestions = client.get("/search/suggest/", {"q": q})
    assert suggestions.status_code == 200
    assert suggestions["Content-Type"] == "application/json"


class SearchFuzzTests(HypothesisTestCase):
    @given(q=st.text(max_size=120), kind=st.text(max_size=8), page=st.text(max_size=5))
    def test_any_query(self, q, kind, page):
        for path in ("/search/", "/search/suggest/"):
            response = self.client.get(path, {"q": q, "type": kind, "page": page})
            assert response.status_code == 200
