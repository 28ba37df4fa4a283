"""Replies arriving together, in one thread and across a board, leave exact counters."""

import pytest
from django.db import connection

from forums import services
from forums.models import MOVIE_FORUM_SLUG, Board, Thread
from tests.concurrency import post_together
from tests.factories import MemberFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs row locks and real concurrency"
    ),
]


def movie_forum() -> Board:
    # Transactional tests empty the tables afterwards, migrations' rows included.
    return Board.objects.get_or_create(slug=MOVIE_FORUM_SLUG, defaults={"name": "Movie forum"})[0]


def test_50_simultaneous_replies_leave_exact_counters():
    board = movie_forum()
    starter = MemberFactory()
    thread = services.start_thread(board=board, author=starter, title="Busy", body="Go")
    others = services.start_thread(board=board, author=starter, title="Also busy", body="Go")
    members = MemberFactory.create_batch(50)
    requests = [
        (member, f"/forums/threads/{(thread if i % 2 else others).pk}/reply/", {"body": f"#{i}"})
        for i, member in enumerate(members)
    ]
    assert post_together(requests) == [302] * 50
    assert services.sync_forums(fix=False) == []
    assert sorted(Thread.objects.values_list("reply_count", flat=True)) == [25, 25]
    board.refresh_from_db()
    assert (board.thread_count, board.post_count) == (2, 52)


def test_10_moderators_moving_threads_to_one_board_at_once_neither_deadlock_nor_miscount():
    source = movie_forum()
    target = Board.objects.create(name="Archive")
    starter = MemberFactory()
    threads = [
        services.start_thread(board=source, author=starter, title=f"Old {i}", body="x")
        for i in range(10)
    ]
    moderators = [MemberFactory(is_superuser=True) for _ in threads]
    for board in (target, source, target):  # a deadlock is a matter of timing: try thrice
        requests = [
            (moderator, f"/forums/threads/{thread.pk}/move/", {"board": board.pk})
            for moderator, thread in zip(moderators, threads, strict=True)
        ]
        assert post_together(requests) == [302] * 10
        assert services.sync_forums(fix=False) == []
    target.refresh_from_db()
    assert (target.thread_count, target.post_count) == (10, 10)
