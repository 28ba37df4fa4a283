"""Moderators on the pages (hide, restore, lock, pin, move, revisions), reports and their queue,
and who may do what: the permission matrix and CSRF on every state-changing forum view."""

import pytest
from django.test import Client

from forums import services
from forums.models import Board, Post, PostReport, Thread
from tests.factories import BoardFactory, MemberFactory
from tests.forums.conftest import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def reply(thread, other):
    return services.reply(thread=thread, author=other, body="Spoilers: the butler did it.")


# Hiding and restoring ------------------------------------------------------------------------


def test_a_moderator_hides_a_post_which_others_see_as_hidden(client, thread, reply, moderator):
    logged_in(client, moderator)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert f'action="/forums/posts/{reply.pk}/hide/"' in page
    response = client.post(f"/forums/posts/{reply.pk}/hide/", {"hidden": "1"})
    assert response["Location"] == f"{thread.get_absolute_url()}#post-{reply.pk}"
    reply.refresh_from_db()
    thread.refresh_from_db()
    assert reply.is_hidden
    assert thread.reply_count == 0
    moderator_view = client.get(thread.get_absolute_url()).content.decode()
    assert "the butler did it" in moderator_view  # moderators still read it
    assert "Restore post" in moderator_view
    for viewer in (None, thread.author, reply.author):
        visitor = Client()
        if viewer:
            visitor.force_login(viewer)
        seen = visitor.get(thread.get_absolute_url()).content.decode()
        assert "This post was hidden by a moderator." in seen
        assert "the butler did it" not in seen
    client.post(f"/forums/posts/{reply.pk}/hide/", {"hidden": "0"})
    reply.refresh_from_db()
    thread.refresh_from_db()
    assert not reply.is_hidden
    assert thread.reply_count == 1
    assert "the butler did it" in Client().get(thread.get_absolute_url()).content.decode()


def test_hiding_the_first_post_hides_the_thread(client, thread, reply, moderator, other):
    logged_in(client, moderator)
    first = thread.posts.earliest("created_at")
    assert "Hide thread" in client.get(thread.get_absolute_url()).content.decode()
    client.post(f"/forums/posts/{first.pk}/hide/", {"hidden": "1"})
    thread.refresh_from_db()
    board = Board.objects.get(pk=thread.board_id)
    assert thread.is_hidden
    assert (board.thread_count, board.post_count, board.last_thread) == (0, 0, None)
    assert "Hidden" in client.get(board.get_absolute_url()).content.decode()
    assert Client().get(thread.get_absolute_url()).status_code == 404
    assert thread.title not in Client().get(board.get_absolute_url()).content.decode()
    assert logged_in(Client(), other).get(thread.get_absolute_url()).status_code == 404
    own = logged_in(Client(), thread.author).get(thread.get_absolute_url())
    assert own.status_code == 200
    assert "A moderator hid this thread" in own.content.decode()
    client.post(f"/forums/posts/{first.pk}/hide/", {"hidden": "0"})
    assert Client().get(thread.get_absolute_url()).status_code == 200


def test_hiding_settles_the_posts_reports(thread, reply, moderator, other):
    reporter = MemberFactory()
    services.report_post(post=reply, reporter=reporter, reason="spoilers", details="")
    services.set_posts_hidden(posts=[reply], hidden=True, moderator=moderator)
    report = PostReport.objects.get()
    assert not report.is_open
    assert report.resolved_by == moderator


# Lock, pin, move ----------------------------------------------------------------------------


def test_a_moderator_locks_and_unlocks_pins_and_unpins(client, thread, moderator):
    logged_in(client, moderator)
    url = f"/forums/threads/{thread.pk}/moderate/"
    for action, field, value in [
        ("lock", "is_locked", True),
        ("unlock", "is_locked", False),
        ("pin", "is_pinned", True),
        ("unpin", "is_pinned", False),
    ]:
        response = client.post(url, {"action": action})
        assert response["Location"] == thread.get_absolute_url()
        thread.refresh_from_db()
        assert getattr(thread, field) is value, action
    assert client.post(url, {"action": "explode"}).status_code == 400
    assert client.post(url).status_code == 400


