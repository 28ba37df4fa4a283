from django.contrib import admin

from .models import AudienceReview, Critic, CriticReview, Publication
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


@admin.register(AudienceReview)
class AudienceReviewAdmin(admin.ModelAdmin):
    list_display = ("film", "user", "rating", "has_spoilers", "is_hidden", "created_at")
    list_filter = ("is_hidden", "has_spoilers", "rating")
    list_select_related = ("film", "user")
    search_fields = ("film__title", "user__username", "body")
    autocomplete_fields = ("film", "user")
    actions = ("hide_reviews", "restore_reviews")

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # An edit may move the review to another film: both films' scores change.
        refresh_scores_of(film_ids={obj.film_id, form.initial.get("film")} - {None})

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        refresh_scores_of(film_ids={obj.film_id})

    def delete_queryset(self, request, queryset) -> None:
        film_ids = set(queryset.values_list("film_id", flat=True))
        super().delete_queryset(request, queryset)
        refresh_scores_of(film_ids=film_ids)

    @admin.action(description="Hide the selected reviews", permissions=["change"])
    def hide_reviews(self, request, queryset) -> None:
        set_audience_reviews_hidden(reviews=queryset, hidden=True)

    @admin.action(description="Restore the selected reviews", permissions=["change"])
    def restore_reviews(self, request, queryset) -> None:
        set_audience_reviews_hidden(reviews=queryset, hidden=False)
