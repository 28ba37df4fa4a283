"""Forum pages as they stand before posting arrives: board index, board, thread, discussion."""

import pytest

from forums.models import Board
from forums.services import synchronize_thread
from tests.factories import FilmFactory, PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def test_board_index_lists_the_movie_forum_with_counts(client):
    thread = ThreadFactory(board=Board.objects.get(slug="movie-forum"))
    PostFactory(thread=thread)
    html = client.get("/forums/").content.decode()
    assert "Movie forum" in html


def test_board_lists_threads_and_thread_shows_posts(client):
    board = Board.objects.get(slug="movie-forum")
    thread = ThreadFactory(board=board, title="Best heist films?")
    PostFactory(thread=thread, body="Rififi, obviously.")
    PostFactory(thread=thread, body="<b>Heat</b>")
    synchronize_thread(thread=thread)
    assert "Best heist films?" in client.get(board.get_absolute_url()).content.decode()
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "Rififi, obviously." in html
    assert "&lt;b&gt;Heat&lt;/b&gt;" in html


def test_a_thread_url_with_an_old_slug_redirects(client):
    thread = ThreadFactory(title="New title")
    response = client.get(f"/forums/{thread.board.slug}/{thread.pk}-old-title/")
    assert response.status_code == 301
    assert response["Location"] == thread.get_absolute_url()


def test_film_discussion_has_an_empty_state_then_lists_threads(client):
    film = FilmFactory(title="Quiet Days")
    url = f"/films/{film.slug}/discussion/"
    assert "Nobody has started a discussion about Quiet Days yet." in (
        client.get(url).content.decode()
    )
    ThreadFactory(film=film, title="Was the ending a dream?")
    assert "Was the ending a dream?" in client.get(url).content.decode()


def test_unknown_board_and_thread_are_404(client):
    assert client.get("/forums/no-such-board/").status_code == 404
    assert client.get("/forums/movie-forum/999999-nothing/").status_code == 404
