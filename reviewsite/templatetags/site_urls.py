from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute_url(context: template.Context, url: str) -> str:
    """`url` as a full address for canonical links and sharing tags: a path gets the request's
    scheme and host; an address that is already full (an upload in object storage) is kept."""
    return context["request"].build_absolute_uri(url)
