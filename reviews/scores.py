"""The scores of PRODUCT.md "Scores: the rules", computed from the reviews and stored on the film.

Pages read the stored fields; only the functions here aggregate over reviews, and they run in
the same transaction as the review change that calls them (and in `recompute_scores`).
`record_scores` copies the stored scores, once a day, into each film's score history.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
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
    audience_review_count: int = 0

    @classmethod
    def stored_on(cls, film: Film) -> "FilmScores":
        return cls(**{name: getattr(film, name) for name in cls.field_names()})

    @classmethod
    def field_names(cls) -> list[str]:
        return list(cls.__dataclass_fields__)

    def differences(self, other: "FilmScores") -> list[str]:
        return [name for name in self.field_names() if getattr(self, name) != getattr(other, name)]


# How many films are scored together: two grouped queries (and, when storing, one lock) a batch.
SCORE_BATCH_SIZE = 500


def compute_scores(films: Sequence[Film]) -> dict[int, FilmScores]:
    """The scores the films' reviews give, by film pk, with Acclaimed kept as the rules keep it.

    One grouped query over the critic reviews and one over the audience reviews, however many
    films; Acclaimed reads each film's `release_type` and stored `acclaimed_earned`.
    """
    film_ids = [film.pk for film in films]
    classified = CLASSIFIED
    top = Q(is_top_critic=True)
    fresh = Q(sentiment=Sentiment.FRESH)
    critics = {
        row["film_id"]: row
        for row in CriticReview.objects.filter(film_id__in=film_ids)
        .published()
        .values("film_id")
        .annotate(
            total=Count("pk"),
            top_total=Count("pk", filter=top),
            classified=Count("pk", filter=classified),
            fresh=Count("pk", filter=fresh),
            top_classified=Count("pk", filter=top & classified),
            top_fresh=Count("pk", filter=top & fresh),
            normalized_count=Count("normalized_score"),
            normalized_sum=Sum("normalized_score"),
        )
        .order_by()
    }
    # (rating, count) pairs by film; the rating is None for reviews of words only.
    ratings: dict[int, list[tuple[Decimal | None, int]]] = defaultdict(list)
    for film_id, rating, n in (
        AudienceReview.objects.filter(film_id__in=film_ids)
        .visible()
        .values_list("film_id", "rating")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        ratings[film_id].append((rating, n))
    return {
        film.pk: _film_scores(film, critics.get(film.pk), ratings.get(film.pk, []))
        for film in films
    }


def compute_film_scores(film: Film) -> FilmScores:
    """The scores the film's reviews give, with Acclaimed kept as the rules keep it."""
    return compute_scores([film])[film.pk]


def _film_scores(
    film: Film, critic: dict | None, ratings: list[tuple[Decimal | None, int]]
) -> FilmScores:
    """One film's scores from its critic aggregate and its (rating, count) pairs."""
    scores = FilmScores()
    if critic is not None:
        scores.critic_review_count = critic["total"]
        scores.top_critic_review_count = critic["top_total"]
        scores.critic_classified_count = critic["classified"]
        scores.critic_fresh_count = critic["fresh"]
        scores.top_critic_classified_count = critic["top_classified"]
        scores.top_critic_fresh_count = critic["top_fresh"]
        if critic["normalized_count"] >= _min_critic_reviews():
            scores.critics_average = (
                Decimal(critic["normalized_sum"]) / critic["normalized_count"]
            ).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    scores.critics_score = critics_score(scores.critic_fresh_count, scores.critic_classified_count)
    scores.top_critics_score = critics_score(
        scores.top_critic_fresh_count, scores.top_critic_classified_count
    )
    scores.acclaimed_earned = _acclaimed(film, scores)

    histogram = empty_histogram()
    total_stars = Decimal(0)
    for rating, n in ratings:
        scores.audience_review_count += n
        if rating is None:
            continue
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


# What scoring a film reads from its row: the stored scores (to compare), what Acclaimed needs,
# and the slug that names it in reports.
_SCORED_FILM_FIELDS = ("slug", "release_type", *FilmScores.field_names())


def refresh_scores(
    *,
    film_ids: Iterable[int] | None = None,
    check: bool = False,
    batch_size: int = SCORE_BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> list[tuple[Film, list[str]]]:
    """Recompute and store the scores of the films (of every film when `film_ids` is None).

    Films go in batches in pk order; each batch is one transaction that locks its films' rows
    (in pk order, as every review write does, so none can deadlock with it), scores them with
    `compute_scores` and writes the fields that differ.
    With `check`, nothing is locked or written. `progress` is called with the count done after
    each batch. Returns the films whose stored scores differed, each with the differing field
    names; the films carry their new scores.
    """
    if film_ids is None:
        ids = list(Film.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(set(film_ids))
    changed = []
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        for film, differences in _refresh_batch(batch, check=check):
            if differences:
                changed.append((film, differences))
        if progress is not None:
            progress(start + len(batch))
    return changed


def _refresh_batch(film_ids: list[int], *, check: bool) -> list[tuple[Film, list[str]]]:
    """Score one batch of films: each film (with its new scores) and its differing fields."""
    films = Film.objects.filter(pk__in=film_ids).order_by("pk").only(*_SCORED_FILM_FIELDS)
    if check:
        return _rescore(list(films))
    with transaction.atomic():
        rescored = _rescore(list(films.select_for_update()))
        # One UPDATE of its changed fields a film: bulk_update() builds a CASE of every row for
        # every field, which measured 12 times slower on SQLite and quadratic on PostgreSQL.
        for film, differences in rescored:
            if differences:
                Film.objects.filter(pk=film.pk).update(
                    **{name: getattr(film, name) for name in differences}
                )
    return rescored


def _rescore(films: list[Film]) -> list[tuple[Film, list[str]]]:
    """Set each film's new scores on it; return each with the fields that changed."""
    computed = compute_scores(films)
    rescored = []
    for film in films:
        scores = computed[film.pk]
        rescored.append((film, FilmScores.stored_on(film).differences(scores)))
        for name in FilmScores.field_names():
            setattr(film, name, getattr(scores, name))
    return rescored


def refresh_film_scores(*, film: Film) -> Film:
    """Recompute and store a film's scores; the row lock serializes concurrent review changes.

    `refresh_scores` for one film; the film passed in gets its new scores too.
    """
    rescored = _refresh_batch([film.pk], check=False)
    if not rescored:
        raise Film.DoesNotExist(f"No film with pk {film.pk}.")
    stored, _ = rescored[0]
    for name in FilmScores.field_names():
        setattr(film, name, getattr(stored, name))
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
