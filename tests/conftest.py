import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.factories import MemberFactory

# Property tests write to the database: no per-example deadline, no slowness complaint, and no
# example files left in the checkout.
hypothesis_settings.register_profile(
    "site", deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("site")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the transactional tests (the browser tests' live server, the concurrency tests) last.

    They end by emptying every table, rows made by data migrations included (the Movie forum,
    the staff groups), which the other tests rely on. pytest-django orders them last, but then
    pytest groups the tests parametrized for the whole session (per browser) at the front:
    this puts them back, keeping every other order.
    """

    def transactional(item: pytest.Item) -> bool:
        marker = item.get_closest_marker("django_db")
        transaction = marker and marker.kwargs.get("transaction", marker.args[:1] == (True,))
        return bool(transaction) or bool(
            {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
        )

    items.sort(key=transactional)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files (posters, photos, avatars) land in a temporary folder, not the repo."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings):
    """Pages render without `collectstatic`: with debugging off the settings pick whitenoise's
    manifest storage, whose `{% static %}` fails for files no manifest lists."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Hashing passwords for real costs a fraction of a second per member; tests need none."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _page_cache(settings):
    """Visitors' pages, and the film page's shared parts, come from the cache in every test, as
    in production with Redis: a test that changes something and looks again proves the cache
    let the change through."""
    settings.PAGE_CACHE_SECONDS = 600
    settings.FRAGMENT_CACHE_SECONDS = 600


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counts live in the cache: each test starts with a fresh allowance."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def member(db):
    """A signed-up member with no special rights."""
    return MemberFactory(username="mina")


@pytest.fixture
def editor(db):
    """Staff in the Editors group, as the data migration created it."""
    user = MemberFactory(username="edie", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def moderator(db):
    """Staff in the Moderators group, as the data migration created it."""
    user = MemberFactory(username="mo", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def page_queries(client):
    """How many queries a GET of a page makes (it must answer 200)."""

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        return len(queries)

    return count
