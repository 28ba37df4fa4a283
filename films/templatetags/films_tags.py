from django import template

register = template.Library()


@register.filter
def runtime(minutes: int | None) -> str:
    """118 -> "1h 58m"."""
    if not minutes:
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h {rest}m" if rest else f"{hours}h"


@register.simple_tag
def elided_pages(page) -> list:
    """Page numbers around the current page, with ellipses, for the pagination bar."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
