"""Review counts stored on critics, publications and members, so that no page counts reviews.

A critic's published reviews (and how many are Fresh and Rotten), a publication's published
reviews and a member's visible audience reviews are counted here and stored on their rows. A
write that changes reviews notes, in a `Tallies`, the reviews it touches before and after the
change (a review that moves to another critic, or goes, changes two counts), then calls
`refresh()` in its transaction: the counts of everyone noted are counted again from the
reviews. `recompute_scores` checks and rebuilds them all.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Q, QuerySet

from accounts.models import User

from .models import AudienceReview, Critic, CriticReview, Publication, Sentiment

_PUBLISHED = Q(is_published=True)
UPDATE_BATCH_SIZE = 2000

# Each stored count: the model it is stored on, its field, and the reviews it counts (the
# review model, its key to the row, and which of its reviews count).
COUNTS = {
    Critic: {
        "review_count": (CriticReview, "critic", _PUBLISHED),
        "fresh_count": (CriticReview, "critic", _PUBLISHED & Q(sentiment=Sentiment.FRESH)),
        "rotten_count": (CriticReview, "critic", _PUBLISHED & Q(sentiment=Sentiment.ROTTEN)),
    },
    Publication: {"review_count": (CriticReview, "publication", _PUBLISHED)},
    User: {"review_count": (AudienceReview, "user", Q(is_hidden=False))},
}


def _differences(model, ids: set[int] | None = None) -> dict[tuple[int, ...], list[int]]:
    """The rows (of `ids`, or all) whose stored counts their reviews disagree with: their pks,
    grouped by the counts they should have (in `COUNTS` order), so that rows wanting the same
    counts are set by one UPDATE.

    One grouped query over the reviews a count, and one read of the stored counts.
    """
    names = list(COUNTS[model])
    counted: dict[int, list[int]] = defaultdict(lambda: [0] * len(names))
    for i, (review_model, key, condition) in enumerate(COUNTS[model].values()):
        reviews = review_model.objects.filter(condition)
        if ids is not None:
            reviews = reviews.filter(**{f"{key}__in": ids})
        for pk, n in reviews.values_list(key).annotate(n=Count("pk")).order_by():
            if pk is not None:
                counted[pk][i] = n
    rows = model._default_manager.order_by()
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    wrong = defaultdict(list)
    for pk, *stored in rows.values_list("pk", *names).iterator(chunk_size=UPDATE_BATCH_SIZE):
        wanted = tuple(counted[pk]) if pk in counted else (0,) * len(names)
        if tuple(stored) != wanted:
            wrong[wanted].append(pk)
    return wrong


def _store(model, wrong: dict[tuple[int, ...], list[int]]) -> int:
    """Set the counts `_differences` found; returns how many rows changed."""
    names = list(COUNTS[model])
    for wanted, pks in wrong.items():
        for start in range(0, len(pks), UPDATE_BATCH_SIZE):
            model._default_manager.filter(pk__in=pks[start : start + UPDATE_BATCH_SIZE]).update(
                **dict(zip(names, wanted, strict=True))
            )
    return sum(len(pks) for pks in wrong.values())


class Tallies:
    """The critics, publications and members whose stored counts a change may move."""

    def __init__(self) -> None:
        self.ids: dict[type, set[int]] = {model: set() for model in COUNTS}

    def critic_reviews(self, reviews: Iterable[CriticReview]) -> "Tallies":
        """Note the reviews' critics and publications (call it before and after a change)."""
        if isinstance(reviews, QuerySet):
            reviews = reviews.values_list("critic_id", "publication_id")
        else:
            reviews = [(r.critic_id, r.publication_id) for r in reviews]
        for critic_id, publication_id in reviews:
            self.ids[Critic].add(critic_id)
            self.ids[Publication].add(publication_id)
        return self

    def audience_reviews(self, reviews: Iterable[AudienceReview]) -> "Tallies":
        """Note the reviews' authors (call it before and after a change)."""
        if isinstance(reviews, QuerySet):
            self.ids[User].update(reviews.values_list("user_id", flat=True))
        else:
            self.ids[User].update(r.user_id for r in reviews)
        return self

    def members(self, ids: Iterable[int]) -> "Tallies":
        self.ids[User].update(ids)
        return self

    def lock(self) -> "Tallies":
        """Lock the noted rows (critics, then publications, then members, each in pk order):
        a write counting the same row at the same time waits, then counts what this one wrote.
        `refresh` takes the locks; a write that must hold them before it changes the reviews
        (`save_critic_review`, which reads the critic's flag) takes them first. The lock is
        FOR NO KEY UPDATE, which a review referring to the row (FOR KEY SHARE) does not
        block."""
        for model, ids in self.ids.items():
            ids.discard(None)
            _lock(model, ids)
        return self

    def refresh(self) -> None:
        """Count the noted rows' reviews again and store the counts that changed."""
        self.lock()
        for model, ids in self.ids.items():
            if ids:
                _store(model, _differences(model, ids))


def _lock(model, ids: Iterable[int]) -> list[int]:
    rows = model._default_manager.filter(pk__in=ids).order_by("pk")
    return list(rows.select_for_update(no_key=True).values_list("pk", flat=True))


def stale_counts() -> dict[type, int]:
    """How many critics, publications and members have stored counts their reviews disagree
    with, by model (only those with any)."""
    stale = {}
    for model in COUNTS:
        if n := sum(len(pks) for pks in _differences(model).values()):
            stale[model] = n
    return stale


def rebuild_counts() -> dict[type, int]:
    """Store every critic's, publication's and member's counts as their reviews give them;
    returns how many rows changed, by model (only those with any).

    In batches of rows by pk, each a transaction that locks its rows before counting, as
    `Tallies.refresh` does: safe while the site takes reviews.
    """
    rebuilt = {}
    for model in COUNTS:
        changed, last_pk = 0, 0
        while True:
            with transaction.atomic():
                batch = _lock(
                    model,
                    model._default_manager.filter(pk__gt=last_pk)
                    .order_by("pk")
                    .values("pk")[:UPDATE_BATCH_SIZE],
                )
                if not batch:
                    break
                changed += _store(model, _differences(model, set(batch)))
            last_pk = batch[-1]
        if changed:
            rebuilt[model] = changed
    return rebuilt
