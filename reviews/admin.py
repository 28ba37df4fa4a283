from django.contrib import admin, messages
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from .models import AudienceReview, Critic, CriticReview, Publication, ReviewReport
from .services import (
    delete_critic_reviews,
    refresh_scores_of,
    save_critic_review,
    set_audience_reviews_hidden,
    sync_critic_review_marks,
)


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ("name", "url", "is_top")
    list_filter = ("is_top",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Critic)
class CriticAdmin(admin.ModelAdmin):
    list_display = ("name", "is_top_critic")
    list_filter = ("is_top_critic",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("publications",)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        sync_critic_review_marks(critic=obj)


@admin.register(CriticReview)
class CriticReviewAdmin(admin.ModelAdmin):
    list_display = (
        "film",
        "critic",
        "publication",
        "sentiment",
        "is_top_critic",
        "review_date",
        "is_published",
    )
    list_filter = ("sentiment", "is_top_critic", "is_published")
    list_select_related = ("film", "critic", "publication")
    search_fields = ("film__title", "critic__name", "publication__name", "excerpt")
    autocomplete_fields = ("film", "critic", "publication")
    date_hierarchy = "review_date"

    def save_model(self, request, obj, form, change) -> None:
        save_critic_review(review=obj)

    def delete_model(self, request, obj) -> None:
        delete_critic_reviews(reviews=[obj])

    def delete_queryset(self, request, queryset) -> None:
        delete_critic_reviews(reviews=queryset)


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
        super().save_model(request, obj, form, change)
        if "is_hidden" in form.changed_data:
            # The one way to hide or restore, so hiding here settles reports as the actions do.
            set_audience_reviews_hidden(reviews=[obj], hidden=obj.is_hidden, moderator=request.user)
        # An edit may move the review to another film: both films' scores change.
        refresh_scores_of(film_ids={obj.film_id, form.initial.get("film")} - {None})

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        refresh_scores_of(film_ids={obj.film_id})

    def delete_queryset(self, request, queryset) -> None:
        film_ids = set(queryset.values_list("film_id", flat=True))
        super().delete_queryset(request, queryset)
        refresh_scores_of(film_ids=film_ids)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
        )

    @admin.display(description="open reports", ordering="open_reports")
    def open_reports(self, obj: AudienceReview) -> int:
        return obj.open_reports

    @admin.action(description="Hide the selected reviews", permissions=["change"])
    def hide_reviews(self, request, queryset) -> None:
        set_audience_reviews_hidden(reviews=queryset, hidden=True, moderator=request.user)

    @admin.action(description="Restore the selected reviews", permissions=["change"])
    def restore_reviews(self, request, queryset) -> None:
        set_audience_reviews_hidden(reviews=queryset, hidden=False)


class OpenFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("resolved", "Resolved")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.open()
        if self.value() == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


class ReportAdmin(admin.ModelAdmin):
    """A moderators' queue of reports, open ones first; a subclass names what is reported
    (`reported`, a field of the report) and adds the actions on it."""

    reported = ""
    list_display_links = ("created_at",)
    list_filter = (OpenFilter, "reason")

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
        count = queryset.resolve(moderator=request.user)
        self.message_user(request, f"Resolved {count} report(s).", messages.SUCCESS)


@admin.register(ReviewReport)
class ReviewReportAdmin(ReportAdmin):
    """The moderators' queue of reported audience reviews."""

    reported = "review"
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
    actions = ("hide_reported_reviews", "restore_reported_reviews", "dismiss_reports")

    @admin.display(description="review")
    def reported_review(self, obj: ReviewReport) -> str:
        review = obj.review
        text = Truncator(review.body).chars(120) or f"{review.rating} stars, no text"
        # The admin's page for it: the public one is a 404 once the review is hidden.
        url = reverse("admin:reviews_audiencereview_change", args=[review.pk])
        return format_html('<a href="{}">{}</a><br>{}', url, review.film, text)

    @admin.display(description="author")
    def review_author(self, obj: ReviewReport) -> str:
        return obj.review.user.username

    @admin.display(description="hidden", boolean=True)
    def review_hidden(self, obj: ReviewReport) -> bool:
        return obj.review.is_hidden

    @admin.action(
        description="Hide the reported reviews (settles their reports)", permissions=["change"]
    )
    def hide_reported_reviews(self, request, queryset) -> None:
        self._set_hidden(request, queryset, hidden=True)

    @admin.action(description="Restore the reported reviews", permissions=["change"])
    def restore_reported_reviews(self, request, queryset) -> None:
        self._set_hidden(request, queryset, hidden=False)

    def _set_hidden(self, request, queryset, hidden: bool) -> None:
        reviews = AudienceReview.objects.filter(pk__in=queryset.values("review"))
        set_audience_reviews_hidden(reviews=reviews, hidden=hidden, moderator=request.user)
        verb = "Hid" if hidden else "Restored"
        self.message_user(request, f"{verb} {len(reviews)} review(s).", messages.SUCCESS)
