from django.contrib import admin
from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from accounts.images import HEADSHOT_SIZE, picture_uploads
from reviewsite.admin import CSVImportExportMixin, is_number, record_action, thumbnail

from .models import AudienceReview, Critic, CriticReview, Publication, ReviewReport, Sentiment
from .resources import CriticReviewResource
from .scores import refresh_scores
from .services import (
    delete_critic_reviews,
    lock_films,
    lock_films_reviewed_by,
    save_critic_review,
    set_audience_reviews_hidden,
    set_critic_reviews,
    set_top_critics,
    sync_critic_review_marks,
)
from .tallies import Tallies


def reviews_link(text: str | int, **filters: int) -> str:
    """`text` linked to the critic reviews' change list with `filters` chosen."""
    query = "&".join(f"{name}={value}" for name, value in filters.items())
    url = reverse("admin:reviews_criticreview_changelist")
    return format_html('<a href="{}?{}">{}</a>', url, query, text)


class ChosenObjectFilter(admin.SimpleListFilter):
    """A filter by one related object (a film, a critic), reached from a link on that object's
    row: there are too many to list them all, so it shows only the chosen one."""

    field = ""

    def lookups(self, request, model_admin):
        value = self.value()
        if not is_number(value):
            return []
        model = model_admin.model._meta.get_field(self.field).related_model
        chosen = model._default_manager.filter(pk=value).first()
        return [(value, str(chosen) if chosen else f"No {model._meta.verbose_name} {value}")]

    def queryset(self, request, queryset):
        if is_number(self.value()):
            return queryset.filter(**{f"{self.field}_id": self.value()})
        return queryset


class FilmFilter(ChosenObjectFilter):
    title = parameter_name = field = "film"


