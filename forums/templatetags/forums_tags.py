from django import template
from django.utils.text import Truncator

from reviews.templatetags.reviews_tags import INLINE_SPOILER

register = template.Library()


@register.filter
def post_excerpt(body: str, length: int = 300) -> str:
    """A post's Markdown as a short plain excerpt, its `||spoilers||` still hidden."""
    return Truncator(INLINE_SPOILER.sub("[spoiler]", body)).chars(length)
