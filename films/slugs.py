"""Slugs as PRODUCT.md "Pages" gives them: slugify the name, then -2, -3, ... on a collision."""

from django.db import IntegrityError, models, router, transaction
from django.utils.text import slugify

SAVE_ATTEMPTS = 3


def unique_slug(instance: models.Model, text: str, *, field: str = "slug") -> str:
    """A slug for `instance` made from `text`, unique among its model's rows."""
    max_length = instance._meta.get_field(field).max_length
    base = slugify(text)[: max_length - 6].strip("-") or "item"
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    taken = set(others.filter(**{f"{field}__startswith": base}).values_list(field, flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


class AutoSlugMixin:
    """Fills an empty `slug` from `slug_text()` when the row is saved.

    Two rows with the same name saved at the same moment can pick the same free slug; the
    database's unique constraint refuses the second, which then takes the next free one.
    """

    def slug_text(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.slug:
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        for attempt in range(1, SAVE_ATTEMPTS + 1):
            self.slug = unique_slug(self, self.slug_text())
            try:
                with transaction.atomic(using=using):
                    return super().save(*args, **kwargs)
            except IntegrityError:
                slug_taken = type(self)._default_manager.filter(slug=self.slug).exists()
                if attempt == SAVE_ATTEMPTS or not slug_taken:
                    self.slug = ""
                    raise
        return None
