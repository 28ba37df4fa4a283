"""Reads from a replica when one is configured (DATABASE_REPLICA_URL); writes, and the reads of
anyone who might just have written, from the primary.

A visitor's GET (no session, no pending message: `pagecache.is_visitor`) reads from the replica.
Members read from the primary, so they always see their own review or post at once, whatever the
replica's lag; so do POSTs, management commands and anything outside a request. Pages rendered
for the visitors' page cache read from the primary too: the cache files a page under the
generation that the write's commit started, and a lagging replica could otherwise fill it with
what stood before (see reviewsite/pagecache.py).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"

_replica_allowed: ContextVar[bool] = ContextVar("replica_allowed", default=False)


@contextmanager
def reads_from(*, replica: bool) -> Iterator[None]:
    """Within this block, reads go to the replica (when there is one) or to the primary."""
    token = _replica_allowed.set(replica)
    try:
        yield
    finally:
        _replica_allowed.reset(token)


class PrimaryReplicaRouter:
    """Writes and migrations to the primary ("default"); reads as `reads_from` says."""

    def db_for_read(self, model, **hints) -> str:
        # Inside a transaction on the primary, a read belongs to it (it may follow a write).
        if (
            _replica_allowed.get()
            and REPLICA in settings.DATABASES
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # one database, copied: rows read from either may refer to each other

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """Visitors' GETs read from the replica; every other request from the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from .pagecache import is_visitor

        replica = request.method in ("GET", "HEAD") and is_visitor(request)
        with reads_from(replica=replica):
            return self.get_response(request)
