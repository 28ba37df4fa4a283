from django.contrib import admin

from reviews.models import CriticReview
from reviews.services import sync_film_reviews

from .models import Credit, Film, FilmRedirect, Genre, Person, Photo
from .services import remember_old_slug


@admin.register(Genre)
class GenreAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


class CreditInline(admin.TabularInline):
    model = Credit
    autocomplete_fields = ("person",)
    extra = 1


class PhotoInline(admin.TabularInline):
    model = Photo
    extra = 1


class CriticReviewInline(admin.StackedInline):
    model = CriticReview
    autocomplete_fields = ("critic", "publication")
    extra = 0
    fields = (
        ("critic", "publication", "is_top_critic"),
        ("sentiment", "review_date", "is_published"),
        "excerpt",
        ("url", "original_score", "normalized_score"),
    )


@admin.register(Film)
class FilmAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "year",
        "release_type",
        "critics_score",
        "audience_score",
        "critic_review_count",
        "audience_rating_count",
        "is_acclaimed",
    )
    list_filter = ("release_type", "genres", "acclaimed_override", "year")
    search_fields = ("title",)
    prepopulated_fields = {"slug": ("title", "year")}
    filter_horizontal = ("genres",)
    inlines = (CreditInline, PhotoInline, CriticReviewInline)
    readonly_fields = (
        "critics_score",
        "top_critics_score",
        "critic_review_count",
        "critic_classified_count",
        "audience_score",
        "audience_average",
        "audience_rating_count",
        "acclaimed_earned",
    )
    fieldsets = (
        (None, {"fields": ("title", "slug", "year", "synopsis", "genres", "poster")}),
        ("Facts", {"fields": ("rating", "runtime", "release_date", "release_type", "studio")}),
        ("Critics", {"fields": ("consensus", "acclaimed_override")}),
        (
            "Stored scores",
            {
                "classes": ("collapse",),
                "fields": (
                    ("critics_score", "top_critics_score", "acclaimed_earned"),
                    ("critic_review_count", "critic_classified_count"),
                    ("audience_score", "audience_average", "audience_rating_count"),
                ),
            },
        ),
    )

    @admin.display(boolean=True, description="Acclaimed")
    def is_acclaimed(self, film: Film) -> bool:
        return film.is_acclaimed

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "slug" in form.changed_data:
            remember_old_slug(film=obj, old_slug=form.initial["slug"])

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # The inline saved critic reviews directly: carry critics' flags and rescore, still
        # inside the admin's transaction.
        sync_film_reviews(film=form.instance)


@admin.register(FilmRedirect)
class FilmRedirectAdmin(admin.ModelAdmin):
    list_display = ("old_slug", "film", "created_at")
    list_select_related = ("film",)
    search_fields = ("old_slug", "film__title")
    autocomplete_fields = ("film",)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "birth_date")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Credit)
class CreditAdmin(admin.ModelAdmin):
    list_display = ("person", "film", "role", "character", "order")
    list_filter = ("role",)
    list_select_related = ("person", "film")
    search_fields = ("person__name", "film__title", "character")
    autocomplete_fields = ("person", "film")


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ("__str__", "film", "order")
    list_select_related = ("film",)
    search_fields = ("caption", "alt_text", "film__title")
    autocomplete_fields = ("film",)
