"""Writes that touch reviews and the scores stored on their films, each in one transaction."""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from films.models import Film

from .models import (
    AudienceReview,
    Critic,
    CriticReview,
    HelpfulVote,
    ReportReason,
    ReviewReport,
    Sentiment,
)
from .scores import refresh_film_scores, refresh_scores
from .tallies import Tallies


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
    film_ids = {review.film_id, previous_film_id} - {None}
    lock_films(film_ids)
    # The critics and publications it leaves and joins, locked in order before the review
    # changes: so an editor changing the critic's flag at the same time waits for us (or we
    # for them) and then carries the flag to this review too.
    tallies = Tallies().critic_reviews(CriticReview.objects.filter(pk=review.pk))
    tallies.critic_reviews([review]).lock()
    if review.critic_id is not None:
        review.is_top_critic = Critic.objects.values_list("is_top_critic", flat=True).get(
            pk=review.critic_id
        )
    review.save()
    refresh_scores(film_ids=film_ids)
    tallies.refresh()
    return review


@transaction.atomic
def delete_critic_reviews(*, reviews: Iterable[CriticReview]) -> None:
    reviews = list(reviews)
    film_ids = {r.film_id for r in reviews}
    lock_films(film_ids)
    CriticReview.objects.filter(pk__in=[r.pk for r in reviews]).delete()
    refresh_scores(film_ids=film_ids)
    Tallies().critic_reviews(reviews).refresh()


def lock_films_reviewed_by(critic_ids: Iterable[int]) -> None:
    """Lock the films the critics reviewed: before a change to the critics reaches them."""
    lock_films(CriticReview.objects.filter(critic__in=critic_ids).values_list("film_id", flat=True))


@transaction.atomic
def sync_critic_review_marks(*, critic: Critic) -> None:
    """After a critic's Top Critic flag is set, carry it to their reviews and rescore (the
    caller locked their films first, with `lock_films_reviewed_by`, before saving the critic)."""
    refresh_scores(film_ids=carry_critic_flags(reviews=critic.reviews.all()))


@transaction.atomic
def set_top_critics(*, critics: Iterable[Critic], top: bool) -> list[Critic]:
    """Give critics the Top Critic flag (or take it away), carry it to their reviews and
    rescore their films; returns the critics whose flag changed."""
    changed = [critic for critic in critics if critic.is_top_critic != top]
    pks = [critic.pk for critic in changed]
    lock_films_reviewed_by(pks)
    Critic.objects.filter(pk__in=pks).update(is_top_critic=top)
    refresh_scores(film_ids=carry_critic_flags(reviews=CriticReview.objects.filter(critic__in=pks)))
    return changed


@transaction.atomic
def set_critic_reviews(
    *,
    reviews: Iterable[CriticReview],
    is_published: bool | None = None,
    sentiment: Sentiment | None = None,
) -> list[CriticReview]:
    """Publish or unpublish critic reviews, or set their sentiment, in bulk; rescore their
    films. Returns the reviews that changed."""
    changes = {
        name: value
        for name, value in (("is_published", is_published), ("sentiment", sentiment))
        if value is not None
    }
    changed = [r for r in reviews if any(getattr(r, k) != v for k, v in changes.items())]
    lock_films({r.film_id for r in changed})
    CriticReview.objects.filter(pk__in=[r.pk for r in changed]).update(**changes)
    refresh_scores(film_ids={r.film_id for r in changed})
    Tallies().critic_reviews(changed).refresh()
    return changed


@transaction.atomic
def sync_film_reviews(*, film: Film, tallies: Tallies) -> Film:
    """After a film's critic reviews were edited together (the admin's inline), rescore it
    and count again for its critics and publications: those `tallies` noted before the edit,
    and those of its reviews now."""
    carry_critic_flags(reviews=film.critic_reviews.all())
    tallies.critic_reviews(film.critic_reviews.all()).refresh()
    return refresh_film_scores(film=film)


HIDDEN_REVIEW_MESSAGE = (
    "A moderator hid your review of this film, so it cannot be changed, deleted or posted again."
)


def reviews_open_message(film: Film) -> str:
    return f"Reviews of {film.title} open on {date_format(film.release_date, 'F j, Y')}."


