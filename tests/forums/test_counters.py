"""Whatever members and moderators do, the stored forum counters equal what sync_forums finds."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from forums import services
from forums.models import Board, Post, Thread
from tests.factories import BoardFactory, MemberFactory

ACTIONS = ["start", "reply", "reply", "edit", "delete", "hide", "restore", "move", "lock"]
steps = st.lists(
    st.tuples(
        st.sampled_from(ACTIONS),
        st.integers(min_value=0, max_value=2),  # which member
        st.integers(min_value=0, max_value=4),  # which thread (or post, or board)
    ),
    max_size=30,
)


def _pick(items: list, index: int):
    return items[index % len(items)] if items else None


def _apply(action: str, member, which: int, boards: list[Board], moderator) -> None:
    threads = list(Thread.objects.order_by("pk"))
    posts = list(Post.objects.order_by("pk"))
    thread, post = _pick(threads, which), _pick(posts, which)
    if action == "start" or thread is None:
        services.start_thread(
            board=_pick(boards, which), author=member, title=f"T{which}", body="first"
        )
    elif action == "reply":
        services.reply(thread=thread, author=member, body="reply")
    elif action == "edit":
        services.edit_post(post=post, user=post.author, body=f"edited {which}", title="Renamed")
    elif action == "delete":
        services.delete_post(post=post, user=post.author)
    elif action in ("hide", "restore"):
        services.set_posts_hidden(posts=[post], hidden=action == "hide", moderator=moderator)
    elif action == "move":
        services.move_thread(thread=thread, board=_pick(boards, which + 1))
    elif action == "lock":
        services.set_thread_flags(thread=thread, locked=not thread.is_locked)


@pytest.mark.django_db
@settings(max_examples=40)
@given(steps=steps)
def test_counters_stay_exact_after_any_sequence_of_posts_edits_hides_and_moves(steps):
    with transaction.atomic():
        members = MemberFactory.create_batch(3)
        moderator = MemberFactory(is_superuser=True)
        boards = [Board.objects.get(slug="movie-forum"), BoardFactory()]
        for action, who, which in steps:
            try:
                with transaction.atomic():
                    _apply(action, members[who], which, boards, moderator)
            except (PermissionDenied, ValidationError):
                pass  # refused as the pages refuse it: locked, hidden, has replies
            assert services.sync_forums(fix=False) == [], action
        call_command("sync_forums", "--check")  # exits non-zero on drift
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_sync_forums_reports_and_fixes_drift(thread, other, capsys):
    services.reply(thread=thread, author=other, body="reply")
    Thread.objects.update(reply_count=7, is_hidden=True)
    Board.objects.filter(slug="movie-forum").update(thread_count=0, post_count=99)
    with pytest.raises(CommandError) as error:
        call_command("sync_forums", "--check")
    message = str(error.value)
    assert f"thread {thread.pk} (Was the ending earned?): reply_count is 7, should be 1" in message
    assert "is_hidden is True, should be False" in message
    assert "post_count is 99, should be 2" in message
    assert Thread.objects.get().reply_count == 7  # --check changes nothing
    call_command("sync_forums")
    assert "counter(s) were fixed" in capsys.readouterr().out
    call_command("sync_forums", "--check")
    thread.refresh_from_db()
    assert (thread.reply_count, thread.is_hidden) == (1, False)
    board = Board.objects.get(slug="movie-forum")
    assert (board.thread_count, board.post_count, board.last_thread) == (1, 2, thread)
