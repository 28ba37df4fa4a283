"""Following threads, the "new" mark, the jump to the first unread post, /forums/following/."""

from datetime import timedelta

import pytest
from django.test import Client

from forums import services
from forums.models import Post, ThreadVisit
from tests.factories import MemberFactory
from tests.forums.conftest import logged_in

pytestmark = pytest.mark.django_db


def new_mark(page: str) -> bool:
    return ">new<span" in page


def test_members_follow_what_they_start_or_reply_to(client, thread, author, other):
    services.reply(thread=thread, author=other, body="Me too")
    for member in (author, other):
        page = logged_in(Client(), member).get("/forums/following/").content.decode()
        assert "Was the ending earned?" in page


def test_follow_and_unfollow_from_the_thread_page(client, thread, other):
    logged_in(client, other)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert 'aria-pressed="false"' in page and ">Follow<" in page
    response = client.post(f"/forums/threads/{thread.pk}/follow/", {"following": "1"})
    assert response["Location"] == thread.get_absolute_url()
    assert "&#10003; Following" in client.get(thread.get_absolute_url()).content.decode()
    assert "Was the ending earned?" in client.get("/forums/following/").content.decode()
    client.post(f"/forums/threads/{thread.pk}/follow/", {"following": "0"})
    assert ThreadVisit.objects.get(thread=thread, user=other).is_following is False
    page = client.get("/forums/following/").content.decode()
    assert "You are not following any threads yet." in page


def test_the_follow_button_returns_to_a_safe_next_address_only(client, thread, other):
    logged_in(client, other)
    back = client.post(
        f"/forums/threads/{thread.pk}/follow/", {"following": "1", "next": "/forums/following/"}
    )
    assert back["Location"] == "/forums/following/"
    evil = client.post(
        f"/forums/threads/{thread.pk}/follow/", {"following": "1", "next": "https://evil.example/"}
    )
    assert evil["Location"] == thread.get_absolute_url()


def test_new_posts_since_a_members_last_visit_are_marked_and_jumped_to(
    client, thread, author, other
):
    logged_in(client, author)
    board_page = client.get("/forums/movie-forum/").content.decode()
    assert not new_mark(board_page)  # the author has read their own post
    first_new = services.reply(thread=thread, author=other, body="First new one")
    services.reply(thread=thread, author=other, body="Second new one")
    board_page = client.get("/forums/movie-forum/").content.decode()
    assert new_mark(board_page)
    assert f"/forums/threads/{thread.pk}/unread/" in board_page
    assert new_mark(client.get("/forums/following/").content.decode())
    jump = client.get(f"/forums/threads/{thread.pk}/unread/")
    assert jump["Location"] == f"{thread.get_absolute_url()}#post-{first_new.pk}"
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Jump to the first unread post" in page
    # Having read the page, nothing is new; the jump goes to the latest post.
    assert not new_mark(client.get("/forums/movie-forum/").content.decode())
    assert (
        "Jump to the first unread post"
        not in client.get(thread.get_absolute_url()).content.decode()
    )
    latest = Post.objects.latest("created_at")
    assert client.get(f"/forums/threads/{thread.pk}/unread/")["Location"].endswith(
        f"#post-{latest.pk}"
    )


def test_reading_page_one_leaves_page_two_unread(client, thread, author, other):
    for n in range(30):
        services.reply(thread=thread, author=other, body=f"Reply {n}")
    logged_in(client, author)
    client.get(thread.get_absolute_url())  # page 1: posts 1-25
    target = Post.objects.order_by("created_at", "pk")[25]
    assert client.get(f"/forums/threads/{thread.pk}/unread/")["Location"] == (
        f"{thread.get_absolute_url()}?page=2#post-{target.pk}"
    )
    client.get(f"{thread.get_absolute_url()}?page=2")
    assert not new_mark(client.get("/forums/movie-forum/").content.decode())


def test_threads_a_member_never_opened_are_new_when_active_since_they_joined(client, thread, other):
    newcomer = MemberFactory(date_joined=thread.created_at - timedelta(days=1))
    logged_in(client, newcomer)
    assert new_mark(client.get("/forums/movie-forum/").content.decode())
    assert client.get(f"/forums/threads/{thread.pk}/unread/")["Location"].endswith(
        f"#post-{thread.posts.get().pk}"
    )
    # Someone who joined after the thread's last post has nothing new there.
    latecomer = MemberFactory(date_joined=thread.last_posted_at + timedelta(hours=1))
    logged_in(client, latecomer)
    assert not new_mark(client.get("/forums/movie-forum/").content.decode())


def test_visitors_see_no_marks_and_jump_to_the_latest_post(client, thread, other):
    reply = services.reply(thread=thread, author=other, body="Latest")
    assert not new_mark(client.get("/forums/movie-forum/").content.decode())
    assert client.get(f"/forums/threads/{thread.pk}/unread/")["Location"].endswith(
        f"#post-{reply.pk}"
    )
    assert client.get(f"/forums/threads/{thread.pk}/latest/")["Location"].endswith(
        f"#post-{reply.pk}"
    )
    response = client.post(f"/forums/threads/{thread.pk}/follow/", {"following": "1"})
    assert response["Location"].startswith("/accounts/login/")
    assert not ThreadVisit.objects.filter(user=None).exists()
