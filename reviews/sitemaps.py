"""Sitemap sections for critics' and publications' pages."""

from django.db.models import QuerySet

from films.sitemaps import SectionSitemap

from .models import Critic, Publication


class CriticSitemap(SectionSitemap):
    def items(self) -> QuerySet[Critic]:
        return Critic.objects.only("slug").order_by("pk")


class PublicationSitemap(SectionSitemap):
    def items(self) -> QuerySet[Publication]:
        return Publication.objects.only("slug").order_by("pk")
