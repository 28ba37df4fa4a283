"""Abuse limits: how often a member, or a visitor's address, may do a thing.

Counts live in the cache, in fixed windows of `RATE_LIMIT_WINDOW` seconds; `RATE_LIMITS` sets
how many of each action a window allows. Going over answers with the "slow down" page and HTTP
429. Set REDIS_URL in production: the local-memory cache counts per server process.
"""

import ipaddress
from collections.abc import Callable
from contextlib import suppress
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def client_ip(request: HttpRequest) -> str:
    """The client's address: the peer's, or the one our PROXY_COUNT proxies forwarded.

    An IPv6 address stands for its /64 network: one subscriber gets a whole /64 and could
    otherwise take a fresh address for every attempt.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if settings.PROXY_COUNT:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= settings.PROXY_COUNT and forwarded[-settings.PROXY_COUNT]:
            address = forwarded[-settings.PROXY_COUNT]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def login_username(request: HttpRequest, credentials: dict | None) -> str:
    """The username django-axes counts failures for: one count whatever its case."""
    source = credentials if credentials is not None else request.POST
    return str(source.get("username", "")).lower()


def _who(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{client_ip(request)}"


def _key(request: HttpRequest, action: str) -> str:
    window = int(timezone.now().timestamp()) // settings.RATE_LIMIT_WINDOW
    return f"ratelimit:{action}:{_who(request)}:{window}"


class Allowance:
    """One use of a member's (or address's) `action` allowance, taken before the work is done.

    Taking first, with the cache's atomic increment, means simultaneous requests cannot all
    slip under the limit; `give_back()` returns the use when the work did not happen.
    """

    def __init__(self, request: HttpRequest, action: str) -> None:
        # Keyed now: signing up logs the new member in, and the use stays the address's.
        self.key = _key(request, action)
        self.limit = settings.RATE_LIMITS[action]
        # add() starts the window's count only if it is not there yet; incr() is atomic.
        cache.add(self.key, 0, timeout=settings.RATE_LIMIT_WINDOW)
        try:
            count = cache.incr(self.key)
        except ValueError:  # the window's key expired between add() and incr()
            cache.set(self.key, 1, timeout=settings.RATE_LIMIT_WINDOW)
            count = 1
        self.granted = count <= self.limit
        if not self.granted:  # a refused request uses nothing up
            self.give_back()

    def give_back(self) -> None:
        with suppress(ValueError):
            cache.decr(self.key)


class Cooldown:
    """A pause of `seconds` a member (or address) waits between two of an `action`.

    Started with the cache's atomic `add`, so two requests at once cannot both pass;
    `cancel()` lifts it when the action did not happen after all.
    """

    def __init__(self, request: HttpRequest, action: str, seconds: int) -> None:
        self.key = f"cooldown:{action}:{_who(request)}"
        self.granted = cache.add(self.key, 1, timeout=seconds)

    def cancel(self) -> None:
        cache.delete(self.key)


def slow_down(request: HttpRequest) -> HttpResponse:
    """The friendly answer to too many actions in a short time."""
    window_minutes = settings.RATE_LIMIT_WINDOW // 60
    return render(request, "429.html", {"window_minutes": window_minutes}, status=429)


def rate_limited(action: str, *, charge_failures: bool = False) -> Callable:
    """Answer POSTs to the view with the "slow down" page once `action`'s limit is used up.

    A POST counts when the view redirects, its answer to a successful form; a form sent back
    with errors to correct gives the use back, unless `charge_failures` (where the failures
    are what the limit is for: guessing passwords, probing for email addresses).
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method != "POST":
                return view(request, *args, **kwargs)
            allowance = Allowance(request, action)
            if not allowance.granted:
                return slow_down(request)
            response = view(request, *args, **kwargs)
            if not charge_failures and response.status_code not in (301, 302, 303):
                allowance.give_back()
            return response

        return wrapper

    return decorator
