"""Starting threads, replying, quoting, previewing, editing and deleting, through the pages."""

import html

import pytest
from django.core.cache import cache

from forums import services
from forums.models import Post, PostRevision, Thread, ThreadVisit
from tests.accounts.helpers import field_error
from tests.factories import FilmFactory, MemberFactory
from tests.forums.conftest import logged_in

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    return html.unescape(response.content.decode())


# Starting a thread ---------------------------------------------------------------------------


def test_a_visitor_is_sent_to_log_in_to_start_a_thread(client, movie_forum):
    response = client.get("/forums/movie-forum/new/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/forums/movie-forum/new/")
    response = client.post("/forums/movie-forum/new/", {"title": "Hi", "body": "Hello"})
    assert response.status_code == 302
    assert not Thread.objects.exists()
    assert "Log in to start a thread" in client.get("/forums/movie-forum/").content.decode()


def test_a_member_starts_a_thread_and_follows_it(client, movie_forum, other):
    logged_in(client, other)
    response = client.post(
        "/forums/movie-forum/new/",
        {"title": "  Best heist films?  ", "body": "Rififi, *obviously*."},
    )
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == thread.get_absolute_url()
    assert thread.title == "Best heist films?"
    assert (thread.author, thread.board, thread.film) == (other, movie_forum, None)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Rififi, <em>obviously</em>." in page
    assert ThreadVisit.objects.get(thread=thread, user=other).is_following
    movie_forum.refresh_from_db()
    assert (movie_forum.thread_count, movie_forum.post_count) == (1, 1)
    assert movie_forum.last_thread == thread
    assert "Best heist films?" in client.get("/forums/").content.decode()


def test_a_thread_started_from_a_films_discussion_is_linked_to_it(client, movie_forum, other):
    film = FilmFactory(title="Quiet Days")
    discussion = client.get(f"/films/{film.slug}/discussion/").content.decode()
    assert f"/accounts/login/?next=/films/{film.slug}/discussion/new/" in discussion
    logged_in(client, other)
    assert f'href="/films/{film.slug}/discussion/new/"' in (
        client.get(f"/films/{film.slug}/discussion/").content.decode()
    )
    form = client.get(f"/films/{film.slug}/discussion/new/").content.decode()
    assert "Start a thread about Quiet Days" in form
    client.post(
        f"/films/{film.slug}/discussion/new/", {"title": "Was it a dream?", "body": "Discuss."}
    )
    thread = Thread.objects.get()
    assert (thread.film, thread.board) == (film, movie_forum)
    assert "Was it a dream?" in client.get(f"/films/{film.slug}/discussion/").content.decode()
    film_page = client.get(film.get_absolute_url()).content.decode()
    assert "Discuss Quiet Days on our Movie forum!" in film_page
    assert "Was it a dream?" in film_page


def test_the_preview_shows_the_rendered_post_and_saves_nothing(client, movie_forum, other):
    logged_in(client, other)
    response = client.post(
        "/forums/movie-forum/new/",
        {"title": "Draft", "body": "Some **bold** words ||and a secret||", "preview": "1"},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "<strong>bold</strong>" in text
    assert 'class="spoiler-text">and a secret</span>' in text
    assert "Some **bold** words ||and a secret||</textarea>" in text  # the text is kept
    assert not Thread.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "", "body": "Text"}, "title", "Give the thread a title."),
        ({"title": "   ", "body": "Text"}, "title", "Give the thread a title."),
        ({"title": "Title", "body": ""}, "body", "Write something to post."),
        ({"title": "Title", "body": " \r\n "}, "body", "Write something to post."),
        ({"title": "x" * 201, "body": "Text"}, "title", "at most 200 characters"),
        ({"title": "Title", "body": "x" * 20001}, "body", "at most 20000 characters"),
    ],
)
def test_bad_threads_get_a_message_and_keep_the_text(
    client, movie_forum, other, data, field, message
):
    logged_in(client, other)
    response = client.post("/forums/movie-forum/new/", data)
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert not Thread.objects.exists()


def test_the_longest_title_and_post_are_taken_and_a_line_break_counts_once(
    client, movie_forum, other
):
    logged_in(client, other)
    body = "x" * 19998 + "\r\n" + "y"  # 20,000 characters as the textarea counts them
    response = client.post("/forums/movie-forum/new/", {"title": "t" * 200, "body": body})
    assert response.status_code == 302
    assert Post.objects.get().body == "x" * 19998 + "\ny"


def test_an_unknown_board_or_film_has_no_new_thread_page(client, other):
    logged_in(client, other)
    assert client.get("/forums/no-such-board/new/").status_code == 404
    assert client.get("/films/no-such-film/discussion/new/").status_code == 404