def test_a_pinned_thread_lists_first_and_a_locked_one_says_so(
    client, movie_forum, author, moderator
):
    older = services.start_thread(board=movie_forum, author=author, title="Older", body="a")
    services.start_thread(board=movie_forum, author=author, title="Newer", body="b")
    logged_in(client, moderator)
    client.post(f"/forums/threads/{older.pk}/moderate/", {"action": "pin"})
    client.post(f"/forums/threads/{older.pk}/moderate/", {"action": "lock"})
    page = Client().get(movie_forum.get_absolute_url()).content.decode()
    assert page.index("Older") < page.index("Newer")
    assert "Pinned" in page and "Locked" in page


def test_a_moderator_moves_a_thread_and_both_boards_recount(client, thread, reply, moderator):
    elsewhere = BoardFactory(name="Off Topic")
    logged_in(client, moderator)
    assert 'action="/forums/threads/' in client.get(thread.get_absolute_url()).content.decode()
    assert client.get(f"/forums/threads/{thread.pk}/move/").status_code == 200
    response = client.post(f"/forums/threads/{thread.pk}/move/", {"board": elsewhere.pk})
    thread.refresh_from_db()
    assert thread.board == elsewhere
    assert response["Location"] == thread.get_absolute_url()
    assert thread.get_absolute_url().startswith("/forums/off-topic/")
    old = Board.objects.get(slug="movie-forum")
    elsewhere.refresh_from_db()
    assert (old.thread_count, old.post_count) == (0, 0)
    assert (elsewhere.thread_count, elsewhere.post_count, elsewhere.last_thread) == (1, 2, thread)
    # The old address still finds it.
    assert (
        Client().get(f"/forums/movie-forum/{thread.pk}-x/")["Location"] == thread.get_absolute_url()
    )


@pytest.mark.parametrize("board", ["999999", "not-a-number", ""])
def test_moving_to_a_missing_board_is_a_message(client, thread, moderator, board):
    logged_in(client, moderator)
    response = client.post(f"/forums/threads/{thread.pk}/move/", {"board": board})
    assert response.status_code == 400
    assert "does not exist" in response.content.decode() or "required" in response.content.decode()
    thread.refresh_from_db()
    assert thread.board.slug == "movie-forum"


# Revisions -----------------------------------------------------------------------------------


def test_moderators_see_a_posts_earlier_versions(client, thread, author, moderator, other):
    first = thread.posts.get()
    services.edit_post(post=first, user=author, body="Second *take*")
    services.edit_post(post=first, user=author, body="Third take")
    logged_in(client, moderator)
    assert (
        f"/forums/posts/{first.pk}/revisions/"
        in client.get(thread.get_absolute_url()).content.decode()
    )
    page = client.get(f"/forums/posts/{first.pk}/revisions/").content.decode()
    assert (
        page.index("Third take")
        < page.index("Second <em>take</em>")
        < page.index("I think <strong>so</strong>.")
    )
    for user in (other, author):
        assert (
            logged_in(Client(), user).get(f"/forums/posts/{first.pk}/revisions/").status_code == 403
        )
        assert (
            "/revisions/"
            not in logged_in(Client(), user).get(thread.get_absolute_url()).content.decode()
        )


# Reports --------------------------------------------------------------------------------------


def test_a_member_reports_a_post_and_moderators_find_it_in_the_admin(
    client, thread, reply, moderator
):
    reporter = MemberFactory()
    logged_in(client, reporter)
    assert (
        f"/forums/posts/{reply.pk}/report/"
        in client.get(thread.get_absolute_url()).content.decode()
    )
    assert client.get(f"/forums/posts/{reply.pk}/report/").status_code == 200
    response = client.post(f"/forums/posts/{reply.pk}/report/", {"reason": "other"})
    assert "Tell the moderators what is wrong with this post." in response.content.decode()
    response = client.post(
        f"/forums/posts/{reply.pk}/report/", {"reason": "spoilers", "details": "Ending!"}
    )
    assert response["Location"] == f"{thread.get_absolute_url()}#post-{reply.pk}"
    report = PostReport.objects.get()
    assert (report.post, report.reporter, report.reason, report.details) == (
        reply,
        reporter,
        "spoilers",
        "Ending!",
    )
    logged_in(client, moderator)
    queue = client.get("/admin/forums/postreport/").content.decode()
    assert "Ending!" in queue and "the butler did it" in queue
    assert f"/forums/posts/{reply.pk}/" in queue  # a link to it on the site


