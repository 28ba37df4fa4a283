"""Whatever members and moderators do, the stored scores equal what recompute_scores finds."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from films.models import HALF_STARS, Film
from reviews.models import AudienceReview
from reviews.scores import FilmScores, compute_film_scores
from reviews.services import (
    delete_audience_review,
    set_audience_reviews_hidden,
    submit_audience_review,
)
from tests.factories import FilmFactory, MemberFactory

ratings = st.one_of(st.none(), st.sampled_from([Decimal(str(s)) for s in HALF_STARS]))
steps = st.lists(
    st.tuples(
        st.sampled_from(["post", "delete", "hide", "restore"]),
        st.integers(min_value=0, max_value=3),  # which member
        st.integers(min_value=0, max_value=1),  # which film
        ratings,
    ),
    max_size=25,
)


@pytest.mark.django_db
@settings(max_examples=40)
@given(steps=steps)
def test_stored_scores_stay_exact_after_any_sequence_of_changes(steps):
    # Each example runs in its own transaction, rolled back, so examples don't see each other.
    with transaction.atomic():
        members = MemberFactory.create_batch(4)
        films = FilmFactory.create_batch(2)
        for action, who, which, rating in steps:
            member, film = members[who], films[which]
            review = AudienceReview.objects.filter(film=film, user=member).first()
            if review and review.is_hidden and action in ("post", "delete"):
                # A hidden review stays as the moderator left it.
                with pytest.raises(PermissionDenied):
                    if action == "post":
                        submit_audience_review(
                            film=film, user=member, rating=rating, body="x", has_spoilers=False
                        )
                    else:
                        delete_audience_review(review=review)
            elif action == "post":
                submit_audience_review(
                    film=film,
                    user=member,
                    rating=rating,
                    body="" if rating else "Words only.",
                    has_spoilers=False,
                )
            elif review and action == "delete":
                delete_audience_review(review=review)
            elif review:
                set_audience_reviews_hidden(reviews=[review], hidden=action == "hide")
        for film in Film.objects.filter(pk__in=[f.pk for f in films]):
            assert FilmScores.stored_on(film) == compute_film_scores(film)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_recompute_scores_check_agrees_after_posting_through_the_services(settings):
    settings.SCORES_MIN_AUDIENCE_RATINGS = 2
    film = FilmFactory()
    for stars in ("1.0", "4.5", "3.5"):
        submit_audience_review(
            film=film, user=MemberFactory(), rating=Decimal(stars), body="", has_spoilers=False
        )
    call_command("recompute_scores", "--check")  # raises CommandError on any drift
    film.refresh_from_db()
    assert (film.audience_rating_count, film.audience_score) == (3, 67)
