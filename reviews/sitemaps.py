"""Sitemap sections for critics' and publications' pages."""

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet

from films.sitemaps import SITEMAP_PAGE_SIZE

from .models import Critic, Publication


class CriticSitemap(Sitemap):
    limit = SITEMAP_PAGE_SIZE

    def items(self) -> QuerySet[Critic]:
        return Critic.objects.only("slug").order_by("pk")


class PublicationSitemap(Sitemap):
    limit = SITEMAP_PAGE_SIZE

    def items(self) -> QuerySet[Publication]:
        return Publication.objects.only("slug").order_by("pk")
