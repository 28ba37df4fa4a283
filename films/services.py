"""Writes about films that reach beyond the Film row, each in one transaction."""

from django.db import transaction

from .models import Film, FilmRedirect


@transaction.atomic
def remember_old_slug(*, film: Film, old_slug: str) -> None:
    """After an editor changes a film's slug, send its old address to the new one."""
    if old_slug and old_slug != film.slug:
        FilmRedirect.objects.update_or_create(old_slug=old_slug, defaults={"film": film})
    # A film renamed back to an old slug owns that address again.
    FilmRedirect.objects.filter(old_slug=film.slug).delete()
