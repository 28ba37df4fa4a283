"""Forum writes and the counters they keep, each in one transaction.

Every write that changes what a thread or board shows locks the thread's row first and the
boards' rows after it (in pk order), then recounts from the posts: simultaneous replies wait
for each other, so no count misses one, and the lock order means no two writes deadlock.
The locks are FOR NO KEY UPDATE: the foreign keys a write sets (a board's latest thread, a
post's thread) are checked at commit with KEY SHARE locks, which a FOR UPDATE held by another
writer would block, out of order. The same counting rebuilds everything in `sync_forums`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from films.models import Film

from .models import (
    Board,
    Post,
    PostReport,
    PostReportReason,
    PostRevision,
    Thread,
    ThreadVisit,
)

LOCKED_MESSAGE = "This thread is locked: it takes no new replies."
HIDDEN_THREAD_MESSAGE = "A moderator hid this thread: it takes no new replies."
HIDDEN_POST_MESSAGE = "A moderator hid this post, so it cannot be changed or deleted."
HAS_REPLIES_MESSAGE = "This post has replies after it, so it stays: you can still edit it."


def is_moderator(user) -> bool:
    """Moderators (and superusers) hide and restore posts, lock, pin and move threads."""
    return user.is_authenticated and user.has_perm("forums.change_post")


# Counters ------------------------------------------------------------------------------------


def _counted_threads(threads: QuerySet[Thread]) -> QuerySet[Thread]:
    """Threads annotated with what their stored counters should be, counted from the posts."""
    posts = Post.objects.filter(thread=OuterRef("pk")).order_by()
    visible = posts.filter(is_hidden=False)
    last = visible.order_by("-created_at", "-pk")
    return threads.annotate(
        first_hidden=Subquery(posts.order_by("created_at", "pk").values("is_hidden")[:1]),
        visible_posts=Coalesce(
            Subquery(visible.values("thread").annotate(n=Count("pk")).values("n")), 0
        ),
        last_visible_at=Subquery(last.values("created_at")[:1]),
        last_visible_author=Subquery(last.values("author_id")[:1]),
    )


def _thread_counters(thread: Thread) -> dict:
    """The stored fields of an annotated thread as its posts make them.

    A thread whose first post is hidden is hidden; so is one left with no posts at all (the
    admin can delete them), since there is nothing to show.
    """
    hidden = thread.first_hidden is not False
    if thread.visible_posts:
        reply_count = thread.visible_posts - (0 if hidden else 1)
        last_at, last_by = thread.last_visible_at, thread.last_visible_author
    else:
        reply_count, last_at, last_by = 0, thread.created_at, thread.author_id
    return {
        "is_hidden": hidden,
        "reply_count": reply_count,
        "last_posted_at": last_at,
        "last_poster_id": last_by,
    }


def _counted_boards(boards: QuerySet[Board]) -> QuerySet[Board]:
    threads = Thread.objects.filter(board=OuterRef("pk"), is_hidden=False).order_by()
    per_board = threads.values("board")
    return boards.annotate(
        expected_threads=Coalesce(Subquery(per_board.annotate(n=Count("pk")).values("n")), 0),
        expected_posts=Coalesce(
            Subquery(per_board.annotate(n=Sum(F("reply_count") + 1)).values("n")), 0
        ),
        expected_last_thread=Subquery(threads.order_by("-last_posted_at", "-pk").values("pk")[:1]),
    )


def _board_counters(board: Board) -> dict:
    return {
        "thread_count": board.expected_threads,
        "post_count": board.expected_posts,
        "last_thread_id": board.expected_last_thread,
    }


@dataclass
class Drift:
    """A stored counter that differs from what the posts make it."""

    obj: Board | Thread
    field: str
    stored: object
    expected: object

    def __str__(self) -> str:
        kind = type(self.obj).__name__.lower()
        return (
            f"{kind} {self.obj.pk} ({self.obj}): {self.field} is {self.stored!r}, "
            f"should be {self.expected!r}"
        )


def _drift(obj, expected: dict) -> list[Drift]:
    return [
        Drift(obj, field, getattr(obj, field), value)
        for field, value in expected.items()
        if getattr(obj, field) != value
    ]


def _recount_thread(thread_id: int) -> None:
    thread = _counted_threads(Thread.objects.filter(pk=thread_id)).first()
    if thread is not None:
        Thread.objects.filter(pk=thread_id).update(**_thread_counters(thread))


def _recount_boards(board_ids: Iterable[int]) -> None:
    boards = Board.objects.filter(pk__in=set(board_ids))
    # Lock them, in a stable order.
    list(boards.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))
    for board in _counted_boards(boards):
        Board.objects.filter(pk=board.pk).update(**_board_counters(board))


def _lock_thread(thread: Thread) -> Thread:
    """The thread's row, locked, with its current state."""
    return Thread.objects.select_for_update(no_key=True).get(pk=thread.pk)


