"""Finding films, people and critics by what someone typed.

On PostgreSQL: full-text search with the title weighted above the synopsis, plus trigram word
similarity so that a typo still finds the film ("godfater" finds "The Godfather"); both are
served by the GIN indexes of migration films 0004. Elsewhere (SQLite): a case-insensitive
substring match. Either way the best match comes first: an exact title or name, then the
closest, then the most reviewed.
"""

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import Case, Exists, F, FloatField, OuterRef, Q, QuerySet, Value, When

from reviews.models import Critic, Publication

from .models import Film, Person

QUERY_MAX_LENGTH = 100
# Films similar to the query (typos) are found only while its words find fewer than this.
FUZZY_BELOW = 8
SEARCH_CONFIG = "english"


def normalize_query(raw: str) -> str:
    """What we search for: printable text, spaces collapsed, at most 100 characters."""
    text = "".join(ch if ch.isprintable() else " " for ch in raw)
    return " ".join(text.split())[:QUERY_MAX_LENGTH]


def film_search_vector() -> SearchVector:
    """The document a film is found by; migration films 0004 indexes exactly this expression."""
    return SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "synopsis", weight="C", config=SEARCH_CONFIG
    )


def _on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _exact(field: str, query: str) -> Case:
    return Case(
        When(**{f"{field}__iexact": query}, then=Value(2.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )


def _substring_relevance(field: str, query: str) -> Case:
    return Case(
        When(**{f"{field}__iexact": query}, then=Value(2.0)),
        When(**{f"{field}__istartswith": query}, then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )


def search_films(query: str) -> QuerySet[Film]:
    films = Film.objects.for_cards()
    if _on_postgresql():
        vector = film_search_vector()
        terms = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        films = films.alias(document=vector)
        found = Q(document=terms)
        # Titles merely like what was typed join in only when its words find few films: a
        # typo ("godfater") finds its film, but "The Last Father" does not bring in every
        # "The Last ..." of the catalogue, a thousand rows to rank at scale.
        if not films.filter(found)[FUZZY_BELOW - 1 : FUZZY_BELOW].exists():
            found |= Q(title__trigram_word_similar=query)
        films = films.filter(found)
        relevance = (
            _exact("title", query)
            + SearchRank(vector, terms)
            + TrigramWordSimilarity(query, "title")
        )
    else:
        films = films.filter(title__icontains=query)
        relevance = _substring_relevance("title", query)
    return films.alias(relevance=relevance).order_by(
        "-relevance", "-audience_rating_count", "-critic_review_count", "title", "pk"
    )


def search_people(query: str) -> QuerySet[Person]:
    people = Person.objects.defer("bio")
    if _on_postgresql():
        people = people.filter(name__trigram_word_similar=query)
        relevance = _exact("name", query) + TrigramWordSimilarity(query, "name")
    else:
        people = people.filter(name__icontains=query)
        relevance = _substring_relevance("name", query)
    return people.alias(relevance=relevance).order_by("-relevance", "name", "pk")


def search_critics(query: str) -> QuerySet[Critic]:
    """Critics by their name or by the name of a publication they write for."""
    publications = Publication.objects.filter(critics=OuterRef("pk"))
    if _on_postgresql():
        match = Q(name__trigram_word_similar=query) | Exists(
            publications.filter(name__trigram_word_similar=query)
        )
        relevance = _exact("name", query) + TrigramWordSimilarity(query, "name")
    else:
        match = Q(name__icontains=query) | Exists(publications.filter(name__icontains=query))
        relevance = _substring_relevance("name", query)
    return (
        Critic.objects.filter(match)
        .alias(relevance=relevance)
        .order_by("-relevance", F("is_top_critic").desc(), "name", "pk")
    )
