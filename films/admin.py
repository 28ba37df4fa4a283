from django import forms
from django.contrib import admin
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.template.defaultfilters import pluralize
from django.utils.html import format_html

from accounts.images import HEADSHOT_SIZE, POSTER_SIZE, STILL_SIZE, picture_uploads
from reviews.admin import reviews_link
from reviews.models import CriticReview
from reviews.scores import refresh_scores
from reviews.services import sync_film_reviews
from reviews.tallies import Tallies
from reviewsite.admin import CSVImportExportMixin, is_number, record_action, thumbnail

from .forms import decade_choices
from .models import FILM_TAGS, Credit, Film, FilmRedirect, Genre, Person, Photo
from .resources import FilmResource
from .services import delete_films, remember_old_slug


@admin.register(Genre)
class GenreAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "film_count")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(film_count=Count("films"))

    @admin.display(description="films", ordering="film_count")
    def film_count(self, genre: Genre) -> int:
        return genre.film_count


class CreditInline(admin.TabularInline):
    model = Credit
    autocomplete_fields = ("person",)
    fields = ("person", "role", "character", "order")
    extra = 1


class PhotoPreview:
    readonly_fields = ("preview",)
    formfield_overrides = picture_uploads(STILL_SIZE)

    @admin.display(description="preview")
    def preview(self, photo: Photo) -> str:
        return thumbnail(photo.image, alt=photo.alt_text)


class PhotoInline(PhotoPreview, admin.TabularInline):
    model = Photo
    fields = ("preview", "image", "alt_text", "caption", "order")
    extra = 1


def percent(score: int | None) -> str:
    return "—" if score is None else f"{score}%"


# A film may have a thousand critic reviews: its form edits the newest, the list has them all.
FILM_FORM_REVIEWS = 20


class NewestReviewsFormSet(BaseInlineFormSet):
    def get_queryset(self):
        # Made once: the formset asks for it once a form, and each slice would query again.
        if not hasattr(self, "_newest"):
            self._newest = (
                super()
                .get_queryset()
                .select_related("critic", "publication")
                .order_by("-review_date", "-pk")
            )
            self._newest = self._newest[:FILM_FORM_REVIEWS]
        return self._newest


class CriticReviewInline(admin.TabularInline):
    model = CriticReview
    formset = NewestReviewsFormSet
    verbose_name_plural = f"critic reviews (the newest {FILM_FORM_REVIEWS})"
    autocomplete_fields = ("critic", "publication")
    extra = 0
    show_change_link = True
    fields = ("critic", "publication", "sentiment", "review_date", "is_published", "is_top_critic")


class DecadeFilter(admin.SimpleListFilter):
    title = "year"
    parameter_name = "decade"

    def lookups(self, request, model_admin):
        return decade_choices()

    def queryset(self, request, queryset):
        if is_number(self.value()):
            decade = int(self.value())
            return queryset.filter(year__gte=decade, year__lt=decade + 10)
        return queryset


