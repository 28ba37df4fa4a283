"""Existing posts get their HTML and boards their counters; Moderators work the post reports."""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import Sum

from reviewsite.markup import render_markdown

MODERATOR_PERMISSIONS = ["view_postreport", "change_postreport", "view_postrevision"]


def forward(apps, schema_editor):
    Post = apps.get_model("forums", "Post")
    Thread = apps.get_model("forums", "Thread")
    Board = apps.get_model("forums", "Board")
    for post in Post.objects.only("body").iterator(chunk_size=500):
        Post.objects.filter(pk=post.pk).update(body_html=render_markdown(post.body))
    # The counting rules of forums/services.py as they stand in this migration: a thread whose
    # first post is hidden, or that has none, is hidden; replies are its other visible posts.
    for thread in Thread.objects.all():
        posts = Post.objects.filter(thread=thread)
        first = posts.order_by("created_at", "pk").first()
        hidden = first is None or first.is_hidden
        visible = posts.filter(is_hidden=False)
        count, last = visible.count(), visible.order_by("-created_at", "-pk").first()
        Thread.objects.filter(pk=thread.pk).update(
            is_hidden=hidden,
            reply_count=count - (0 if hidden else 1) if count else 0,
            last_posted_at=last.created_at if last else thread.created_at,
            last_poster_id=last.author_id if last else thread.author_id,
        )
    for board in Board.objects.all():
        threads = Thread.objects.filter(board=board, is_hidden=False)
        Board.objects.filter(pk=board.pk).update(
            thread_count=threads.count(),
            post_count=(threads.aggregate(n=Sum("reply_count"))["n"] or 0) + threads.count(),
            last_thread=threads.order_by("-last_posted_at", "-pk").first(),
        )

    # Permissions are normally made after all migrations ran; make them now so we can use them.
    app_config = apps.get_app_config("forums")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="forums", codename__in=MODERATOR_PERMISSIONS
        )
    )


def backward(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="forums", codename__in=MODERATOR_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0004_posting_moderation_reports_and_read_state"),
        ("accounts", "0002_create_groups"),
    ]

    operations = [migrations.RunPython(forward, backward)]
