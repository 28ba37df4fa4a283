from django.contrib import admin

from .models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "author", "published_at")
    list_select_related = ("author",)
    search_fields = ("title", "lead", "body")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("films", "author")
    date_hierarchy = "published_at"
