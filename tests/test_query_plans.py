"""On PostgreSQL, at scale: the hot pages' queries read indexes, never a whole big table.

The test fills its database with `generate_data` (a tenth of scale 1: 1,000 films, 100,000
ratings, 20,000 critic reviews, 10,000 posts), which gathers PostgreSQL's statistics, then asks for
the plan of every query each page makes, as the planner would choose it, with no setting forced.
"""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from films.models import Film, Person
from films.synthetic import HOT_FILM_SLUG, HOT_THREAD_TITLE
from forums.models import Thread
from reviews.models import Critic, Publication

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans"),
]

SCALE = 0.1
# The tables with many rows for each film: a page may read only a few of their rows. (Counting
# the films of a list reads the films, which is fine: there are tens of thousands, not millions.)
BIG_TABLES = {
    "reviews_criticreview",
    "reviews_audiencereview",
    "forums_post",
    "films_credit",
    "accounts_user",
}


@pytest.fixture
def catalogue(settings):
    settings.PAGE_CACHE_SECONDS = 0  # every visit renders: the queries are what is looked at
    settings.FRAGMENT_CACHE_SECONDS = 0
    # It ends with ANALYZE, which counts this (test) transaction's own rows.
    call_command("generate_data", scale=SCALE, verbosity=0)


def plans(client, url: str) -> list[tuple[str, str]]:
    """(SQL, plan) of every query a visitor's GET of `url` makes."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    found = []
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            cursor.execute(f"EXPLAIN {query['sql']}")
            found.append((query["sql"], "\n".join(row[0] for row in cursor.fetchall())))
    return found


def hot_pages() -> dict[str, str]:
    thread = Thread.objects.get(title=HOT_THREAD_TITLE)
    last_page = thread.reply_count // 25 + 1
    typical = Film.objects.filter(critic_review_count__gte=5).order_by("critic_review_count")
    return {
        "home": "/",
        "browse by critics score in a genre": "/films/?genre=drama&sort=critics",
        "browse by audience score": "/films/?sort=audience",
        "browse newest": "/films/",
        "browse most reviewed": "/films/?sort=reviews",
        "browse by title in a decade": "/films/?decade=1990&sort=title",
        "the hot film": f"/films/{HOT_FILM_SLUG}/",
        "a typical film": typical[len(typical) // 2].get_absolute_url(),
        "the hot film's critic reviews": f"/films/{HOT_FILM_SLUG}/reviews/?tab=top",
        "the hot film's audience reviews": f"/films/{HOT_FILM_SLUG}/audience-reviews/",
        "the most helpful audience reviews": (
            f"/films/{HOT_FILM_SLUG}/audience-reviews/?sort=helpful&page=3"
        ),
        "search": "/search/?q=midnight+harbor",
        "the hot thread": thread.get_absolute_url(),
        "the hot thread's last page": f"{thread.get_absolute_url()}?page={last_page}",
        "the movie forum": "/forums/movie-forum/",
        "a critic": Critic.objects.order_by("pk").first().get_absolute_url(),
        "a publication": Publication.objects.order_by("pk").first().get_absolute_url(),
        "a person": Person.objects.order_by("pk").first().get_absolute_url(),
    }


# Which index each list is read from, in its order: (page, index).
LIST_INDEXES = [
    ("/", "criticreview_latest_idx"),
    ("/", "audiencereview_home_idx"),
    ("/", "thread_latest_visible_idx"),
    ("/films/?sort=critics", "film_critics_sort_idx"),
    ("/films/?sort=audience", "film_audience_sort_idx"),
    ("/films/", "film_newest_sort_idx"),
    ("/films/?sort=reviews", "film_most_reviewed_idx"),
    ("/films/?sort=title", "film_title_sort_idx"),
    (f"/films/{HOT_FILM_SLUG}/", "audiencereview_film_idx"),
    (f"/films/{HOT_FILM_SLUG}/audience-reviews/?sort=helpful", "audiencereview_helpful_idx"),
]


def test_hot_pages_read_indexes_in_order_and_never_a_whole_big_table(client, catalogue):
    """One test, so the data is made once (about 20 seconds)."""
    scans = []
    for name, url in hot_pages().items():
        for sql, plan in plans(client, url):
            for table in set(re.findall(r"Seq Scan on (\w+)", plan)) & BIG_TABLES:
                scans.append(f"{name}: {table} in {sql[:300]}\n{plan}")
    assert not scans, "\n\n".join(scans)

    missing = []
    for url, index in LIST_INDEXES:
        found = "\n".join(plan for _, plan in plans(client, url))
        if index not in found:
            missing.append(f"{url} does not use {index}:\n{found}")
    assert not missing, "\n\n".join(missing)

    # The last page of a long thread reads its 25 posts by their ids, not the thread's posts.
    thread = Thread.objects.get(title=HOT_THREAD_TITLE)
    last = f"{thread.get_absolute_url()}?page={thread.reply_count // 25 + 1}"
    [page_plan] = [plan for sql, plan in plans(client, last) if "OFFSET" in sql]
    assert "Index Scan using forums_post_pkey" in page_plan, page_plan
