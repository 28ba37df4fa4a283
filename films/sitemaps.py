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


class SectionSitemap(Sitemap):
    """A section of the sitemap index, in pages of SITEMAP_PAGE_SIZE URLs."""

    limit = SITEMAP_PAGE_SIZE


class DatedSitemap(SectionSitemap):
    """A section whose items carry the date they last changed, in `lastmod_field`."""

    lastmod_field: str

    def lastmod(self, item) -> datetime.datetime:
        return getattr(item, self.lastmod_field)

    def get_latest_lastmod(self) -> datetime.datetime | None:
        # Sitemap's own version reads every item to find the latest; one aggregate will do.
        return self.items().aggregate(latest=Max(self.lastmod_field))["latest"]


class FilmSitemap(DatedSitemap):
    lastmod_field = "updated_at"

    def items(self) -> QuerySet[Film]:
        return Film.objects.only("slug", "updated_at").order_by("pk")


class PersonSitemap(SectionSitemap):
    def items(self) -> QuerySet[Person]:
        return Person.objects.only("slug").order_by("pk")
