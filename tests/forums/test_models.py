"""Board, Thread, Post, and the other models with pages: names and URLs."""

import pytest
from django.db import IntegrityError, transaction

from forums.models import MOVIE_FORUM_SLUG, Board, Post, Thread
from tests.factories import (
    ArticleFactory,
    BoardFactory,
    MemberFactory,
    PostFactory,
    ThreadFactory,
)

pytestmark = pytest.mark.django_db


def test_a_board_is_named_and_has_a_page():
    board = BoardFactory(name="Off Topic")

    assert str(board) == "Off Topic"
    assert board.get_absolute_url() == "/forums/off-topic/"


def test_a_thread_is_named_by_its_title_and_its_url_carries_board_id_and_slug():
    board = Board.objects.get(slug=MOVIE_FORUM_SLUG)
    thread = ThreadFactory(board=board, title="Was the ending earned?")

    assert str(thread) == "Was the ending earned?"
    assert thread.get_absolute_url() == f"/forums/movie-forum/{thread.pk}-was-the-ending-earned/"


def test_a_thread_title_without_letters_still_has_a_url():
    thread = ThreadFactory(title="???")

    assert thread.get_absolute_url().endswith(f"/{thread.pk}-thread/")


def test_a_post_is_named_by_its_thread():
    post = PostFactory(thread=ThreadFactory(title="Favourite scene"))

    assert str(post) == f"Post {post.pk} in Favourite scene"


def test_threads_list_pinned_first_then_latest_activity():
    board = BoardFactory()
    old = ThreadFactory(board=board)
    new = ThreadFactory(board=board)
    Thread.objects.filter(pk=old.pk).update(last_posted_at=new.last_posted_at.replace(year=2001))
    pinned = ThreadFactory(board=board, is_pinned=True)
    Thread.objects.filter(pk=pinned.pk).update(last_posted_at=new.last_posted_at.replace(year=2000))

    assert list(Thread.objects.filter(board=board).for_listing()) == [pinned, new, old]


def test_an_article_is_named_by_its_title_and_has_a_page():
    article = ArticleFactory(title="Ten films to see this autumn")

    assert str(article) == "Ten films to see this autumn"
    assert article.get_absolute_url() == "/news/ten-films-to-see-this-autumn/"


def test_a_member_is_named_by_username_and_has_a_public_profile():
    member = MemberFactory(username="mina")

    assert str(member) == "mina"
    assert member.get_absolute_url() == "/users/mina/"


def test_a_members_public_name_prefers_display_name_then_full_name():
    assert MemberFactory(username="a", display_name="Mina K.").public_name == "Mina K."
    assert MemberFactory(username="b", first_name="Mina", last_name="Kay").public_name == "Mina Kay"
    assert MemberFactory(username="c").public_name == "c"


def test_a_post_over_20000_characters_is_rejected():
    thread = ThreadFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(thread=thread, body="x" * 20001)
    Post.objects.create(thread=thread, body="x" * 20000)
