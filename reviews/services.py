"""Writes that touch reviews and the scores stored on their films, each in one transaction."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery

from films.models import Film

from .models import AudienceReview, Critic, CriticReview
from .scores import refresh_film_scores


def refresh_scores_of(*, film_ids: Iterable[int]) -> None:
    """Refresh the stored scores of the given films, in a stable order to avoid deadlocks."""
    for film in Film.objects.filter(pk__in=set(film_ids)).order_by("pk"):
        refresh_film_scores(film=film)


def carry_critic_flags(*, reviews: QuerySet[CriticReview]) -> set[int]:
    """Make each review's Top Critic mark its critic's flag; return the films that changed."""
    stale = reviews.filter(critic__isnull=False).exclude(is_top_critic=F("critic__is_top_critic"))
    film_ids = set(stale.values_list("film_id", flat=True))
    if film_ids:
        flag = Critic.objects.filter(pk=OuterRef("critic_id")).values("is_top_critic")[:1]
        CriticReview.objects.filter(pk__in=stale.values("pk")).update(is_top_critic=Subquery(flag))
    return film_ids


@transaction.atomic
def save_critic_review(*, review: CriticReview) -> CriticReview:
    """Save a critic review, keep its Top Critic mark equal to its critic's flag, rescore."""
    previous_film_id = (
        CriticReview.objects.filter(pk=review.pk).values_list("film_id", flat=True).first()
        if review.pk
        else None
    )
    if review.critic_id is not None:
        # Locked, so an editor changing the critic's flag at the same time waits for us (or we
        # for them) and then carries the flag to this review too.
        review.is_top_critic = (
            Critic.objects.select_for_update()
            .values_list("is_top_critic", flat=True)
            .get(pk=review.critic_id)
        )
    review.save()
    refresh_scores_of(film_ids={review.film_id, previous_film_id} - {None})
    return review


@transaction.atomic
def delete_critic_reviews(*, reviews: Iterable[CriticReview]) -> None:
    reviews = list(reviews)
    film_ids = {r.film_id for r in reviews}
    CriticReview.objects.filter(pk__in=[r.pk for r in reviews]).delete()
    refresh_scores_of(film_ids=film_ids)


@transaction.atomic
def sync_critic_review_marks(*, critic: Critic) -> None:
    """After a critic's Top Critic flag is set, carry it to their reviews and rescore."""
    refresh_scores_of(film_ids=carry_critic_flags(reviews=critic.reviews.all()))


@transaction.atomic
def sync_film_reviews(*, film: Film) -> Film:
    """After a film's critic reviews were edited together (the admin's inline), rescore it."""
    carry_critic_flags(reviews=film.critic_reviews.all())
    return refresh_film_scores(film=film)


@transaction.atomic
def set_audience_reviews_hidden(*, reviews: Iterable[AudienceReview], hidden: bool) -> None:
    """Hide or restore audience reviews; hidden ones leave the film's scores."""
    reviews = list(reviews)
    AudienceReview.objects.filter(pk__in=[r.pk for r in reviews]).update(is_hidden=hidden)
    refresh_scores_of(film_ids={r.film_id for r in reviews})
