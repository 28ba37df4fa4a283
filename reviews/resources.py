"""The critic reviews' CSV columns, for the editors' import and export in the admin.

A row names its film by slug and its critic and publication by name (or slug); they must exist.
It updates the film's review at the same URL, or else the one by the same critic and
publication with no URL (and, with neither known, the same excerpt); otherwise it adds one.
Critics and publications are exported by slug, which is unique; `id` is exported for reference
and never read; a blank cell leaves the value as it is. At the end the reviews
take their critics' Top Critic flags and every film touched is rescored, in the import's
transaction.
"""

from import_export import fields

from films.models import Film
from films.resources import (
    BlankKeepsResource,
    ChoiceWidget,
    ISODateWidget,
    NamedObjectWidget,
    StrictBooleanWidget,
)

from .models import Critic, CriticReview, Publication, Sentiment
from .scores import refresh_scores
from .services import carry_critic_flags, lock_films
from .tallies import Tallies


def named_field(name: str, model, *, name_field: str = "name"):
    widget = NamedObjectWidget(model, name_field=name_field, render_field="slug")
    return fields.Field(attribute=name, column_name=name, widget=widget)


class CriticReviewResource(BlankKeepsResource):
    film = named_field("film", Film, name_field="title")
    critic = named_field("critic", Critic)
    publication = named_field("publication", Publication)
    sentiment = fields.Field(
        attribute="sentiment", column_name="sentiment", widget=ChoiceWidget(Sentiment.choices)
    )
    review_date = fields.Field(
        attribute="review_date", column_name="review_date", widget=ISODateWidget()
    )
    is_published = fields.Field(
        attribute="is_published",
        column_name="is_published",
        default=True,
        widget=StrictBooleanWidget(),
    )
    is_top_critic = fields.Field(
        attribute="is_top_critic",
        column_name="is_top_critic",
        default=False,
        widget=StrictBooleanWidget(),
    )
    id = fields.Field(attribute="id", column_name="id", readonly=True)

    class Meta:
        model = CriticReview
        fields = (
            "id",
            "film",
            "critic",
            "publication",
            "sentiment",
            "review_date",
            "original_score",
            "normalized_score",
            "excerpt",
            "url",
            "is_published",
            "is_top_critic",
        )
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.touched_film_ids: set[int] = set()
        self.tallies = Tallies()

    def get_queryset(self):
        return CriticReview.objects.select_related("film", "critic", "publication")

    def get_instance(self, instance_loader, row) -> CriticReview | None:
        try:
            film, critic, publication = (
                self.fields[name].widget.clean(row.get(name))
                for name in ("film", "critic", "publication")
            )
        except ValueError:
            return None  # the row's own errors say why
        if film is None:
            return None
        reviews = CriticReview.objects.filter(film=film)
        url = str(row.get("url") or "").strip()
        if url and (same_url := reviews.filter(url=url).first()):
            return same_url
        unlinked = reviews.filter(critic=critic, publication=publication, url="")
        if critic or publication:
            return unlinked.first()
        excerpt = str(row.get("excerpt") or "").strip()
        return unlinked.filter(excerpt=excerpt).first() if excerpt else None

    def before_save_instance(self, instance, row, **kwargs) -> None:
        lock_films([instance.film_id])  # films before reviews, as every review write does
        # An updated review may leave its critic or publication: theirs are counted again too.
        self.tallies.critic_reviews(CriticReview.objects.filter(pk=instance.pk))

    def after_save_instance(self, instance, row, **kwargs) -> None:
        self.touched_film_ids.add(instance.film_id)
        self.tallies.critic_reviews([instance])

    def after_import(self, dataset, result, **kwargs) -> None:
        super().after_import(dataset, result, **kwargs)
        if not kwargs.get("dry_run"):
            reviews = CriticReview.objects.filter(film__in=self.touched_film_ids)
            carry_critic_flags(reviews=reviews)
            refresh_scores(film_ids=self.touched_film_ids)
            self.tallies.refresh()
