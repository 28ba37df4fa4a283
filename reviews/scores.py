"""The scores of PRODUCT.md "Scores: the rules", computed from the reviews and stored on the film.

Pages read the stored fields; only the functions here aggregate over reviews, and they run in
the same transaction as the review change that calls them (and in `recompute_scores`).
`record_scores` copies the stored scores, once a day, into each film's score history.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum

from films.models import HALF_STARS, Film, empty_histogram

from .models import CLASSIFIED, AudienceReview, CriticReview, ScoreRecord, Sentiment


def percent(part: int, whole: int) -> int:
    """round(100 * part / whole) with halves rounded up, as people expect (62.5% -> 63%)."""
    return (200 * part + whole) // (2 * whole)


@dataclass
class FilmScores:
    """Every stored score field of a film; the names are the Film fields they fill."""

    critic_review_count: int = 0
    top_critic_review_count: int = 0
    critic_classified_count: int = 0
    critic_fresh_count: int = 0
    top_critic_classified_count: int = 0
    top_critic_fresh_count: int = 0
    critics_score: int | None = None
    top_critics_score: int | None = None
    critics_average: Decimal | None = None
    acclaimed_earned: bool = False
    audience_rating_count: int = 0
    audience_liked_count: int = 0
    audience_score: int | None = None
    audience_average: Decimal | None = None
    audience_histogram: list[int] = field(default_factory=empty_histogram)

    @classmethod
    def stored_on(cls, film: Film) -> "FilmScores":
        return cls(**{name: getattr(film, name) for name in cls.field_names()})

    @classmethod
    def field_names(cls) -> list[str]:
        return list(cls.__dataclass_fields__)

    def differences(self, other: "FilmScores") -> list[str]:
        mine, theirs = asdict(self), asdict(other)
        return [name for name in mine if mine[name] != theirs[name]]


def compute_film_scores(film: Film) -> FilmScores:
    """The scores the film's reviews give, with Acclaimed kept as the rules keep it."""
    scores = FilmScores()
    classified = CLASSIFIED
    top = Q(is_top_critic=True)
    fresh = Q(sentiment=Sentiment.FRESH)
    critic = (
        CriticReview.objects.filter(film=film)
        .published()
        .aggregate(
            total=Count("pk"),
            top_total=Count("pk", filter=top),
            classified=Count("pk", filter=classified),
            fresh=Count("pk", filter=fresh),
            top_classified=Count("pk", filter=top & classified),
            top_fresh=Count("pk", filter=top & fresh),
            normalized_count=Count("normalized_score"),
            normalized_sum=Sum("normalized_score"),
        )
    )
    scores.critic_review_count = critic["total"]
    scores.top_critic_review_count = critic["top_total"]
    scores.critic_classified_count = critic["classified"]
    scores.critic_fresh_count = critic["fresh"]
    scores.top_critic_classified_count = critic["top_classified"]
    scores.top_critic_fresh_count = critic["top_fresh"]

    scores.critics_score = critics_score(scores.critic_fresh_count, scores.critic_classified_count)
    scores.top_critics_score = critics_score(
        scores.top_critic_fresh_count, scores.top_critic_classified_count
    )
    if critic["normalized_count"] >= _min_critic_reviews():
        scores.critics_average = (
            Decimal(critic["normalized_sum"]) / critic["normalized_count"]
        ).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    scores.acclaimed_earned = _acclaimed(film, scores)

    ratings = (
        AudienceReview.objects.filter(film=film, rating__isnull=False)
        .visible()
        .values_list("rating")
        .annotate(n=Count("pk"))
        .order_by()
    )
    histogram = empty_histogram()
    total_stars = Decimal(0)
    for rating, n in ratings:
        histogram[HALF_STARS.index(float(rating))] += n
        total_stars += Decimal(rating) * n
    count = sum(histogram)
    scores.audience_histogram = histogram
    scores.audience_rating_count = count
    scores.audience_liked_count = sum(
        n
        for stars, n in zip(HALF_STARS, histogram, strict=True)
        if stars >= settings.SCORES_AUDIENCE_LIKED_STARS
    )
    scores.audience_score = audience_score(scores.audience_liked_count, count)
    if scores.audience_score is not None:
        scores.audience_average = (total_stars / count).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
    return scores


def _min_critic_reviews() -> int:
    # A threshold of 0 would still need one review to divide by.
    return max(settings.SCORES_MIN_CRITIC_REVIEWS, 1)


def critics_score(fresh: int, classified: int) -> int | None:
    """The Critics Score (or Top Critics score) of these counts: none below the minimum."""
    return percent(fresh, classified) if classified >= _min_critic_reviews() else None


def audience_score(liked: int, ratings: int) -> int | None:
    """The Audience Score of these counts: none below the minimum."""
    if ratings < max(settings.SCORES_MIN_AUDIENCE_RATINGS, 1):
        return None
    return percent(liked, ratings)


def _acclaimed(film: Film, scores: FilmScores) -> bool:
    """Earned at the Acclaimed threshold with enough reviews; once earned, kept down to 70."""
    score = scores.critics_score
    if score is None:
        return False
    wide = film.release_type == Film.ReleaseType.WIDE
    needed = (
        settings.SCORES_ACCLAIMED_MIN_REVIEWS_WIDE
        if wide
        else settings.SCORES_ACCLAIMED_MIN_REVIEWS
    )
    earns = (
        score >= settings.SCORES_ACCLAIMED_THRESHOLD
        and scores.critic_classified_count >= needed
        and scores.top_critic_classified_count >= settings.SCORES_ACCLAIMED_MIN_TOP_CRITIC_REVIEWS
    )
    keeps = film.acclaimed_earned and score >= settings.SCORES_ACCLAIMED_KEEP_THRESHOLD
    return earns or keeps


@transaction.atomic
def refresh_film_scores(*, film: Film) -> Film:
    """Recompute and store a film's scores; the row lock serializes concurrent review changes."""
    locked = Film.objects.select_for_update().get(pk=film.pk)
    scores = compute_film_scores(locked)
    Film.objects.filter(pk=film.pk).update(**asdict(scores))
    for name, value in asdict(scores).items():
        setattr(film, name, value)
    return film


# What a day's ScoreRecord copies from the film; the names are the same on both models.
RECORDED_FIELDS = [
    "critics_score",
    "audience_score",
    "critic_classified_count",
    "audience_rating_count",
]
RECORD_BATCH_SIZE = 1000


def record_scores(
    *,
    day: date,
    films: QuerySet[Film] | None = None,
    batch_size: int = RECORD_BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Record each film's stored scores (of every film, or of `films`) as its record for `day`.

    An upsert on (film, day), so running it again the same day leaves one record a film, with
    the scores as they are now. Films are read in pages by primary key, so memory stays flat
    however many there are; `progress` is called with the count done after each page.
    Returns how many films were recorded.
    """
    films = (Film.objects.all() if films is None else films).order_by("pk")
    recorded, last_pk = 0, 0
    while True:
        rows = list(films.filter(pk__gt=last_pk).values("pk", *RECORDED_FIELDS)[:batch_size])
        if not rows:
            return recorded
        ScoreRecord.objects.bulk_create(
            [
                ScoreRecord(film_id=row["pk"], day=day, **{f: row[f] for f in RECORDED_FIELDS})
                for row in rows
            ],
            update_conflicts=True,
            unique_fields=["film", "day"],
            update_fields=RECORDED_FIELDS,
        )
        recorded += len(rows)
        last_pk = rows[-1]["pk"]
        if progress is not None:
            progress(recorded)
