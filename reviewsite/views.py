import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# What a server error shows when even the styled page cannot be made.
PLAIN_500 = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Something went wrong'
    "</title></head><body><h1>Something went wrong on our side</h1><p>We have been told about"
    ' it. Please try again in a moment.</p><p><a href="/">Go to the home page</a></p></body></html>'
)


@never_cache
def ping(request: HttpRequest) -> HttpResponse:
    """The benchmarks' baseline: the least a request can cost through the whole middleware
    stack, with no database and no template (`make bench` compares every page with it)."""
    return HttpResponse("pong", content_type="text/plain")


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for a load balancer: 200 after one round trip to the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """What crawlers may fetch, and where the sitemap is, at the address they were asked on."""
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    return render(request, "robots.txt", {"sitemap_url": sitemap_url}, content_type="text/plain")


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, in the site's look, from the template and static files alone.

    No context processor, query, session or cache is used, as any of them may be what failed.
    If the page still cannot be made (a static file missing from the manifest, say), a plain one
    says the same thing.
    """
    try:
        html = loader.render_to_string("500.html", {"SITE_NAME": settings.SITE_NAME})
    except Exception:
        logger.exception("The 500 page could not be rendered; the plain one was sent")
        html = PLAIN_500
    return HttpResponseServerError(html)
