"""Forum writes and the counters they keep, each in one transaction."""

from django.db import transaction

from .models import Post, Thread


@transaction.atomic
def synchronize_thread(*, thread: Thread) -> Thread:
    """Rebuild a thread's stored counters from its visible posts."""
    # The row lock serializes concurrent post changes, so neither count misses the other's.
    Thread.objects.select_for_update().filter(pk=thread.pk).first()
    posts = Post.objects.filter(thread=thread, is_hidden=False)
    last = posts.order_by("-created_at", "-pk").first()
    thread.reply_count = max(posts.count() - 1, 0)
    thread.last_posted_at = last.created_at if last else thread.created_at
    thread.last_poster_id = last.author_id if last else thread.author_id
    Thread.objects.filter(pk=thread.pk).update(
        reply_count=thread.reply_count,
        last_posted_at=thread.last_posted_at,
        last_poster_id=thread.last_poster_id,
    )
    return thread
