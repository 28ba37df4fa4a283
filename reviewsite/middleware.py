from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from .pagecache import is_visitor


class PrivatePagesMiddleware:
    """A member's page (or one showing a visitor's message) is theirs alone: it says
    `Cache-Control: private`, so no proxy or CDN keeps it for anyone else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_visitor(request):
            patch_cache_control(response, private=True)
        return response
