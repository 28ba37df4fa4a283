"""Sitemap sections for the forum's boards and the threads anyone can read."""

from django.db.models import QuerySet

from films.sitemaps import DatedSitemap, SectionSitemap

from .models import Board, Thread, ThreadQuerySet


class BoardSitemap(SectionSitemap):
    def items(self) -> QuerySet[Board]:
        return Board.objects.only("slug").order_by("order", "name", "pk")


class ThreadSitemap(DatedSitemap):
    """Visible threads only: a thread a moderator hid never appears."""

    lastmod_field = "last_posted_at"

    def items(self) -> ThreadQuerySet:
        # A thread's address holds its board's slug and its title.
        return (
            Thread.objects.visible()
            .select_related("board")
            .only("title", "last_posted_at", "board__slug")
            .order_by("pk")
        )