def test_the_report_queue_hides_restores_and_resolves(client, thread, reply, moderator):
    report = services.report_post(post=reply, reporter=MemberFactory(), reason="spam", details="")
    logged_in(client, moderator)

    def act(action):
        # As from the queue's "All" view: the default view lists open reports only.
        return client.post(
            "/admin/forums/postreport/?status=all",
            {"action": action, "_selected_action": [report.pk]},
        )

    assert act("hide_reported").status_code == 302
    reply.refresh_from_db()
    report.refresh_from_db()
    assert reply.is_hidden and not report.is_open
    act("restore_reported")
    reply.refresh_from_db()
    assert not reply.is_hidden
    other_report = services.report_post(
        post=reply, reporter=MemberFactory(), reason="abuse", details=""
    )
    client.post(
        "/admin/forums/postreport/",
        {"action": "dismiss_reports", "_selected_action": [other_report.pk]},
    )
    other_report.refresh_from_db()
    assert not other_report.is_open
    thread.refresh_from_db()
    assert thread.reply_count == 1


def test_members_cannot_report_their_own_or_a_hidden_post(client, thread, reply, moderator):
    logged_in(client, reply.author)
    assert client.get(f"/forums/posts/{reply.pk}/report/").status_code == 403
    assert (
        f"/forums/posts/{reply.pk}/report/"
        not in client.get(thread.get_absolute_url()).content.decode()
    )
    services.set_posts_hidden(posts=[reply], hidden=True, moderator=moderator)
    logged_in(client, thread.author)
    assert client.get(f"/forums/posts/{reply.pk}/report/").status_code == 404


def test_reporting_the_same_post_again_updates_the_report(thread, reply):
    reporter = MemberFactory()
    services.report_post(post=reply, reporter=reporter, reason="spam", details="")
    PostReport.objects.all().resolve(moderator=None)
    services.report_post(post=reply, reporter=reporter, reason="spam", details="Again")
    assert not PostReport.objects.get().is_open  # the same reason does not reopen it
    services.report_post(post=reply, reporter=reporter, reason="abuse", details="")
    assert PostReport.objects.get().is_open


# Who may do what -----------------------------------------------------------------------------

ACTIONS = {
    # name: (method, url pattern, data); {post} is the first post, {thread} the thread.
    "new thread": ("post", "/forums/movie-forum/new/", {"title": "T", "body": "B"}),
    "reply": ("post", "/forums/threads/{thread}/reply/", {"body": "B"}),
    "edit": ("post", "/forums/posts/{post}/edit/", {"title": "T", "body": "Changed"}),
    "delete": ("post", "/forums/posts/{post}/delete/", {}),
    "report": ("post", "/forums/posts/{post}/report/", {"reason": "spam"}),
    "follow": ("post", "/forums/threads/{thread}/follow/", {"following": "1"}),
    "hide": ("post", "/forums/posts/{post}/hide/", {"hidden": "1"}),
    "lock": ("post", "/forums/threads/{thread}/moderate/", {"action": "lock"}),
    "pin": ("post", "/forums/threads/{thread}/moderate/", {"action": "pin"}),
    "move": ("post", "/forums/threads/{thread}/move/", {"board": "{board}"}),
    "revisions": ("get", "/forums/posts/{post}/revisions/", {}),
    "following": ("get", "/forums/following/", {}),
}
LOGIN = "login"
# Who gets what: 302 = done (or sent on), 403 = refused, login = sent to log in.
MATRIX = {
    "new thread": {"visitor": LOGIN, "member": 302, "author": 302, "moderator": 302},
    "reply": {"visitor": LOGIN, "member": 302, "author": 302, "moderator": 302},
    "edit": {"visitor": LOGIN, "member": 403, "author": 302, "moderator": 403},
    "delete": {"visitor": LOGIN, "member": 403, "author": 302, "moderator": 403},
    "report": {"visitor": LOGIN, "member": 302, "author": 403, "moderator": 302},
    "follow": {"visitor": LOGIN, "member": 302, "author": 302, "moderator": 302},
    "hide": {"visitor": LOGIN, "member": 403, "author": 403, "moderator": 302},
    "lock": {"visitor": LOGIN, "member": 403, "author": 403, "moderator": 302},
    "pin": {"visitor": LOGIN, "member": 403, "author": 403, "moderator": 302},
    "move": {"visitor": LOGIN, "member": 403, "author": 403, "moderator": 302},
    "revisions": {"visitor": LOGIN, "member": 403, "author": 403, "moderator": 200},
    "following": {"visitor": LOGIN, "member": 200, "author": 200, "moderator": 200},
}


