"""Writes about members that reach beyond the User row, each in one transaction."""

from collections.abc import Iterable

from django.db import transaction

from reviews.models import AudienceReview
from reviews.services import refresh_scores_of

from .models import User


@transaction.atomic
def delete_members(*, users: Iterable[User]) -> None:
    """Delete members; their reviews go with them, so the films they rated are rescored."""
    ids = [user.pk for user in users]
    film_ids = set(AudienceReview.objects.filter(user_id__in=ids).values_list("film_id", flat=True))
    User.objects.filter(pk__in=ids).delete()
    refresh_scores_of(film_ids=film_ids)
