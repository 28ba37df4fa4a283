"""Sitemap section for published articles."""

import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from films.sitemaps import SITEMAP_PAGE_SIZE

from .models import Article, ArticleQuerySet


class ArticleSitemap(Sitemap):
    """Published articles only: drafts and scheduled articles have no public page yet."""

    limit = SITEMAP_PAGE_SIZE

    def items(self) -> ArticleQuerySet:
        # Built on each call: published() compares with the time it is called.
        return Article.objects.published().only("slug", "published_at").order_by("pk")

    def lastmod(self, article: Article) -> datetime.datetime:
        return article.published_at

    def get_latest_lastmod(self) -> datetime.datetime | None:
        # Sitemap's own version reads every article to find the latest.
        return Article.objects.published().aggregate(latest=Max("published_at"))["latest"]
