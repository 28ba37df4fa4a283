"""Abuse limits: how often a member, or a visitor's address, may do a thing.

Counts live in the cache (Redis in production, so every server process shares them), in fixed
windows of `RATE_LIMIT_WINDOW` seconds; `RATE_LIMITS` sets how many of each action a window
allows. Going over answers with the "slow down" page and HTTP 429.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def client_ip(request: HttpRequest) -> str:
    """The client's address: the peer's, or the one our PROXY_COUNT proxies forwarded."""
    if settings.PROXY_COUNT:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= settings.PROXY_COUNT and forwarded[-settings.PROXY_COUNT]:
            return forwarded[-settings.PROXY_COUNT]
    return request.META.get("REMOTE_ADDR", "")


def _who(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{client_ip(request)}"


def _key(request: HttpRequest, action: str) -> str:
    window = int(timezone.now().timestamp()) // settings.RATE_LIMIT_WINDOW
    return f"ratelimit:{action}:{_who(request)}:{window}"


def limit_reached(request: HttpRequest, action: str) -> bool:
    """Whether this member (or address) has used up this window's `action`s."""
    return cache.get(_key(request, action), 0) >= settings.RATE_LIMITS[action]


def count_action(request: HttpRequest, action: str) -> None:
    """Count one `action` by this member (or address) in the current window."""
    _count(_key(request, action))


def _count(key: str) -> None:
    # add() starts the window's count only if it is not there yet; incr() is atomic on Redis.
    cache.add(key, 0, timeout=settings.RATE_LIMIT_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # the window's key expired between add() and incr()
        cache.set(key, 1, timeout=settings.RATE_LIMIT_WINDOW)


def slow_down(request: HttpRequest) -> HttpResponse:
    """The friendly answer to too many actions in a short time."""
    window_minutes = settings.RATE_LIMIT_WINDOW // 60
    return render(request, "429.html", {"window_minutes": window_minutes}, status=429)


def rate_limited(action: str) -> Callable:
    """Answer POSTs to the view with the "slow down" page once `action`'s limit is used up.

    A POST counts when the view redirects, its answer to a successful form; a form sent back
    with errors to correct does not use up the member's allowance.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method != "POST":
                return view(request, *args, **kwargs)
            if limit_reached(request, action):
                return slow_down(request)
            # Whose allowance it is, taken before the view runs: signing up logs the new
            # member in, and their count must stay the visitor's address's.
            key = _key(request, action)
            response = view(request, *args, **kwargs)
            if response.status_code in (301, 302, 303):
                _count(key)
            return response

        return wrapper

    return decorator