@transaction.atomic
def synchronize_threads(*, threads: Iterable[Thread]) -> None:
    """Recount threads and their boards after writes that bypassed the services (the admin)."""
    board_ids = set()
    for thread in sorted(threads, key=lambda t: t.pk):
        locked = Thread.objects.select_for_update(no_key=True).filter(pk=thread.pk).first()
        if locked is not None:
            _recount_thread(locked.pk)
            board_ids.add(locked.board_id)
        if thread.board_id:
            board_ids.add(thread.board_id)
    _recount_boards(board_ids)


def sync_forums(*, fix: bool = True) -> list[Drift]:
    """Compare every stored forum counter with the posts; fix the drift unless `fix` is False.

    Threads first, since a board's counts add up its threads'. Each fix recounts under the
    row's lock, so a reply posted meanwhile is not overwritten by an older count. A check
    makes the same fixes and rolls them back, so boards are compared with exact threads.
    """
    drift = []
    with transaction.atomic():
        for thread in _counted_threads(Thread.objects.order_by("pk")).iterator(chunk_size=2000):
            if found := _drift(thread, _thread_counters(thread)):
                with transaction.atomic():
                    _recount_thread(_lock_thread(thread).pk)
                drift += found
        for board in _counted_boards(Board.objects.order_by("pk")):
            if found := _drift(board, _board_counters(board)):
                with transaction.atomic():
                    _recount_boards([board.pk])
                drift += found
        transaction.set_rollback(not fix)
    return drift


# Reading and following -----------------------------------------------------------------------


def _update_visit(*, thread: Thread, user: User, **fields) -> None:
    """Set `fields` on the member's visit of the thread, made first if need be."""
    # get_or_create finds the row the member's other request made in the meantime.
    visit = ThreadVisit.objects.get_or_create(thread=thread, user=user)[0]
    ThreadVisit.objects.filter(pk=visit.pk).update(**fields)


def follow_thread(*, thread: Thread, user: User, following: bool = True) -> None:
    _update_visit(thread=thread, user=user, is_following=following)


def mark_read(*, thread: Thread, user: User, up_to: datetime, visit: ThreadVisit | None) -> None:
    """Record that `user` has read `thread`'s posts up to the one posted at `up_to`.

    `visit` is the member's visit as the caller read it, None for a first visit.
    """
    if visit is None:
        # One statement; if the member's other request made the row meanwhile, theirs stays.
        ThreadVisit.objects.bulk_create(
            [ThreadVisit(thread=thread, user=user, last_read_at=up_to)], ignore_conflicts=True
        )
    elif visit.last_read_at is None or visit.last_read_at < up_to:
        ThreadVisit.objects.filter(pk=visit.pk).update(last_read_at=up_to)


def _posted(*, thread: Thread, post: Post) -> None:
    """After a member posts: they follow the thread and have read their own post."""
    _update_visit(thread=thread, user=post.author, is_following=True, last_read_at=post.created_at)


def first_unread_post(*, thread: Thread, user: User) -> Post | None:
    """The first post `user` has not read, or None when they read them all (or are a visitor)."""
    if not user.is_authenticated:
        return None
    posts = Post.objects.filter(thread=thread).order_by("created_at", "pk")
    read_at = (
        ThreadVisit.objects.filter(thread=thread, user=user)
        .values_list("last_read_at", flat=True)
        .first()
    )
    if read_at is not None:
        posts = posts.filter(created_at__gt=read_at)
    return posts.first()


# Posting -------------------------------------------------------------------------------------


def reply_refusal(thread: Thread) -> str | None:
    """Why `thread` takes no replies now, or None when it does."""
    if thread.is_hidden:
        return HIDDEN_THREAD_MESSAGE
    if thread.is_locked:
        return LOCKED_MESSAGE
    return None


@transaction.atomic
def start_thread(
    *, board: Board, author: User, title: str, body: str, film: Film | None = None
) -> Thread:
    """A new thread with its first post; the author follows it."""
    now = timezone.now()
    thread = Thread.objects.create(
        board=board,
        film=film,
        title=title,
        author=author,
        created_at=now,
        last_posted_at=now,
        last_poster=author,
    )
    post = Post.objects.create(thread=thread, author=author, body=body, created_at=now)
    _posted(thread=thread, post=post)
    _recount_boards([board.pk])
    return thread


@transaction.atomic
def reply(*, thread: Thread, author: User, body: str) -> Post:
    """A reply at the end of the thread; the author follows the thread."""
    thread = _lock_thread(thread)
    if refusal := reply_refusal(thread):
        raise ValidationError(refusal)
    post = Post.objects.create(thread=thread, author=author, body=body)
    _posted(thread=thread, post=post)
    _recount_thread(thread.pk)
    _recount_boards([thread.board_id])
    return post


