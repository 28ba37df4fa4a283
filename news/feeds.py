"""An RSS feed of News & Features."""

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.html import escape

from .models import Article, ArticleQuerySet

FEED_ITEMS = 30


class LatestArticlesFeed(Feed):
    """The latest published articles, newest first: never drafts or scheduled ones."""

    def title(self) -> str:
        return f"News & Features | {settings.SITE_NAME}"

    def link(self) -> str:
        return reverse("news:list")

    def description(self) -> str:
        return f"News and features from {settings.SITE_NAME}."

    def items(self) -> ArticleQuerySet:
        # What an item shows, without the article's body or its author's private fields.
        return (
            Article.objects.published()
            .select_related("author")
            .only(
                "title",
                "slug",
                "lead",
                "published_at",
                "author__username",
                "author__display_name",
                "author__first_name",
                "author__last_name",
            )[:FEED_ITEMS]
        )

    def item_title(self, article: Article) -> str:
        # Readers take a title as HTML, so it is escaped as Feed.item_title escapes by default.
        return escape(article.title)

    def item_description(self, article: Article) -> str:
        return escape(article.lead)

    def item_pubdate(self, article: Article) -> datetime.datetime:
        return article.published_at

    def item_author_name(self, article: Article) -> str | None:
        return article.author.public_name if article.author else None
