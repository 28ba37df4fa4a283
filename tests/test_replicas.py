"""Visitors read from the replica; members, writes and everything outside a request from the
primary, so members always read their own writes."""

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse

from films.models import Film
from reviewsite.pagecache import cache_for_visitors
from reviewsite.replicas import PrimaryReplicaRouter, ReplicaReadsMiddleware

router = PrimaryReplicaRouter()


@pytest.fixture
def with_replica(settings):
    """A "replica" alias, as DATABASE_REPLICA_URL makes one (the router only names it)."""
    with pytest.warns(UserWarning, match="Overriding setting DATABASES"):
        settings.DATABASES = {**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}


def read_from(request, view=None) -> str:
    """The database a read of films goes to while the request is answered."""
    seen = []

    def default_view(request):
        seen.append(router.db_for_read(Film))
        return HttpResponse("ok")

    view = view or default_view
    ReplicaReadsMiddleware(view)(request)
    return seen[0]


def test_a_visitors_get_reads_from_the_replica(rf, with_replica):
    assert read_from(rf.get("/films/")) == "replica"
    assert read_from(rf.head("/films/")) == "replica"


@pytest.mark.django_db(transaction=True)
def test_a_read_inside_a_transaction_stays_on_the_primary(rf, with_replica):
    from django.db import transaction

    seen = []

    def view(request):
        seen.append(router.db_for_read(Film))
        with transaction.atomic():
            seen.append(router.db_for_read(Film))
        return HttpResponse("ok")

    ReplicaReadsMiddleware(view)(rf.get("/films/"))
    assert seen == ["replica", "default"]


def test_members_read_their_own_writes_from_the_primary(rf, with_replica, settings):
    request = rf.get("/films/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "a-session"
    assert read_from(request) == "default"


def test_a_visitor_with_a_message_waiting_reads_from_the_primary(rf, with_replica):
    request = rf.get("/films/")
    request.COOKIES[CookieStorage.cookie_name] = "a-message"
    assert read_from(request) == "default"


def test_a_post_reads_from_the_primary(rf, with_replica):
    assert read_from(rf.post("/accounts/login/")) == "default"


def test_a_page_rendered_for_the_page_cache_reads_from_the_primary(rf, with_replica):
    seen = []

    @cache_for_visitors()
    def cached_page(request):
        seen.append(router.db_for_read(Film))
        return HttpResponse("page")

    ReplicaReadsMiddleware(cached_page)(rf.get("/"))
    assert seen == ["default"]


def test_outside_a_request_and_without_a_replica_everything_is_the_primary(rf):
    assert router.db_for_read(Film) == "default"
    assert read_from(rf.get("/films/")) == "default"


def test_writes_and_migrations_go_to_the_primary_only(with_replica):
    assert router.db_for_write(Film) == "default"
    assert router.allow_migrate("default", "films") is True
    assert router.allow_migrate("replica", "films") is False
    assert router.allow_relation(Film(), Film()) is True