def change_refusal(*, post: Post, thread: Thread, user: User) -> str | None:
    """Why `user` may not edit or delete `post` now, or None when they may."""
    if post.author_id != user.pk:
        return "Only its author can change a post."
    if post.is_hidden:
        return HIDDEN_POST_MESSAGE
    if thread.is_hidden:
        return "A moderator hid this thread: its posts can no longer be changed."
    if thread.is_locked:
        return "This thread is locked: its posts can no longer be changed."
    return None


def _own_post(post: Post, user: User) -> tuple[Thread, Post]:
    """The post's thread (locked) and the post as it is now, when `user` may change it."""
    thread = _lock_thread(post.thread)
    post = Post.objects.get(pk=post.pk)
    if refusal := change_refusal(post=post, thread=thread, user=user):
        raise PermissionDenied(refusal)
    return thread, post


@transaction.atomic
def edit_post(*, post: Post, user: User, body: str, title: str | None = None) -> Post:
    """The author's new text for their post, the old one kept as a revision.

    `title`, on the thread's first post, renames the thread.
    """
    thread, post = _own_post(post, user)
    now = timezone.now()
    if body != post.body:
        PostRevision.objects.create(
            post=post, body=post.body, written_at=post.edited_at or post.created_at
        )
        post.body, post.edited_at = body, now
        post.save(update_fields=["body", "edited_at"])
    if title is not None and title != thread.title and is_first_post(post):
        Thread.objects.filter(pk=thread.pk).update(title=title)
    return post


def is_first_post(post: Post) -> bool:
    return not Post.objects.filter(thread=post.thread_id).filter(_before(post)).exists()


def _before(post: Post) -> Q:
    return Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lt=post.pk)


def post_position(post: Post) -> int:
    """How many posts come before `post` in its thread (hidden ones too: they keep a place)."""
    return Post.objects.filter(thread=post.thread_id).filter(_before(post)).count()


def has_replies(post: Post) -> bool:
    later = Post.objects.filter(thread=post.thread_id).exclude(pk=post.pk).exclude(_before(post))
    return later.exists()


@transaction.atomic
def delete_post(*, post: Post, user: User) -> Thread | None:
    """The author deletes their post while nothing was posted after it.

    Deleting a thread's only post deletes the thread; returns the thread if it stays.
    """
    thread, post = _own_post(post, user)
    if has_replies(post):
        raise PermissionDenied(HAS_REPLIES_MESSAGE)
    if is_first_post(post):
        thread.delete()
        _recount_boards([thread.board_id])
        return None
    post.delete()
    _recount_thread(thread.pk)
    _recount_boards([thread.board_id])
    return thread


# Moderation ----------------------------------------------------------------------------------


@transaction.atomic
def set_posts_hidden(*, posts: Iterable[Post], hidden: bool, moderator: User | None) -> int:
    """Hide or restore posts; hiding a thread's first post hides the thread.

    Hiding also settles the posts' open reports: the moderator acted on them.
    """
    posts = list(posts)
    pks = [p.pk for p in posts]
    thread_ids = sorted({p.thread_id for p in posts})
    locked = Thread.objects.select_for_update(no_key=True).filter(pk__in=thread_ids).order_by("pk")
    board_ids = set(locked.values_list("board_id", flat=True))
    changed = Post.objects.filter(pk__in=pks).exclude(is_hidden=hidden).update(is_hidden=hidden)
    if hidden:
        PostReport.objects.filter(post__in=pks).resolve(moderator=moderator)
    for thread_id in thread_ids:
        _recount_thread(thread_id)
    _recount_boards(board_ids)
    return changed


@transaction.atomic
def set_thread_flags(
    *, thread: Thread, locked: bool | None = None, pinned: bool | None = None
) -> None:
    """Lock or unlock, pin or unpin a thread."""
    changes = {}
    if locked is not None:
        changes["is_locked"] = locked
    if pinned is not None:
        changes["is_pinned"] = pinned
    Thread.objects.filter(pk=_lock_thread(thread).pk).update(**changes)


@transaction.atomic
def move_thread(*, thread: Thread, board: Board) -> None:
    """Move a thread, with its posts, to another board; both boards are recounted."""
    thread = _lock_thread(thread)
    if thread.board_id == board.pk:
        return
    Thread.objects.filter(pk=thread.pk).update(board=board)
    _recount_boards([thread.board_id, board.pk])


# Reports -------------------------------------------------------------------------------------


def report_post(*, post: Post, reporter: User, reason: PostReportReason, details: str):
    """File a member's report of a post, or update the one they filed."""
    if post.author_id == reporter.pk:
        raise PermissionDenied("Members cannot report their own posts.")
    return PostReport.objects.file(post=post, reporter=reporter, reason=reason, details=details)
