"""Two posts of a member's first review of a film arriving together leave exactly one review."""

import threading

import pytest
from django.db import connection
from django.test import Client

from reviews.models import AudienceReview
from tests.factories import FilmFactory, MemberFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs row locks and real concurrency"
    ),
]


def post_together(film, member, ratings: tuple[str, str]) -> list[int]:
    """POST the member's review of the film from two threads at once; their status codes."""
    start = threading.Barrier(len(ratings))
    statuses = []

    def post(rating: str) -> None:
        client = Client()
        client.force_login(member)
        start.wait()
        try:
            response = client.post(f"/films/{film.slug}/review/", {"rating": rating})
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(rating,)) for rating in ratings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_two_simultaneous_first_reviews_leave_one_review_and_no_error():
    member = MemberFactory()
    for attempt in range(5):
        film = FilmFactory(title=f"Race {attempt}")
        assert post_together(film, member, ("2.0", "4.0")) == [302, 302]
        assert AudienceReview.objects.filter(film=film, user=member).count() == 1
        film.refresh_from_db()
        assert film.audience_rating_count == 1
