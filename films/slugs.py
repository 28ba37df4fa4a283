"""Slugs as PRODUCT.md "Pages" gives them: slugify the name, then -2, -3, ... on a collision."""

from django.db import IntegrityError, models, router, transaction
from django.utils.text import slugify

SAVE_ATTEMPTS = 3


def slug_base(model: type[models.Model], text: str, *, field: str = "slug") -> str:
    """`text` slugified, short enough for the field to take a "-NNNNN" suffix."""
    max_length = model._meta.get_field(field).max_length
    return slugify(text)[: max_length - 6].strip("-") or "item"


def free_slug(base: str, taken: set[str]) -> str:
    """`base`, or the first of `base-2`, `base-3`, ... that is not taken."""
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def unique_slug(instance: models.Model, text: str, *, field: str = "slug") -> str:
    """A slug for `instance` made from `text`, unique among its model's rows."""
    base = slug_base(type(instance), text, field=field)
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    taken = set(others.filter(**{f"{field}__startswith": base}).values_list(field, flat=True))
    return free_slug(base, taken)


def unique_slugs(model: type[models.Model], texts: list[str], *, field: str = "slug") -> list[str]:
    """Slugs for new rows of `model` made from `texts`, unique among its rows and each other.

    For `bulk_create`, which bypasses `AutoSlugMixin.save()`: the taken slugs are read once.
    """
    taken = set(model._default_manager.values_list(field, flat=True))
    slugs = []
    for text in texts:
        slug = free_slug(slug_base(model, text, field=field), taken)
        taken.add(slug)
        slugs.append(slug)
    return slugs


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