def _request(client, action, thread, board):
    method, url, data = ACTIONS[action]
    first = thread.posts.earliest("created_at")
    url = url.format(post=first.pk, thread=thread.pk)
    data = {k: v.format(board=board.pk) for k, v in data.items()}
    return getattr(client, method)(url, data)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ["visitor", "member", "author", "moderator"])
def test_the_permission_matrix(client, thread, author, other, moderator, action, role):
    board = BoardFactory()
    user = {"visitor": None, "member": other, "author": author, "moderator": moderator}[role]
    if user:
        client.force_login(user)
    response = _request(client, action, thread, board)
    expected = MATRIX[action][role]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == expected, response.content.decode()[:500]
        if expected == 302:
            assert not response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("action", [a for a, (method, _, _) in ACTIONS.items() if method == "post"])
def test_every_state_changing_view_needs_a_csrf_token(thread, author, moderator, action):
    board = BoardFactory()
    user = author if action in ("edit", "delete") else moderator
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    before = (Thread.objects.count(), Post.objects.count(), PostReport.objects.count())
    assert _request(client, action, thread, board).status_code == 403
    assert before == (Thread.objects.count(), Post.objects.count(), PostReport.objects.count())
    thread.refresh_from_db()
    assert (thread.is_locked, thread.is_pinned, thread.is_hidden, thread.board.slug) == (
        False,
        False,
        False,
        "movie-forum",
    )


@pytest.mark.parametrize(
    "url",
    [
        "/forums/posts/{post}/hide/",
        "/forums/threads/{thread}/moderate/",
        "/forums/threads/{thread}/follow/",
    ],
)
def test_post_only_views_refuse_get(client, thread, moderator, url):
    logged_in(client, moderator)
    first = thread.posts.get()
    assert client.get(url.format(post=first.pk, thread=thread.pk)).status_code == 405


def test_a_hidden_thread_stays_hidden_after_its_author_is_deleted(client, thread, moderator):
    services.set_posts_hidden(posts=thread.posts.all(), hidden=True, moderator=moderator)
    thread.author.delete()
    assert client.get(thread.get_absolute_url()).status_code == 404
    assert client.get(f"/forums/threads/{thread.pk}/latest/").status_code == 404


def test_authors_find_their_hidden_thread_in_their_lists(client, thread, author, moderator):
    services.set_posts_hidden(posts=thread.posts.all(), hidden=True, moderator=moderator)
    logged_in(client, author)
    for url in ("/forums/movie-forum/", "/forums/following/"):
        page = client.get(url).content.decode()
        assert "Was the ending earned?" in page and "Hidden</span>" in page
    logged_in(client, MemberFactory())
    assert "Was the ending earned?" not in client.get("/forums/movie-forum/").content.decode()


def test_a_thread_left_without_posts_in_the_admin_is_hidden_and_uncounted(
    client, thread, admin_user
):
    client.force_login(admin_user)
    first = thread.posts.get()
    client.post(f"/admin/forums/post/{first.pk}/delete/", {"post": "yes"})
    thread.refresh_from_db()
    board = Board.objects.get(slug="movie-forum")
    assert thread.is_hidden
    assert (board.thread_count, board.post_count, board.last_thread) == (0, 0, None)
    assert Client().get(thread.get_absolute_url()).status_code == 404
    assert services.sync_forums(fix=False) == []


def test_moderators_cannot_rewrite_posts_in_the_admin_and_hiding_there_settles_reports(
    client, thread, reply, moderator
):
    report = services.report_post(post=reply, reporter=MemberFactory(), reason="spam", details="")
    logged_in(client, moderator)
    change = client.get(f"/admin/forums/post/{reply.pk}/change/").content.decode()
    assert 'name="body"' not in change
    assert 'name="is_hidden"' in change
    response = client.post(
        f"/admin/forums/post/{reply.pk}/change/",
        {
            "is_hidden": "on",
            "body": "Rewritten",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    reply.refresh_from_db()
    report.refresh_from_db()
    assert reply.is_hidden and reply.body == "Spoilers: the butler did it."
    assert not report.is_open
    thread.refresh_from_db()
    assert thread.reply_count == 0
    thread_change = client.get(f"/admin/forums/thread/{thread.pk}/change/").content.decode()
    assert "posts-0-body" not in thread_change
