from django.contrib import admin
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from reviews.admin import MemberTextAdmin, ReportAdmin
from reviewsite.admin import record_action

from .models import Board, Post, PostReport, PostRevision, Thread
from .services import set_posts_hidden, set_thread_flags, synchronize_threads


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order", "thread_count", "post_count")
    list_editable = ("order",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)
    readonly_fields = ("thread_count", "post_count", "last_thread")


class PostInline(admin.StackedInline):
    """A thread's posts: written with the thread when it is added, then only read here.

    Members' words change on the site, where edits keep revisions, and hiding goes through
    the posts' own page and actions, which settle reports.
    """

    model = Post
    extra = 0
    min_num = 1  # a thread starts with its first post
    fields = ("author", "body", "is_hidden")
    autocomplete_fields = ("author",)

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else ()

    def has_add_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_add_permission(request, obj)


@admin.register(Thread)
class ThreadAdmin(MemberTextAdmin):
    list_display = (
        "title",
        "board",
        "film",
        "author",
        "reply_count",
        "is_pinned",
        "is_locked",
        "is_hidden",
    )
    list_filter = ("board", "is_pinned", "is_locked", "is_hidden")
    list_select_related = ("board", "film", "author")
    search_fields = ("title", "film__title")
    autocomplete_fields = ("film", "author")
    readonly_fields = ("is_hidden", "reply_count", "last_posted_at", "last_poster")
    member_fields = ("title", "author", "created_at")
    inlines = (PostInline,)
    actions = ("lock", "unlock", "pin", "unpin")

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # The thread may have moved board, and its posts changed: recount the old board too.
        previous = Thread(pk=form.instance.pk, board_id=form.initial.get("board"))
        synchronize_threads(threads=[form.instance, previous])

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        synchronize_threads(threads=[obj])

    @transaction.atomic
    def delete_queryset(self, request, queryset) -> None:
        threads = list(queryset)
        super().delete_queryset(request, queryset)
        synchronize_threads(threads=threads)

    def _set_flag(self, request, queryset, message: str, **flag: bool) -> None:
        ((name, value),) = flag.items()
        changed = [t for t in queryset if getattr(t, f"is_{name}") != value]
        for thread in changed:
            set_thread_flags(thread=thread, **{name: value})
        record_action(request, changed, message)

    @admin.action(description="Lock the selected threads", permissions=["change"])
    def lock(self, request, queryset) -> None:
        self._set_flag(request, queryset, "Locked", locked=True)

    @admin.action(description="Unlock the selected threads", permissions=["change"])
    def unlock(self, request, queryset) -> None:
        self._set_flag(request, queryset, "Unlocked", locked=False)

    @admin.action(description="Pin the selected threads", permissions=["change"])
    def pin(self, request, queryset) -> None:
        self._set_flag(request, queryset, "Pinned", pinned=True)

    @admin.action(description="Unpin the selected threads", permissions=["change"])
    def unpin(self, request, queryset) -> None:
        self._set_flag(request, queryset, "Unpinned", pinned=False)


class RevisionInline(admin.TabularInline):
    model = PostRevision
    extra = 0
    fields = ("written_at", "replaced_at", "body")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Post)
class PostAdmin(MemberTextAdmin):
    list_display = ("__str__", "author", "created_at", "edited_at", "is_hidden")
    list_filter = ("is_hidden",)
    list_select_related = ("thread", "author")
    search_fields = ("body", "thread__title", "author__username")
    autocomplete_fields = ("thread", "author")
    inlines = (RevisionInline,)
    actions = ("hide_posts", "restore_posts")
    readonly_fields = ("edited_at",)
    member_fields = ("thread", "author", "body", "created_at")

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if "is_hidden" in form.changed_data:
            # The one way to hide or restore, so hiding here settles reports as the actions do.
            set_posts_hidden(posts=[obj], hidden=obj.is_hidden, moderator=request.user)
        # An edit may move the post to another thread: both threads' counters change.
        previous = Thread.objects.filter(pk=form.initial.get("thread")).first()
        synchronize_threads(threads=[t for t in (obj.thread, previous) if t])

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        synchronize_threads(threads=[obj.thread])

    @transaction.atomic
    def delete_queryset(self, request, queryset) -> None:
        threads = list(Thread.objects.filter(posts__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        synchronize_threads(threads=threads)

    @admin.action(
        description="Hide the selected posts (settles their reports)", permissions=["change"]
    )
    def hide_posts(self, request, queryset) -> None:
        hide_or_restore_posts(request, queryset, hidden=True)

    @admin.action(description="Restore the selected posts", permissions=["change"])
    def restore_posts(self, request, queryset) -> None:
        hide_or_restore_posts(request, queryset, hidden=False)


def hide_or_restore_posts(request, posts, *, hidden: bool) -> None:
    """Hide or restore posts from the admin, into each one's history."""
    posts = list(posts.select_related("thread"))
    changed = [post for post in posts if post.is_hidden != hidden]
    set_posts_hidden(posts=posts, hidden=hidden, moderator=request.user)
    record_action(request, changed, "Hidden" if hidden else "Restored")


@admin.register(PostReport)
class PostReportAdmin(ReportAdmin):
    """The moderators' queue of reported forum posts."""

    reported = "post"
    set_hidden = staticmethod(hide_or_restore_posts)
    list_display = (
        "created_at",
        "reason",
        "details_excerpt",
        "reported_post",
        "post_author",
        "reporter",
        "post_hidden",
        "is_open",
    )
    list_select_related = ("post__thread__board", "post__author", "reporter")

    @admin.display(description="post")
    def reported_post(self, obj: PostReport) -> str:
        post = obj.post
        admin_url = reverse("admin:forums_post_change", args=[post.pk])
        return format_html(
            '<a href="{}">{}</a> (<a href="{}">on the site</a>)<br>{}',
            admin_url,
            post.thread,
            post.get_absolute_url(),
            Truncator(post.body).chars(120),
        )

    @admin.display(description="author")
    def post_author(self, obj: PostReport) -> str:
        return obj.post.author.username if obj.post.author else "—"

    @admin.display(description="hidden", boolean=True)
    def post_hidden(self, obj: PostReport) -> bool:
        return obj.post.is_hidden
