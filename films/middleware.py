import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from .models import FilmRedirect

FILM_PATH = re.compile(r"^/films/(?P<slug>[-\w]+)/")


class FilmRedirectMiddleware:
    """Answers a 404 under a film's former slug with a permanent redirect to its current one.

    It looks only at 404s under /films/, so the pages that exist pay nothing for it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        match = FILM_PATH.match(request.path_info)
        if not match:
            return response
        redirect = (
            FilmRedirect.objects.filter(old_slug=match["slug"]).select_related("film").first()
        )
        if redirect is None:
            return response
        new_path = request.path.replace(match.group(0), f"/films/{redirect.film.slug}/", 1)
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(new_path + (f"?{query}" if query else ""))
