"""Reading the forums: board index, board, thread, the film's discussion, permalinks, bad page
numbers, and query counts that stay the same with 1 row and with hundreds, for every viewer."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from forums import services
from forums.models import Board, Post, Thread
from tests.factories import BoardFactory, FilmFactory, MemberFactory, ThreadFactory
from tests.forums.conftest import logged_in

pytestmark = pytest.mark.django_db


def test_the_board_index_lists_boards_in_the_editors_order_with_counts_and_latest_post(
    client, movie_forum, author, other
):
    later = BoardFactory(name="Off Topic", order=5)
    first = BoardFactory(name="Announcements", order=0)
    movie_forum.order = 2
    movie_forum.save()
    thread = services.start_thread(board=movie_forum, author=author, title="Heist films", body="a")
    services.reply(thread=thread, author=other, body="b")
    page = client.get("/forums/").content.decode()
    assert page.index(first.name) < page.index("Movie forum") < page.index(later.name)
    row = page[page.index("Movie forum") : page.index(later.name)]
    assert '<td class="text-end">1</td>' in row and '<td class="text-end">2</td>' in row
    assert f'href="/forums/threads/{thread.pk}/latest/">Heist films</a>' in row
    assert "otto" in row
    assert "No posts yet" in page[page.index(later.name) :]


def test_a_board_lists_threads_pinned_first_then_by_latest_activity(client, movie_forum, author):
    old = services.start_thread(board=movie_forum, author=author, title="Old thread", body="a")
    pinned = services.start_thread(board=movie_forum, author=author, title="House rules", body="b")
    services.set_thread_flags(thread=pinned, pinned=True)
    services.start_thread(board=movie_forum, author=author, title="New thread", body="c")
    services.reply(thread=old, author=MemberFactory(display_name="Last Poster"), body="bump")
    page = client.get("/forums/movie-forum/").content.decode()
    assert page.index("House rules") < page.index("Old thread") < page.index("New thread")
    assert "Last Poster" in page


def test_the_thread_page_shows_posts_in_order_with_permalinks(client, thread, other):
    services.reply(thread=thread, author=other, body="Second")
    services.reply(thread=thread, author=other, body="Third")
    page = client.get(thread.get_absolute_url()).content.decode()
    assert page.index("I think <strong>so</strong>.") < page.index("Second") < page.index("Third")
    for post in thread.posts.all():
        assert f'id="post-{post.pk}"' in page
        assert f'href="/forums/posts/{post.pk}/"' in page
    assert "<h1>Was the ending earned?</h1>" in page


def test_threads_show_25_posts_a_page(client, thread, other):
    for n in range(30):
        services.reply(thread=thread, author=other, body=f"Reply number {n}.")
    first_page = client.get(thread.get_absolute_url()).content.decode()
    second_page = client.get(f"{thread.get_absolute_url()}?page=2").content.decode()
    assert first_page.count('class="review-card forum-post') == 25
    assert second_page.count('class="review-card forum-post') == 6
    assert "Reply number 29." in second_page and "Reply number 29." not in first_page


@pytest.mark.parametrize("number", ["0", "-1", "999", "abc", "1.5", "", "%00"])
def test_bad_page_numbers_never_fail(client, thread, number):
    for url in (thread.get_absolute_url(), "/forums/movie-forum/", "/forums/following/"):
        assert client.get(f"{url}?page={number}").status_code in (200, 302)


def test_a_thread_url_with_an_old_slug_or_board_redirects_and_keeps_the_page(client, thread):
    response = client.get(f"/forums/other-board/{thread.pk}-old-title/?page=2")
    assert response.status_code == 302  # not cached: the title may change back
    assert response["Location"] == f"{thread.get_absolute_url()}?page=2"


def test_unknown_boards_threads_and_posts_are_404(client):
    assert client.get("/forums/no-such-board/").status_code == 404
    assert client.get("/forums/movie-forum/999999-nothing/").status_code == 404
    assert client.get("/forums/posts/999999/").status_code == 404
    assert client.get("/forums/threads/999999/unread/").status_code == 404


def test_the_films_discussion_lists_its_movie_forum_threads(client, movie_forum, author):
    film = FilmFactory(title="Quiet Days")
    url = f"/films/{film.slug}/discussion/"
    assert (
        "Nobody has started a discussion about Quiet Days yet." in client.get(url).content.decode()
    )
    services.start_thread(
        board=movie_forum, author=author, title="Was it a dream?", body="a", film=film
    )
    moved = services.start_thread(
        board=movie_forum, author=author, title="Moved away", body="b", film=film
    )
    services.move_thread(thread=moved, board=BoardFactory())
    page = client.get(url).content.decode()
    assert "Was it a dream?" in page and "Moved away" not in page
    film_page = client.get(film.get_absolute_url()).content.decode()
    assert (
        f'href="/films/{film.slug}/discussion/">Discuss Quiet Days on our Movie forum!' in film_page
    )
    assert "Was it a dream?" in film_page and "Moved away" not in film_page


def test_a_hidden_thread_leaves_the_film_page_and_the_members_profile(
    client, movie_forum, author, moderator
):
    film = FilmFactory()
    thread = services.start_thread(
        board=movie_forum, author=author, title="Buy cheap pills", body="spam", film=film
    )
    services.set_posts_hidden(posts=thread.posts.all(), hidden=True, moderator=moderator)
    assert "Buy cheap pills" not in client.get(film.get_absolute_url()).content.decode()
    assert "Buy cheap pills" not in client.get(f"/users/{author.username}/posts/").content.decode()


def test_profile_post_excerpts_keep_spoilers_hidden(client, thread, other):
    services.reply(thread=thread, author=other, body="The twist: ||Rosebud was a sled||.")
    page = client.get(f"/users/{other.username}/posts/").content.decode()
    assert "Rosebud" not in page
    assert "The twist: [spoiler]." in page


def test_a_board_cannot_take_a_forum_pages_address(client, editor):
    assert Board.objects.create(name="Following").slug == "following-board"
    client.force_login(editor)
    response = client.post(
        "/admin/forums/board/add/", {"name": "Mine", "slug": "following", "order": 3}
    )
    assert response.status_code == 200
    assert "is taken by a forum page" in response.content.decode()


# Query counts ---------------------------------------------------------------------------------


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def viewer_client(role: str, moderator) -> Client:
    client = Client()
    if role == "member":
        client.force_login(MemberFactory())
    elif role == "moderator":
        client.force_login(moderator)
    return client


def board_with(n: int, author) -> str:
    board = BoardFactory()
    for i in range(n):
        thread = services.start_thread(
            board=board, author=author, title=f"Thread {i}", body="x", film=FilmFactory()
        )
        services.reply(thread=thread, author=MemberFactory(), body="y")
    return board.get_absolute_url()


def thread_with(n: int, author, moderator) -> str:
    thread = services.start_thread(board=BoardFactory(), author=author, title="Busy", body="x")
    for i in range(n - 1):
        post = services.reply(thread=thread, author=MemberFactory(), body=f"Post {i}")
        if i % 7 == 0:
            services.set_posts_hidden(posts=[post], hidden=True, moderator=moderator)
        elif i % 5 == 0:
            services.edit_post(post=post, user=post.author, body="Edited")
    return thread.get_absolute_url()


def index_with(n: int, author) -> str:
    for i in range(n):
        services.start_thread(board=BoardFactory(), author=author, title=f"T{i}", body="x")
    return "/forums/"


def following_with(n: int, member) -> str:
    for i in range(n):
        thread = ThreadFactory(title=f"Followed {i}", film=FilmFactory())
        services.follow_thread(thread=thread, user=member)
    return "/forums/following/"


@pytest.mark.parametrize("listing", ["board", "index"])
def test_the_board_index_and_a_board_make_as_many_queries_with_200_rows_as_with_one(
    author, moderator, listing
):
    build = {"board": board_with, "index": index_with}[listing]
    few, many = build(1, author), build(200, author)
    for role in ("visitor", "member", "moderator"):
        first_visit = queries(viewer_client(role, moderator), few)
        assert queries(viewer_client(role, moderator), many) == first_visit, role


def test_a_thread_with_300_posts_reads_in_as_many_queries_as_one_with_2(author, moderator):
    few, many = thread_with(2, author, moderator), thread_with(300, author, moderator)
    for role in ("visitor", "member", "moderator"):
        first_visit = queries(viewer_client(role, moderator), few)
        assert queries(viewer_client(role, moderator), many) == first_visit, role
        assert queries(viewer_client(role, moderator), f"{many}?page=12") == first_visit, role


def test_the_following_page_makes_as_many_queries_for_1_and_100_threads():
    one, hundred = MemberFactory(), MemberFactory()
    few, many = following_with(1, one), following_with(100, hundred)
    assert queries(logged_in(Client(), one), few) == queries(logged_in(Client(), hundred), many)


def test_posts_and_threads_made_by_factories_have_counters_after_a_sync(movie_forum):
    thread = ThreadFactory(board=movie_forum)
    Post.objects.create(thread=thread, author=thread.author, body="a")
    services.synchronize_threads(threads=[thread])
    movie_forum.refresh_from_db()
    assert (movie_forum.thread_count, movie_forum.post_count) == (1, 1)
    assert Thread.objects.get().reply_count == 0


def test_the_latest_post_link_skips_hidden_posts(client, thread, other, moderator):
    visible = services.reply(thread=thread, author=other, body="Visible")
    hidden = services.reply(thread=thread, author=other, body="Hidden")
    services.set_posts_hidden(posts=[hidden], hidden=True, moderator=moderator)
    assert client.get(f"/forums/threads/{thread.pk}/latest/")["Location"].endswith(
        f"#post-{visible.pk}"
    )