def lock_films(film_ids: Iterable[int]) -> None:
    """Lock films' rows in a stable order before their reviews: every review write takes the
    films first (then a critic, then reviews), so no two writes can deadlock."""
    list(
        Film.objects.select_for_update()
        .filter(pk__in=set(film_ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def submit_audience_review(
    *,
    film: Film,
    user: User,
    rating: Decimal | None,
    body: str,
    has_spoilers: bool,
) -> AudienceReview:
    """Post a member's review of a film, or update the one they posted; rescore the film.

    The film's row is locked first, so two posts of the same member's first review wait for
    each other: the second finds the first and updates it.
    """
    if not film.is_released:
        raise ValidationError(reviews_open_message(film), code="not_released")
    lock_films([film.pk])
    review = AudienceReview.objects.filter(film=film, user=user).first()
    if review is None:
        review = AudienceReview.objects.create(
            film=film, user=user, rating=rating, body=body, has_spoilers=has_spoilers
        )
        Tallies().audience_reviews([review]).refresh()
    elif review.is_hidden:
        raise PermissionDenied(HIDDEN_REVIEW_MESSAGE)
    elif (review.rating, review.body, review.has_spoilers) != (rating, body, has_spoilers):
        review.rating, review.body, review.has_spoilers = rating, body, has_spoilers
        review.edited_at = timezone.now()
        review.save(update_fields=["rating", "body", "has_spoilers", "edited_at"])
    refresh_film_scores(film=film)
    return review


@transaction.atomic
def delete_audience_review(*, review: AudienceReview) -> None:
    """Delete a member's review; its rating leaves the film's scores.

    A review a moderator hid stays: deleting it would let its author post it again, unhidden,
    and would take its reports with it.
    """
    lock_films([review.film_id])
    if AudienceReview.objects.filter(pk=review.pk, is_hidden=True).exists():
        raise PermissionDenied(HIDDEN_REVIEW_MESSAGE)
    review.delete()
    refresh_film_scores(film=review.film)
    Tallies().audience_reviews([review]).refresh()


@transaction.atomic
def set_audience_reviews_hidden(
    *, reviews: Iterable[AudienceReview], hidden: bool, moderator: User | None = None
) -> None:
    """Hide or restore audience reviews; hidden ones leave the page and the film's scores.

    Hiding also settles the reviews' open reports: the moderator acted on them.
    """
    reviews = list(reviews)
    pks = [r.pk for r in reviews]
    film_ids = {r.film_id for r in reviews}
    lock_films(film_ids)
    AudienceReview.objects.filter(pk__in=pks).update(is_hidden=hidden)
    if hidden:
        ReviewReport.objects.filter(review__in=pks).resolve(moderator=moderator)
    refresh_scores(film_ids=film_ids)
    Tallies().audience_reviews(reviews).refresh()


def _votes_of_review():
    """A review's helpful votes counted, as a subquery on the review's pk."""
    return Coalesce(
        Subquery(
            HelpfulVote.objects.filter(review=OuterRef("pk"))
            .order_by()
            .values("review")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


@transaction.atomic
def mark_review_helpful(*, review: AudienceReview, user: User, helpful: bool) -> AudienceReview:
    """Record (or take back) a member's helpful vote; never on their own review.

    The review's row is locked first, so simultaneous votes count one after the other and the
    stored count is always its votes' number.
    """
    if review.user_id == user.pk:
        raise PermissionDenied("Members cannot vote on their own reviews.")
    reviews = AudienceReview.objects.filter(pk=review.pk)
    list(reviews.select_for_update().values_list("pk", flat=True))
    if helpful:
        HelpfulVote.objects.get_or_create(review=review, user=user)
    else:
        HelpfulVote.objects.filter(review=review, user=user).delete()
    reviews.update(helpful_count=_votes_of_review())
    review.refresh_from_db(fields=["helpful_count"])
    return review


def report_audience_review(
    *, review: AudienceReview, reporter: User, reason: ReportReason, details: str
) -> ReviewReport:
    """File a member's report of a review for the moderators, or update the one they filed."""
    if review.user_id == reporter.pk:
        raise PermissionDenied("Members cannot report their own reviews.")
    return ReviewReport.objects.file(
        review=review, reporter=reporter, reason=reason, details=details
    )


def sync_helpful_counts(*, reviews: QuerySet[AudienceReview] | None = None) -> int:
    """Rebuild reviews' stored helpful counts from the votes; returns how many were wrong."""
    reviews = AudienceReview.objects.all() if reviews is None else reviews
    stale = stale_helpful_counts(reviews)
    return AudienceReview.objects.filter(pk__in=stale.values("pk")).update(
        helpful_count=_votes_of_review()
    )


def stale_helpful_counts(reviews: QuerySet[AudienceReview]) -> QuerySet[AudienceReview]:
    return (
        reviews.annotate(votes_found=Count("votes"))
        .exclude(helpful_count=F("votes_found"))
        .order_by()
    )