# Replying and quoting -------------------------------------------------------------------------


def test_a_reply_goes_to_the_end_of_the_thread_and_is_counted(client, thread, other):
    logged_in(client, other)
    response = client.post(f"/forums/threads/{thread.pk}/reply/", {"body": "Not for me."})
    post = Post.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == f"{thread.get_absolute_url()}#post-{post.pk}"
    thread.refresh_from_db()
    assert (thread.reply_count, thread.last_poster) == (1, other)
    assert thread.board.__class__.objects.get(pk=thread.board_id).post_count == 2
    assert ThreadVisit.objects.get(thread=thread, user=other).is_following
    assert "Not for me." in client.get(thread.get_absolute_url()).content.decode()


def test_a_reply_past_the_first_page_is_found_on_its_page(client, thread, other):
    for n in range(25):
        services.reply(thread=thread, author=other, body=f"Reply {n}")
    logged_in(client, other)
    response = client.post(f"/forums/threads/{thread.pk}/reply/", {"body": "Page two."})
    post = Post.objects.latest("pk")
    assert response["Location"] == f"{thread.get_absolute_url()}?page=2#post-{post.pk}"
    assert client.get(f"/forums/posts/{post.pk}/")["Location"] == response["Location"]
    first = thread.posts.earliest("created_at")
    assert client.get(f"/forums/posts/{first.pk}/")["Location"] == (
        f"{thread.get_absolute_url()}#post-{first.pk}"
    )
    assert "Page two." in client.get(f"{thread.get_absolute_url()}?page=2").content.decode()


def test_the_reply_form_is_on_the_thread_page_for_members_only(client, thread, other):
    reply_url = f"/forums/threads/{thread.pk}/reply/"
    assert reply_url not in client.get(thread.get_absolute_url()).content.decode()
    assert "to reply." in client.get(thread.get_absolute_url()).content.decode()
    logged_in(client, other)
    assert f'action="{reply_url}"' in client.get(thread.get_absolute_url()).content.decode()


def test_quoting_opens_the_reply_with_the_quoted_text_and_its_author(client, thread, other):
    first = thread.posts.get()
    services.edit_post(post=first, user=thread.author, body="Line one\n\nLine *two*")
    logged_in(client, other)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert f"/forums/threads/{thread.pk}/reply/?quote={first.pk}" in page
    form = page_text(client.get(f"/forums/threads/{thread.pk}/reply/?quote={first.pk}"))
    expected = (
        f"> [Tess Starter wrote](/forums/posts/{first.pk}/):\n>\n> Line one\n>\n> Line *two*\n"
    )
    assert expected in form
    client.post(f"/forums/threads/{thread.pk}/reply/", {"body": expected + "\nI agree."})
    shown = client.get(thread.get_absolute_url()).content.decode()
    link = f'<a href="/forums/posts/{first.pk}/" rel="nofollow ugc noopener">Tess Starter wrote</a>'
    assert f"<blockquote>\n<p>{link}:</p>" in shown


@pytest.mark.parametrize("quote", ["abc", "-1", "99999999", "", "%C2%B2", "1e3", "9" * 30])
def test_a_bad_quote_parameter_opens_an_empty_reply(client, thread, other, quote):
    logged_in(client, other)
    response = client.get(f"/forums/threads/{thread.pk}/reply/?quote={quote}")
    assert response.status_code == 200
    assert "wrote](" not in response.content.decode()


def test_a_hidden_post_or_one_from_another_thread_is_not_quoted(client, thread, other, moderator):
    hidden = services.reply(thread=thread, author=other, body="Rude words")
    services.set_posts_hidden(posts=[hidden], hidden=True, moderator=moderator)
    elsewhere = services.start_thread(
        board=thread.board, author=other, title="Elsewhere", body="Other words"
    ).posts.get()
    logged_in(client, other)
    for post in (hidden, elsewhere):
        form = page_text(client.get(f"/forums/threads/{thread.pk}/reply/?quote={post.pk}"))
        assert "wrote](" not in form


def test_a_locked_thread_takes_no_replies_and_says_why(client, thread, other):
    services.set_thread_flags(thread=thread, locked=True)
    logged_in(client, other)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "This thread is locked: it takes no new replies." in page
    assert f'action="/forums/threads/{thread.pk}/reply/"' not in page
    form = client.get(f"/forums/threads/{thread.pk}/reply/")
    assert "This thread is locked: it takes no new replies." in form.content.decode()
    response = client.post(f"/forums/threads/{thread.pk}/reply/", {"body": "Let me in"})
    assert response.status_code == 403
    assert "This thread is locked" in response.content.decode()
    assert "readonly>Let me in</textarea>" in response.content.decode()  # to copy, not lose
    assert thread.posts.count() == 1