class CriticFilter(ChosenObjectFilter):
    title = parameter_name = field = "critic"


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ("name", "url", "is_top", "critic_reviews")
    list_filter = ("is_top",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    @admin.display(description="published reviews", ordering="review_count")
    def critic_reviews(self, publication: Publication) -> str:
        return reviews_link(
            publication.review_count, publication__id__exact=publication.pk, is_published__exact=1
        )


@admin.register(Critic)
class CriticAdmin(admin.ModelAdmin):
    list_display = ("photo_thumbnail", "name", "is_top_critic", "writes_for", "critic_reviews")
    list_display_links = ("photo_thumbnail", "name")
    list_filter = ("is_top_critic",)
    search_fields = ("name", "publications__name")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("publications",)
    formfield_overrides = picture_uploads(HEADSHOT_SIZE, crop=True)
    actions = ("mark_top_critics", "unmark_top_critics")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("publications")

    @admin.display(description="photo")
    def photo_thumbnail(self, critic: Critic) -> str:
        return thumbnail(critic.photo, alt=f"Photo of {critic}", height=48)

    @admin.display(description="publications")
    def writes_for(self, critic: Critic) -> str:
        return ", ".join(p.name for p in critic.publications.all()) or "—"

    @admin.display(description="published reviews", ordering="review_count")
    def critic_reviews(self, critic: Critic) -> str:
        return reviews_link(critic.review_count, critic=critic.pk, is_published__exact=1)

    def save_model(self, request, obj, form, change) -> None:
        if change:
            lock_films_reviewed_by([obj.pk])
        super().save_model(request, obj, form, change)
        sync_critic_review_marks(critic=obj)

    @admin.action(description="Mark the selected critics as Top Critics", permissions=["change"])
    def mark_top_critics(self, request, queryset) -> None:
        critics = set_top_critics(critics=queryset, top=True)
        record_action(request, critics, "Marked as Top Critic")

    @admin.action(description="Unmark the selected Top Critics", permissions=["change"])
    def unmark_top_critics(self, request, queryset) -> None:
        critics = set_top_critics(critics=queryset, top=False)
        record_action(request, critics, "No longer a Top Critic")


@admin.register(CriticReview)
class CriticReviewAdmin(CSVImportExportMixin, admin.ModelAdmin):
    resource_classes = [CriticReviewResource]
    list_display = (
        "film",
        "critic",
        "publication",
        "sentiment",
        "is_top_critic",
        "review_date",
        "is_published",
    )
    list_filter = (
        "sentiment",
        "is_top_critic",
        "is_published",
        ("publication", admin.RelatedOnlyFieldListFilter),
        FilmFilter,
        CriticFilter,
    )
    list_select_related = ("film", "critic", "publication")
    search_fields = ("film__title", "critic__name", "publication__name", "excerpt")
    autocomplete_fields = ("film", "critic", "publication")
    date_hierarchy = "review_date"
    actions = (
        "publish",
        "unpublish",
        "set_fresh",
        "set_rotten",
        "set_unclassified",
        "delete_selected",
    )

    def save_model(self, request, obj, form, change) -> None:
        save_critic_review(review=obj)

    def delete_model(self, request, obj) -> None:
        delete_critic_reviews(reviews=[obj])

    def delete_queryset(self, request, queryset) -> None:
        delete_critic_reviews(reviews=queryset)

    def _set(self, request, queryset, message: str, **changes) -> None:
        queryset = queryset.select_related(*self.list_select_related)
        record_action(request, set_critic_reviews(reviews=queryset, **changes), message)

    @admin.action(description="Publish the selected reviews", permissions=["change"])
    def publish(self, request, queryset) -> None:
        self._set(request, queryset, "Published", is_published=True)

    @admin.action(description="Unpublish the selected reviews", permissions=["change"])
    def unpublish(self, request, queryset) -> None:
        self._set(request, queryset, "Unpublished", is_published=False)

    @admin.action(description="Set the selected reviews Fresh", permissions=["change"])
    def set_fresh(self, request, queryset) -> None:
        self._set(request, queryset, "Set Fresh", sentiment=Sentiment.FRESH)

    @admin.action(description="Set the selected reviews Rotten", permissions=["change"])
    def set_rotten(self, request, queryset) -> None:
        self._set(request, queryset, "Set Rotten", sentiment=Sentiment.ROTTEN)

    @admin.action(description="Set the selected reviews Unclassified", permissions=["change"])
    def set_unclassified(self, request, queryset) -> None:
        self._set(request, queryset, "Set Unclassified", sentiment=Sentiment.UNCLASSIFIED)


class ReportedFilter(admin.SimpleListFilter):
    title = "reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("open", "With open reports")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(open_reports__gt=0)
        return queryset


class MemberTextAdmin(admin.ModelAdmin):
    """An admin for members' words (reviews, posts): moderators hide and restore them and
    never rewrite them, so `member_fields` are read-only but for superusers."""

    member_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return (*self.member_fields, *self.readonly_fields)
        return self.readonly_fields


@admin.register(AudienceReview)
class AudienceReviewAdmin(MemberTextAdmin):
    list_display = (
        "film",
        "user",
        "rating",
        "has_spoilers",
        "is_hidden",
        "open_reports",
        "helpful_count",
        "created_at",
    )
    list_filter = (ReportedFilter, "is_hidden", "has_spoilers", "rating")
    list_select_related = ("film", "user")
    readonly_fields = ("helpful_count", "edited_at")
    member_fields = ("film", "user", "rating", "body", "has_spoilers", "created_at")
    search_fields = ("film__title", "user__username", "body")
    autocomplete_fields = ("film", "user")
    actions = ("hide_reviews", "restore_reviews")

    def save_model(self, request, obj, form, change) -> None:
        lock_films({obj.film_id, form.initial.get("film")} - {None})
        super().save_model(request, obj, form, change)
        if "is_hidden" in form.changed_data:
            # The one way to hide or restore, so hiding here settles reports as the actions do.
            set_audience_reviews_hidden(reviews=[obj], hidden=obj.is_hidden, moderator=request.user)
        # An edit may move the review to another film, or to another member: both change.
        refresh_scores(film_ids={obj.film_id, form.initial.get("film")} - {None})
        Tallies().audience_reviews([obj]).members([form.initial.get("user")]).refresh()

    def delete_model(self, request, obj) -> None:
        lock_films([obj.film_id])
        super().delete_model(request, obj)
        refresh_scores(film_ids={obj.film_id})
        Tallies().audience_reviews([obj]).refresh()

    @transaction.atomic
    def delete_queryset(self, request, queryset) -> None:
        film_ids = set(queryset.values_list("film_id", flat=True))
        lock_films(film_ids)
        tallies = Tallies().audience_reviews(queryset)
        super().delete_queryset(request, queryset)
        refresh_scores(film_ids=film_ids)
        tallies.refresh()

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
        )

    @admin.display(description="open reports", ordering="open_reports")
    def open_reports(self, obj: AudienceReview) -> int:
        return obj.open_reports

    @admin.action(
        description="Hide the selected reviews (settles their reports)", permissions=["change"]
    )
    def hide_reviews(self, request, queryset) -> None:
        hide_or_restore_reviews(request, queryset, hidden=True)

    @admin.action(description="Restore the selected reviews", permissions=["change"])
    def restore_reviews(self, request, queryset) -> None:
        hide_or_restore_reviews(request, queryset, hidden=False)


