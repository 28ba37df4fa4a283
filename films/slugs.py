"""Slugs as PRODUCT.md "Pages" gives them: slugify the name, then -2, -3, ... on a collision."""

from django.db import models
from django.utils.text import slugify


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
