"""Whole pages for visitors, kept in the cache until anything on the site changes.

A visitor's film page, home page or browse page is the same for every visitor, so it is rendered
once and then served from the cache (`cache_for_visitors`), without a database query. Each kept
page carries the site's content *generation*, a number in the cache, as it stood when the page
was rendered, and is served only while the generation is still that number (both are read in
one round trip). Every write to a table whose rows visitors see (films, reviews, forums, news,
members' names) moves the generation on, whether it comes from a page, the admin, a command or
a bulk `update()`: the database connection itself watches the statements (`watch_writes`).
From then on no visitor gets a page of an older generation, and the next one renders a fresh
page. A write inside a transaction moves it on at once and again at the commit, so a page
rendered from the data as it stood before the commit never carries the number that follows it.

Members, and visitors with a session or a pending message, are never served from the cache and
their pages are never kept. Visitor pages say `Cache-Control: public, no-cache` with an ETag
(a browser or CDN may keep them but asks each time; the answer is a bodiless 304 while the page is
unchanged) and `Vary: Cookie`; members' pages say `private`.

The cache must be one that every server process shares (Redis, REDIS_URL) for a write in one
process to reach the others: PAGE_CACHE_SECONDS is 0 (off) by default without it.
"""

import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags

from .replicas import reads_from

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
# The tables whose writes do not change what visitors see: who read or follows a thread, who
# found a review helpful (the count is on the review) and the reports to moderators.
PRIVATE_TABLES = frozenset(
    {"forums_threadvisit", "reviews_helpfulvote", "reviews_reviewreport", "forums_postreport"}
)
CONTENT_TABLE = re.compile(r"(?:films|reviews|forums|news)_\w+|accounts_user")
# Every table a statement writes to, wherever the write stands in it (after a WITH or a comment).
WRITES = re.compile(
    r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+[\"`]?(\w+)",
    re.IGNORECASE,
)
# A log-in only stamps the member's last_login, which no page shows.
LOGIN_STAMP = re.compile(r'\s*UPDATE\s+"?accounts_user"?\s+SET\s+"?last_login"?\s*=\s*%s\s+WHERE')

# A bump the cache refused (Redis down): this process starts a new generation as soon as the
# cache answers again, so no page kept before the write is served after it.
_bump_lost = False


def _new_generation() -> int:
    """A generation from the clock: never one that pages were kept under before."""
    return time.time_ns()


def _start_generation() -> int:
    """A cache that lost the generation (restarted, evicted) starts a new one."""
    cache.add(GENERATION_KEY, _new_generation(), timeout=None)
    return cache.get(GENERATION_KEY)


def _recover_lost_bump() -> None:
    """After a write whose bump the cache refused, start a new generation."""
    global _bump_lost
    if _bump_lost:
        cache.set(GENERATION_KEY, _new_generation(), timeout=None)
        _bump_lost = False


def generation() -> int:
    """The content's current generation."""
    _recover_lost_bump()
    current = cache.get(GENERATION_KEY)
    return _start_generation() if current is None else current


def _kept(key: str) -> tuple[int, dict | None]:
    """The current generation and the page kept under `key` while it is current, in one round
    trip to the cache."""
    _recover_lost_bump()
    found = cache.get_many([GENERATION_KEY, key])
    current = found.get(GENERATION_KEY)
    if current is None:
        return _start_generation(), None
    page = found.get(key)
    return current, page if page is not None and page["generation"] == current else None


def content_changed() -> None:
    """Move the generation on: every kept page is out of date. A cache that cannot be reached
    does not fail the write: the next page served starts a new generation."""
    global _bump_lost
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # not in the cache: any new number will do
            cache.add(GENERATION_KEY, _new_generation(), timeout=None)
    except Exception:
        _bump_lost = True
        logger.exception("The page cache's generation could not be moved on")


def changes_content(sql: str) -> bool:
    """Whether a statement writes to a table whose rows visitors see."""
    if LOGIN_STAMP.match(sql):
        return False
    return any(
        table not in PRIVATE_TABLES and CONTENT_TABLE.fullmatch(table)
        for table in (name.lower() for name in WRITES.findall(sql))
    )


def _on_write(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if changes_content(sql):
        connection = context["connection"]
        content_changed()
        if connection.in_atomic_block:
            transaction.on_commit(content_changed, using=connection.alias)
    return result


def watch_writes(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: watch every statement of the new connection. First in
    the list, so that a `connection.execute_wrapper()` block, which removes the last wrapper
    when it ends, never removes this one."""
    if _on_write not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _on_write)


def is_visitor(request: HttpRequest) -> bool:
    """No session and no pending message: the page is the one every visitor gets."""
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def _key(request: HttpRequest, params: dict[str, set[str]] | None) -> str | None:
    """The page's key, or None when its query is not one of the page's own: any other
    parameter or value would put what the visitor typed (it is in the log-in link's `next`)
    before every other visitor, and let anyone fill the cache with endless variants."""
    if params is not None and any(
        name not in params or request.GET.getlist(name) not in ([v] for v in params[name])
        for name in request.GET
    ):
        return None
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"pagecache:page:{hashlib.sha256(address.encode()).hexdigest()}"


def _etag_matches(request: HttpRequest, etag: str) -> bool:
    """If-None-Match, compared weakly as HTTP asks: W/"x" (from a compressing proxy) is "x"."""
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    return "*" in wanted or etag in (tag.removeprefix("W/") for tag in wanted)


def _visitor_headers(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    patch_cache_control(response, public=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def _keepable(request: HttpRequest, response: HttpResponse) -> bool:
    """A plain 200 that set no cookie and holds no CSRF token (its cookie would not follow)."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in response.get("Cache-Control", "")
    )


def cache_for_visitors(params: dict[str, set[str]] | None = None) -> Callable:
    """Serve a GET view's page to visitors from the cache (see the module's description).

    `params` maps each query parameter the page takes to its values; a request with any other
    is rendered and not kept. None keeps any query: for a view that answers 200 only to its
    one canonical form of a query and redirects every other.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in ("GET", "HEAD") or not is_visitor(request):
                return view(request, *args, **kwargs)
            seconds = settings.PAGE_CACHE_SECONDS
            key = _key(request, params) if seconds > 0 else None
            current, kept = None, None
            if key:
                try:
                    current, kept = _kept(key)
                except Exception:  # the cache is down: render as if it were off
                    logger.exception("The page cache could not be read")
                    key = None
            if kept is None:
                with reads_from(replica=False):  # a lagging replica must not fill the cache
                    response = view(request, *args, **kwargs)
                if not _keepable(request, response):
                    return response
                digest = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
                kept = {
                    # The generation read before rendering: a write committed meanwhile has
                    # moved it on, and this page is then out of date at once.
                    "generation": current,
                    "content": response.content,
                    "content_type": response["Content-Type"],
                    "etag": f'"{digest}"',
                }
                if key:
                    try:
                        cache.set(key, kept, timeout=seconds)
                    except Exception:
                        logger.exception("The page cache could not keep a page")
            if _etag_matches(request, kept["etag"]):
                return _visitor_headers(HttpResponseNotModified(), kept["etag"])
            response = HttpResponse(kept["content"], content_type=kept["content_type"])
            return _visitor_headers(response, kept["etag"])

        return wrapper

    return decorator


@contextmanager
def fragments(request: HttpRequest) -> Iterator[dict]:
    """Render a page whose shared parts come from the fragment cache: yields the context its
    `{% cache fragment_seconds name ... generation using=fragment_cache %}` tags need.

    A fragment is kept under the content generation read here, before any of its data, so it
    goes out of date with the next write, as a kept page does; and while the block runs, reads
    go to the primary, so that no fragment is kept from a replica that has not yet caught up.
    """
    current = None
    if seconds := settings.FRAGMENT_CACHE_SECONDS:
        try:
            current = generation()
        except Exception:  # the cache is down: render every part
            logger.exception("The fragment cache's generation could not be read")
    if current is None:
        yield {"fragment_seconds": 0, "fragment_cache": "no_fragments", "generation": 0}
        return
    with reads_from(replica=False):
        yield {"fragment_seconds": seconds, "fragment_cache": "fragments", "generation": current}
