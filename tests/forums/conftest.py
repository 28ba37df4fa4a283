import pytest

from forums import services
from forums.models import MOVIE_FORUM_SLUG, Board
from tests.factories import MemberFactory


@pytest.fixture(autouse=True)
def _no_flood_wait(settings):
    """Tests post in quick succession; the flood-control test sets the wait back itself."""
    settings.FORUM_FLOOD_SECONDS = 0


@pytest.fixture
def movie_forum(db) -> Board:
    return Board.objects.get(slug=MOVIE_FORUM_SLUG)


@pytest.fixture
def author(db):
    """The member who started the `thread` fixture."""
    return MemberFactory(username="tess", display_name="Tess Starter")


@pytest.fixture
def other(db):
    """Another member, with no part in the thread yet."""
    return MemberFactory(username="otto")


@pytest.fixture
def thread(movie_forum, author):
    """A thread with its opening post, made as the site makes it."""
    return services.start_thread(
        board=movie_forum, author=author, title="Was the ending earned?", body="I think **so**."
    )


def logged_in(client, user):
    client.force_login(user)
    return client