def test_a_hidden_thread_takes_no_replies(client, thread, other, moderator):
    services.set_posts_hidden(posts=thread.posts.all(), hidden=True, moderator=moderator)
    logged_in(client, thread.author)  # its author still sees it
    response = client.post(f"/forums/threads/{thread.pk}/reply/", {"body": "Hello?"})
    assert response.status_code == 403
    assert "A moderator hid this thread" in response.content.decode()
    logged_in(client, other)
    assert client.post(f"/forums/threads/{thread.pk}/reply/", {"body": "Hi"}).status_code == 404
    assert thread.posts.count() == 1


def test_replying_to_a_missing_thread_is_404(client, other):
    logged_in(client, other)
    assert client.post("/forums/threads/999999/reply/", {"body": "Hi"}).status_code == 404


# Flood control and limits ---------------------------------------------------------------------


def test_flood_control_answers_a_second_post_within_3_seconds_with_429(
    client, thread, other, settings
):
    settings.FORUM_FLOOD_SECONDS = 3
    logged_in(client, other)
    assert client.post(f"/forums/threads/{thread.pk}/reply/", {"body": "One"}).status_code == 302
    response = client.post(f"/forums/threads/{thread.pk}/reply/", {"body": "Two, quickly"})
    assert response.status_code == 429
    assert "wait 3 seconds between posts" in page_text(response)
    assert "Two, quickly</textarea>" in response.content.decode()
    new = client.post("/forums/movie-forum/new/", {"title": "Also quick", "body": "Three"})
    assert new.status_code == 429
    assert thread.posts.count() == 2
    cache.clear()  # the 3 seconds have passed
    assert client.post(f"/forums/threads/{thread.pk}/reply/", {"body": "Two"}).status_code == 302


def test_flood_control_is_per_member(client, thread, other, settings):
    settings.FORUM_FLOOD_SECONDS = 3
    logged_in(client, other)
    assert client.post(f"/forums/threads/{thread.pk}/reply/", {"body": "One"}).status_code == 302
    logged_in(client, MemberFactory())
    assert client.post(f"/forums/threads/{thread.pk}/reply/", {"body": "Two"}).status_code == 302


def test_a_preview_or_a_form_with_errors_is_not_a_post(client, thread, other, settings):
    settings.FORUM_FLOOD_SECONDS = 3
    logged_in(client, other)
    url = f"/forums/threads/{thread.pk}/reply/"
    assert client.post(url, {"body": "Draft", "preview": "1"}).status_code == 200
    assert client.post(url, {"body": ""}).status_code == 200
    assert client.post(url, {"body": "Posted"}).status_code == 302


def test_the_hourly_post_limit_keeps_the_text(client, thread, other, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "post": 2}
    logged_in(client, other)
    for body in ("One", "Two"):
        assert client.post(f"/forums/threads/{thread.pk}/reply/", {"body": body}).status_code == 302
    response = client.post(f"/forums/threads/{thread.pk}/reply/", {"body": "Three"})
    assert response.status_code == 429
    assert "You have posted 2 times in the last hour" in page_text(response)
    assert "Three</textarea>" in response.content.decode()


# Editing --------------------------------------------------------------------------------------


def test_the_author_edits_a_post_and_the_old_text_is_kept(client, thread, other):
    reply = services.reply(thread=thread, author=other, body="Frist!")
    logged_in(client, other)
    form = client.get(f"/forums/posts/{reply.pk}/edit/")
    assert "Frist!</textarea>" in form.content.decode()
    assert 'name="title"' not in form.content.decode()  # only the first post renames
    response = client.post(f"/forums/posts/{reply.pk}/edit/", {"body": "First!"})
    assert response["Location"] == f"{thread.get_absolute_url()}#post-{reply.pk}"
    reply.refresh_from_db()
    assert (reply.body, reply.body_html) == ("First!", "<p>First!</p>\n")
    assert reply.edited_at is not None
    assert PostRevision.objects.get(post=reply).body == "Frist!"
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "(edited" in page
    # Saving the same text again keeps no new revision.
    client.post(f"/forums/posts/{reply.pk}/edit/", {"body": "First!"})
    assert PostRevision.objects.filter(post=reply).count() == 1


def test_editing_the_first_post_can_rename_the_thread(client, thread, author):
    logged_in(client, author)
    first = thread.posts.get()
    form = client.get(f"/forums/posts/{first.pk}/edit/").content.decode()
    assert 'value="Was the ending earned?"' in form
    client.post(
        f"/forums/posts/{first.pk}/edit/", {"title": "Was the ending earned at all?", "body": "No."}
    )
    thread.refresh_from_db()
    assert thread.title == "Was the ending earned at all?"
    assert client.get(thread.get_absolute_url()).status_code == 200
    response = client.post(f"/forums/posts/{first.pk}/edit/", {"title": "", "body": "No."})
    assert "Give the thread a title." in field_error(response, "title")


