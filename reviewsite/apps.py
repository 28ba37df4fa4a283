from django.apps import AppConfig
from django.db.backends.signals import connection_created


class ReviewsiteConfig(AppConfig):
    """The project's own wiring: what spans the apps (the visitors' page cache)."""

    name = "reviewsite"
    verbose_name = "Marquee"

    def ready(self) -> None:
        from .pagecache import watch_writes

        connection_created.connect(watch_writes, dispatch_uid="pagecache.watch_writes")
