"""Review counts stored on critics, publications and members, so that no page counts reviews.

A critic's published reviews (and how many are Fresh and Rotten), a publication's published
reviews and a member's visible audience reviews are counted here and stored on their rows. A
write that changes reviews notes, in a `Tallies`, the reviews it touches before and after the
change (a review that moves to another critic, or goes, changes two counts), then calls
`refresh()` in its transaction: the counts of everyone noted are counted again from the
reviews. `recompute_scores` checks and rebuilds them all.
"""

from collections.abc import Iterable

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import User

from .models import AudienceReview, Critic, CriticReview, Publication, Sentiment

_PUBLISHED = Q(is_published=True)

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


def _counted(review_model, key: str, condition: Q) -> Coalesce:
    """The row's reviews counted, as a subquery on the row's pk (indexed by `key`)."""
    return Coalesce(
        Subquery(
            review_model.objects.filter(condition, **{key: OuterRef("pk")})
            .order_by()
            .values(key)
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


def _recount(model, rows: QuerySet) -> int:
    """Store the rows' counts as their reviews give them; returns how many rows changed."""
    counted = {name: _counted(*spec) for name, spec in COUNTS[model].items()}
    stale = rows.annotate(**{f"counted_{name}": c for name, c in counted.items()}).filter(
        _differs(model)
    )
    return model._default_manager.filter(pk__in=stale.values("pk")).update(**counted)


def _differs(model) -> Q:
    differs = Q()
    for name in COUNTS[model]:
        differs |= ~Q(**{name: F(f"counted_{name}")})
    return differs


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

    def refresh(self) -> None:
        """Count the noted rows' reviews again and store the counts that changed."""
        for model, ids in self.ids.items():
            ids.discard(None)
            if ids:
                _recount(model, model._default_manager.filter(pk__in=ids))


def stale_counts() -> dict[type, int]:
    """How many critics, publications and members have stored counts their reviews disagree
    with, by model (only those with any)."""
    stale = {}
    for model, counts in COUNTS.items():
        rows = model._default_manager.annotate(
            **{f"counted_{name}": _counted(*spec) for name, spec in counts.items()}
        ).filter(_differs(model))
        if n := rows.count():
            stale[model] = n
    return stale


def rebuild_counts() -> dict[type, int]:
    """Store every critic's, publication's and member's counts as their reviews give them;
    returns how many rows changed, by model (only those with any)."""
    rebuilt = {}
    for model in COUNTS:
        if n := _recount(model, model._default_manager.all()):
            rebuilt[model] = n
    return rebuilt