def test_only_the_author_edits_a_post(client, thread, other, moderator):
    first = thread.posts.get()
    url = f"/forums/posts/{first.pk}/edit/"
    assert client.get(url)["Location"].startswith("/accounts/login/")
    for user in (other, moderator):
        logged_in(client, user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"title": "Mine now", "body": "Mine"}).status_code == 403
    first.refresh_from_db()
    assert first.body == "I think **so**."


def test_a_hidden_post_or_a_locked_thread_cannot_be_edited(client, thread, author, moderator):
    first = thread.posts.get()
    logged_in(client, author)
    services.set_thread_flags(thread=thread, locked=True)
    assert (
        client.post(f"/forums/posts/{first.pk}/edit/", {"title": "T", "body": "B"}).status_code
        == 403
    )
    services.set_thread_flags(thread=thread, locked=False)
    services.set_posts_hidden(posts=[first], hidden=True, moderator=moderator)
    response = client.post(f"/forums/posts/{first.pk}/edit/", {"title": "T", "body": "B"})
    assert response.status_code == 403
    assert "A moderator hid this post" in page_text(response)


# Deleting -------------------------------------------------------------------------------------


def test_the_author_deletes_their_last_post_after_confirming(client, thread, other):
    reply = services.reply(thread=thread, author=other, body="Oops, wrong thread.")
    logged_in(client, other)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert f"/forums/posts/{reply.pk}/delete/" in page
    assert (
        "Your post will be removed"
        in client.get(f"/forums/posts/{reply.pk}/delete/").content.decode()
    )
    response = client.post(f"/forums/posts/{reply.pk}/delete/")
    assert response.status_code == 302
    assert not Post.objects.filter(pk=reply.pk).exists()
    thread.refresh_from_db()
    assert (thread.reply_count, thread.last_poster) == (0, thread.author)


def test_deleting_a_threads_only_post_deletes_the_thread(client, thread, author, movie_forum):
    logged_in(client, author)
    first = thread.posts.get()
    assert "the whole thread" in client.get(f"/forums/posts/{first.pk}/delete/").content.decode()
    response = client.post(f"/forums/posts/{first.pk}/delete/")
    assert response["Location"] == movie_forum.get_absolute_url()
    assert not Thread.objects.exists()
    movie_forum.refresh_from_db()
    assert (movie_forum.thread_count, movie_forum.post_count, movie_forum.last_thread) == (
        0,
        0,
        None,
    )


def test_a_post_with_replies_after_it_cannot_be_deleted(client, thread, author, other):
    services.reply(thread=thread, author=other, body="A reply")
    first = thread.posts.earliest("created_at")
    logged_in(client, author)
    assert (
        f"/forums/posts/{first.pk}/delete/"
        not in client.get(thread.get_absolute_url()).content.decode()
    )
    response = client.post(f"/forums/posts/{first.pk}/delete/")
    assert response.status_code == 403
    assert "has replies after it" in page_text(response)
    assert Post.objects.filter(pk=first.pk).exists()


def test_only_the_author_deletes_a_post(client, thread, other, moderator):
    first = thread.posts.get()
    url = f"/forums/posts/{first.pk}/delete/"
    assert client.post(url)["Location"].startswith("/accounts/login/")
    for user in (other, moderator):
        logged_in(client, user)
        assert client.post(url).status_code == 403
    assert Post.objects.filter(pk=first.pk).exists()


def test_a_thread_locked_while_the_author_edits_refuses_the_edit_and_keeps_the_text(
    client, thread, author, monkeypatch
):
    from forums import views

    first = thread.posts.get()
    logged_in(client, author)
    # The moderator locks the thread between the page's check and the edit's own.
    monkeypatch.setattr(views, "_own_post", lambda request, pk: views._post(request, pk))
    services.set_thread_flags(thread=thread, locked=True)
    response = client.post(
        f"/forums/posts/{first.pk}/edit/", {"title": "New title", "body": "My careful edit"}
    )
    assert response.status_code == 403
    assert "This thread is locked: its posts can no longer be changed." in page_text(response)
    assert "readonly>My careful edit</textarea>" in response.content.decode()
    first.refresh_from_db()
    assert first.body == "I think **so**."


def test_after_renaming_the_thread_the_edit_lands_on_its_new_address(client, thread, author):
    first = thread.posts.get()
    logged_in(client, author)
    response = client.post(f"/forums/posts/{first.pk}/edit/", {"title": "Renamed", "body": "x"})
    assert response["Location"] == f"/forums/movie-forum/{thread.pk}-renamed/#post-{first.pk}"
