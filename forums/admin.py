from django.contrib import admin

from .models import Board, Post, Thread
from .services import synchronize_thread


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


class PostInline(admin.StackedInline):
    model = Post
    extra = 0
    fields = ("author", "body", "is_hidden")
    autocomplete_fields = ("author",)


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ("title", "board", "film", "author", "reply_count", "is_pinned", "is_locked")
    list_filter = ("board", "is_pinned", "is_locked")
    list_select_related = ("board", "film", "author")
    search_fields = ("title", "film__title")
    autocomplete_fields = ("film", "author")
    inlines = (PostInline,)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        synchronize_thread(thread=form.instance)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("__str__", "author", "created_at", "is_hidden")
    list_filter = ("is_hidden",)
    list_select_related = ("thread", "author")
    search_fields = ("body", "thread__title", "author__username")
    autocomplete_fields = ("thread", "author")

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # An edit may move the post to another thread: both threads' counters change.
        for thread in Thread.objects.filter(pk__in={obj.thread_id, form.initial.get("thread")}):
            synchronize_thread(thread=thread)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        synchronize_thread(thread=obj.thread)

    def delete_queryset(self, request, queryset) -> None:
        threads = list(Thread.objects.filter(posts__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for thread in threads:
            synchronize_thread(thread=thread)
