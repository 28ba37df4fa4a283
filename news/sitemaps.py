"""Sitemap section for published articles."""

from films.sitemaps import DatedSitemap

from .models import Article, ArticleQuerySet


class ArticleSitemap(DatedSitemap):
    """Published articles only: drafts and scheduled articles have no public page yet."""

    lastmod_field = "published_at"

    def items(self) -> ArticleQuerySet:
        # Built on each call: published() compares with the time it is called.
        return Article.objects.published().only("slug", "published_at").order_by("pk")
