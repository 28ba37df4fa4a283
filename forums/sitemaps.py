"""Sitemap sections for the forum's boards and the threads anyone can read."""

import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, QuerySet

from films.sitemaps import SITEMAP_PAGE_SIZE

from .models import Board, Thread, ThreadQuerySet


class BoardSitemap(Sitemap):
    limit = SITEMAP_PAGE_SIZE

    def items(self) -> QuerySet[Board]:
        return Board.objects.only("slug").order_by("order", "name", "pk")


class ThreadSitemap(Sitemap):
    """Visible threads only: a thread a moderator hid never appears."""

    limit = SITEMAP_PAGE_SIZE

    def items(self) -> ThreadQuerySet:
        # A thread's address holds its board's slug and its title.
        return (
            Thread.objects.visible()
            .select_related("board")
            .only("title", "last_posted_at", "board__slug")
            .order_by("pk")
        )

    def lastmod(self, thread: Thread) -> datetime.datetime:
        return thread.last_posted_at

    def get_latest_lastmod(self) -> datetime.datetime | None:
        # Sitemap's own version reads every thread to find the latest.
        return Thread.objects.visible().aggregate(latest=Max("last_posted_at"))["latest"]
