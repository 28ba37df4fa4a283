"""Writes to reviews arriving together: a member's two first reviews of a film leave one, and
fifty helpful votes leave an exact count."""

import pytest
from django.db import connection

from reviews.models import AudienceReview, HelpfulVote
from tests.concurrency import post_together
from tests.factories import AudienceReviewFactory, FilmFactory, MemberFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs row locks and real concurrency"
    ),
]


def test_two_simultaneous_first_reviews_leave_one_review_and_no_error():
    member = MemberFactory()
    for attempt in range(5):
        film = FilmFactory(title=f"Race {attempt}")
        url = f"/films/{film.slug}/review/"
        requests = [(member, url, {"rating": "2.0"}), (member, url, {"rating": "4.0"})]
        assert post_together(requests) == [302, 302]
        assert AudienceReview.objects.filter(film=film, user=member).count() == 1
        film.refresh_from_db()
        assert film.audience_rating_count == 1


def test_50_simultaneous_helpful_votes_leave_an_exact_count():
    review = AudienceReviewFactory(body="Worth a vote.")
    members = MemberFactory.create_batch(50)
    url = f"/audience-reviews/{review.pk}/helpful/"
    assert post_together([(member, url, {"helpful": "1"}) for member in members]) == [302] * 50
    review.refresh_from_db()
    assert HelpfulVote.objects.filter(review=review).count() == 50
    assert review.helpful_count == 50
    # Ten of them vote again, twice each at the same moment: each still counts once.
    again = [(member, url, {"helpful": "1"}) for member in members[:10] for _ in range(2)]
    assert post_together(again) == [302] * 20
    review.refresh_from_db()
    assert review.helpful_count == HelpfulVote.objects.filter(review=review).count() == 50
    take_back = [(member, url, {"helpful": "0"}) for member in members[:20]]
    assert post_together(take_back) == [302] * 20
    review.refresh_from_db()
    assert review.helpful_count == HelpfulVote.objects.filter(review=review).count() == 30