def hide_or_restore_reviews(request, reviews, *, hidden: bool) -> None:
    """Hide or restore audience reviews from the admin, into each one's history."""
    reviews = list(reviews.select_related("film", "user"))
    changed = [review for review in reviews if review.is_hidden != hidden]
    set_audience_reviews_hidden(reviews=reviews, hidden=hidden, moderator=request.user)
    record_action(request, changed, "Hidden" if hidden else "Restored")


class OpenFilter(admin.SimpleListFilter):
    """The queue shows open reports unless the moderator asks for others."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("resolved", "Resolved"), ("all", "All")]

    def value(self):
        return super().value() or "open"

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.open()
        if self.value() == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


class ReportAdmin(admin.ModelAdmin):
    """A moderators' queue of reports, open ones first; a subclass names what is reported
    (`reported`, a field of the report) and how to hide or restore it (`set_hidden`)."""

    reported = ""
    list_display_links = ("created_at",)
    list_filter = (OpenFilter, "reason")
    actions = ("hide_reported", "restore_reported", "dismiss_reports")

    def get_readonly_fields(self, request, obj=None):
        fields = ("reporter", "reason", "details", "created_at", "resolved_at", "resolved_by")
        return (self.reported, *fields)

    def get_search_fields(self, request):
        return ("details", f"{self.reported}__body", "reporter__username")

    def get_ordering(self, request):
        return [F("resolved_at").desc(nulls_first=True), "-created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="details")
    def details_excerpt(self, obj) -> str:
        return Truncator(obj.details).chars(120)

    @admin.display(description="open", boolean=True)
    def is_open(self, obj) -> bool:
        return obj.is_open

    @admin.action(
        description="Resolve the selected reports (leave what they report)",
        permissions=["change"],
    )
    def dismiss_reports(self, request, queryset) -> None:
        reports = list(queryset.open())
        queryset.resolve(moderator=request.user)
        record_action(request, reports, "Resolved")

    @admin.action(
        description="Hide what the selected reports point at (settles them)",
        permissions=["change"],
    )
    def hide_reported(self, request, queryset) -> None:
        self.set_hidden(request, self._reported(queryset), hidden=True)

    @admin.action(description="Restore what the selected reports point at", permissions=["change"])
    def restore_reported(self, request, queryset) -> None:
        self.set_hidden(request, self._reported(queryset), hidden=False)

    def set_hidden(self, request, objects, *, hidden: bool) -> None:
        raise NotImplementedError

    def _reported(self, queryset):
        model = self.model._meta.get_field(self.reported).related_model
        return model.objects.filter(pk__in=queryset.values(self.reported))


@admin.register(ReviewReport)
class ReviewReportAdmin(ReportAdmin):
    """The moderators' queue of reported audience reviews."""

    reported = "review"
    set_hidden = staticmethod(hide_or_restore_reviews)
    list_display = (
        "created_at",
        "reason",
        "details_excerpt",
        "reported_review",
        "review_author",
        "reporter",
        "review_hidden",
        "is_open",
    )
    list_select_related = ("review__film", "review__user", "reporter")

    @admin.display(description="review")
    def reported_review(self, obj: ReviewReport) -> str:
        review = obj.review
        text = Truncator(review.body).chars(120) or f"{review.rating} stars, no text"
        admin_url = reverse("admin:reviews_audiencereview_change", args=[review.pk])
        if review.is_hidden:  # its page on the site is a 404 now
            return format_html('<a href="{}">{}</a><br>{}', admin_url, review.film, text)
        return format_html(
            '<a href="{}">{}</a> (<a href="{}">on the site</a>)<br>{}',
            admin_url,
            review.film,
            review.get_absolute_url(),
            text,
        )

    @admin.display(description="author")
    def review_author(self, obj: ReviewReport) -> str:
        return obj.review.user.username

    @admin.display(description="hidden", boolean=True)
    def review_hidden(self, obj: ReviewReport) -> bool:
        return obj.review.is_hidden
