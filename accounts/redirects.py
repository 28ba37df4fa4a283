from urllib.parse import urlsplit

from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme

# Pages that only make sense on the way in or out: going "back" to one after logging in or
# signing up would loop (log in again) or fail (log out is a POST).
NOT_DESTINATIONS = {
    "login",
    "logout",
    "signup",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}


def next_url(request: HttpRequest, default: str) -> str:
    """The `next` page the request names (POST first, then GET) if it is ours, else `default`.

    Never another site's address: `next` comes from the request, so anyone can write a link
    with it. Nor the log-in, sign-up or password-reset pages themselves.
    """
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return default
    if not candidate.startswith("/") and not urlsplit(candidate).netloc:
        # A relative address, or a bare word that redirect() would take for a view's name.
        return default
    try:
        match = resolve(urlsplit(candidate).path)
    except Resolver404:
        return candidate  # a page that may have moved: the 404 or redirect there will say
    if match.namespace == "accounts" and match.url_name in NOT_DESTINATIONS:
        return default
    return candidate
