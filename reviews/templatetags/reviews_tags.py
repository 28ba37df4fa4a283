import re

from django import template
from django.utils.html import conditional_escape, format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe

from reviewsite.markup import SPOILER_CLOSE, SPOILER_OPEN

register = template.Library()

INLINE_SPOILER = re.compile(r"\|\|(.+?)\|\|")  # within one line, so paragraphs stay whole
SPOILER_HTML = SPOILER_OPEN + "{}" + SPOILER_CLOSE


@register.filter
def with_spoilers(text: str) -> SafeString:
    """Review text as paragraphs, with `||inline spoilers||` hidden until clicked."""
    escaped = str(conditional_escape(text))
    html = INLINE_SPOILER.sub(lambda m: format_html(SPOILER_HTML, mark_safe(m.group(1))), escaped)
    return mark_safe(linebreaks(html, autoescape=False))


@register.filter
def excerpt(text: str, length: int = 300) -> str:
    """The start of a review, cut at a word, never in the middle of an inline spoiler."""
    if len(text) <= length:
        return text
    cut = text[:length]
    if not (text[length].isspace() or cut[-1].isspace()):
        cut = cut.rsplit(None, 1)[0]  # no half words
    if cut.count("||") % 2:
        cut = cut[: cut.rindex("||")]
    return f"{cut.rstrip()}…"


@register.filter
def star_label(rating) -> str:
    """Decimal("3.5") -> "3.5 stars"; Decimal("1.0") -> "1 star"."""
    value = f"{float(rating):g}"
    return f"{value} star" if value == "1" else f"{value} stars"