class AcclaimedFilter(admin.SimpleListFilter):
    """Acclaimed as the site shows it (the editors' choice, else the rules), and the choices."""

    title = "Acclaimed"
    parameter_name = "acclaimed"

    def lookups(self, request, model_admin):
        return [
            ("yes", "Acclaimed"),
            ("no", "Not Acclaimed"),
            ("forced", "Set by an editor"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.acclaimed()
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.acclaimed().values("pk"))
        if self.value() == "forced":
            return queryset.exclude(acclaimed_override=Film.AcclaimedOverride.AUTO)
        return queryset


class ConsensusFilter(admin.SimpleListFilter):
    title = "critic consensus"
    parameter_name = "consensus"

    def lookups(self, request, model_admin):
        return [("yes", "Has one"), ("no", "Has none")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(consensus="")
        if self.value() == "no":
            return queryset.filter(consensus="")
        return queryset


class TagsField(forms.CharField):
    """A film's tags (a list) edited as one line: "atmospheric, twist ending"."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value) -> list[str]:
        tags = {}
        for tag in str(value or "").split(","):
            if tag := " ".join(tag.split()):
                tags.setdefault(tag.casefold(), tag)
        return list(tags.values())

    def validate(self, value) -> None:
        if len(value) > FILM_TAGS:
            raise forms.ValidationError(f"Give at most {FILM_TAGS} tags.")


class FilmForm(forms.ModelForm):
    tags = TagsField(
        required=False,
        help_text=f"Up to {FILM_TAGS}, separated by commas; the import fills them from "
        "MovieLens members' tags.",
    )


@admin.register(Film)
class FilmAdmin(CSVImportExportMixin, admin.ModelAdmin):
    form = FilmForm
    formfield_overrides = picture_uploads(POSTER_SIZE)
    resource_classes = [FilmResource]
    list_display = (
        "poster_thumbnail",
        "title",
        "year",
        "release_type",
        "critics",
        "audience",
        "is_acclaimed",
    )
    list_display_links = ("poster_thumbnail", "title")
    list_filter = ("genres", DecadeFilter, "release_type", AcclaimedFilter, ConsensusFilter)
    search_fields = ("title", "credits__person__name")
    search_help_text = "Search by title, by a person in the credits, or by year (1994)."
    prepopulated_fields = {"slug": ("title", "year")}
    filter_horizontal = ("genres",)
    inlines = (CreditInline, PhotoInline, CriticReviewInline)
    actions = ("recompute_scores",)
    readonly_fields = (
        "all_critic_reviews",
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
        ("Critics", {"fields": ("consensus", "acclaimed_override", "all_critic_reviews")}),
        ("Elsewhere", {"fields": (("imdb_id", "tmdb_id", "movielens_id"), "tags")}),
        (
            "Stored scores",
            {
                "classes": ("collapse",),
                "description": "Kept by the reviews; “Recompute scores” in the list rebuilds them.",
                "fields": (
                    ("critics_score", "top_critics_score", "acclaimed_earned"),
                    ("critic_review_count", "critic_classified_count"),
                    ("audience_score", "audience_average", "audience_rating_count"),
                ),
            },
        ),
    )

    @admin.display(description="poster")
    def poster_thumbnail(self, film: Film) -> str:
        return thumbnail(film.poster, alt=f"Poster of {film}", height=48)

    @admin.display(description="Critics Score", ordering="critics_score")
    def critics(self, film: Film) -> str:
        reviews = film.critic_review_count
        count = reviews_link(f"{reviews} review{pluralize(reviews)}", film=film.pk)
        return format_html("{}<br>{}", percent(film.critics_score), count)

    @admin.display(description="Audience Score", ordering="audience_score")
    def audience(self, film: Film) -> str:
        ratings = film.audience_rating_count
        return format_html(
            "{}<br>{} rating{}", percent(film.audience_score), ratings, pluralize(ratings)
        )

    @admin.display(description="all critic reviews")
    def all_critic_reviews(self, film: Film) -> str:
        if film.pk is None:
            return "—"
        text = f"All {film.critic_review_count} critic reviews of this film"
        return reviews_link(text, film=film.pk)

    @admin.display(boolean=True, description="Acclaimed")
    def is_acclaimed(self, film: Film) -> bool:
        return film.is_acclaimed

    def get_search_results(self, request, queryset, search_term):
        # `queryset` comes filtered by the list's filters: a year found stays within them.
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if is_number(term) and len(term) == 4:
            found |= queryset.filter(year=int(term))
        return found, may_have_duplicates

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "slug" in form.changed_data:
            remember_old_slug(film=obj, old_slug=form.initial["slug"])

    def delete_model(self, request, obj) -> None:
        delete_films(films=[obj])

    def delete_queryset(self, request, queryset) -> None:
        delete_films(films=queryset)

    def save_related(self, request, form, formsets, change) -> None:
        # The inline saves critic reviews directly: the critics and publications they had
        # before are noted, then flags are carried and scores and counts refreshed, still
        # inside the admin's transaction.
        tallies = Tallies().critic_reviews(CriticReview.objects.filter(film=form.instance.pk))
        super().save_related(request, form, formsets, change)
        sync_film_reviews(film=form.instance, tallies=tallies)

    @admin.action(description="Recompute the scores of the selected films", permissions=["change"])
    def recompute_scores(self, request, queryset) -> None:
        films = list(queryset.order_by("pk"))
        refresh_scores(film_ids=[film.pk for film in films])
        record_action(request, films, "Recomputed the scores")


@admin.register(FilmRedirect)
class FilmRedirectAdmin(admin.ModelAdmin):
    list_display = ("old_slug", "film", "created_at")
    list_select_related = ("film",)
    search_fields = ("old_slug", "film__title")
    autocomplete_fields = ("film",)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("photo_thumbnail", "name", "birth_date", "film_count")
    list_display_links = ("photo_thumbnail", "name")
    search_fields = ("name",)
    # Explicit: a counting query drops the model's ordering, and the credits' person picker
    # (the autocomplete) pages through this list by name.
    ordering = ("name", "pk")
    prepopulated_fields = {"slug": ("name",)}
    formfield_overrides = picture_uploads(HEADSHOT_SIZE, crop=True)

    def get_queryset(self, request):
        films = Count("credits__film", distinct=True)
        return super().get_queryset(request).annotate(film_count=films)

    @admin.display(description="photo")
    def photo_thumbnail(self, person: Person) -> str:
        return thumbnail(person.photo, alt=f"Photo of {person}", height=48)

    @admin.display(description="films", ordering="film_count")
    def film_count(self, person: Person) -> int:
        return person.film_count


@admin.register(Credit)
class CreditAdmin(admin.ModelAdmin):
    list_display = ("person", "film", "role", "character", "order")
    list_filter = ("role",)
    list_select_related = ("person", "film")
    search_fields = ("person__name", "film__title", "character")
    autocomplete_fields = ("person", "film")


@admin.register(Photo)
class PhotoAdmin(PhotoPreview, admin.ModelAdmin):
    list_display = ("preview", "__str__", "film", "order")
    list_select_related = ("film",)
    search_fields = ("caption", "alt_text", "film__title")
    autocomplete_fields = ("film",)
