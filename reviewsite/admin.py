"""What every app's admin shares: the history of bulk actions and image thumbnails."""

from collections.abc import Iterable

from django.contrib import messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.utils import model_ngettext
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest
from django.utils.html import format_html


def record_action(request: HttpRequest, objects: Iterable[Model], message: str) -> int:
    """Write a bulk action into each object's admin history and tell the user; returns how many.

    Actions change rows without their change forms, so the admin would not record them.
    """
    objects = list(objects)
    if not objects:
        messages.warning(request, "Nothing to do: none of the chosen rows needed it.")
        return 0
    LogEntry.objects.log_actions(
        user_id=request.user.pk, queryset=objects, action_flag=CHANGE, change_message=message
    )
    count = len(objects)
    messages.success(request, f"{message}: {count} {model_ngettext(objects[0], count)}.")
    return count


def thumbnail(image: FieldFile, *, alt: str, height: int = 60) -> str:
    """A small preview of an uploaded image for change lists and forms ("—" without one)."""
    if not image:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" height="{}" loading="lazy" class="admin-thumbnail">',
        image.url,
        alt,
        height,
    )
