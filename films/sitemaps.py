"""Sitemap sections for the site's index pages, films and people."""

import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, QuerySet
from django.urls import reverse

from .models import Film, Person

# URLs a sitemap page lists: few enough that a page renders quickly; the index links the rest.
SITEMAP_PAGE_SIZE = 5000


class StaticViewSitemap(Sitemap):
    """The pages readers start from: home, browse, critics, forums, news."""

    def items(self) -> list[str]:
        return ["home", "films:list", "reviews:critic_list", "forums:index", "news:list"]

    def location(self, item: str) -> str:
        return reverse(item)


class FilmSitemap(Sitemap):
    limit = SITEMAP_PAGE_SIZE

    def items(self) -> QuerySet[Film]:
        return Film.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, film: Film) -> datetime.datetime:
        return film.updated_at

    def get_latest_lastmod(self) -> datetime.datetime | None:
        # Sitemap's own version reads every film to find the latest.
        return Film.objects.aggregate(latest=Max("updated_at"))["latest"]


class PersonSitemap(Sitemap):
    limit = SITEMAP_PAGE_SIZE

    def items(self) -> QuerySet[Person]:
        return Person.objects.only("slug").order_by("pk")
