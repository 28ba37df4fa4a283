import datetime

from django import template
from django.utils import timezone
from django.utils.timesince import timeuntil

register = template.Library()


@register.filter
def duration(value: datetime.timedelta | None) -> str:
    """A length of time in words, "1 hour" or "15 minutes"; empty when there is none."""
    if not value:
        return ""
    now = timezone.now()
    return timeuntil(now + value, now)
