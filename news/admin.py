from django.contrib import admin
from django.contrib.auth import get_user_model
from django.http import HttpRequest

from accounts.images import STILL_SIZE, picture_uploads

from .models import Article, ArticleStatus


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return ArticleStatus.choices

    def queryset(self, request, queryset):
        if self.value() in ArticleStatus.values:
            return queryset.with_status(self.value())
        return queryset


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "published_at", "author", "status")
    list_filter = (StatusFilter, ("author", admin.RelatedOnlyFieldListFilter), "published_at")
    list_select_related = ("author",)
    search_fields = ("title", "lead", "body")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("films",)
    date_hierarchy = "published_at"
    formfield_overrides = picture_uploads(STILL_SIZE)
    fields = (
        "title",
        "slug",
        "lead",
        "body",
        ("image", "image_alt"),
        "films",
        "author",
        "published_at",
    )

    @admin.display(description="status", ordering="published_at")
    def status(self, article: Article) -> str:
        return article.status.label

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        # Editors may not browse members (no autocomplete for them): the byline is one of the
        # staff, from a short list.
        if db_field.name == "author":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Article, form, change: bool) -> None:
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)
