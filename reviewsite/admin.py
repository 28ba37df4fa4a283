"""What every app's admin shares: the history of bulk actions, image thumbnails, CSV import
and export, and reading a number from a URL."""

from collections.abc import Iterable

from django import forms
from django.contrib import messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.admin.utils import model_ngettext
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest
from django.utils.html import format_html
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV
from import_export.forms import SelectableFieldsExportForm
from import_export.results import RowResult


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
        '<img src="{}" alt="{}" height="{}" loading="lazy">',
        image.url,
        alt,
        height,
    )


def is_number(value: str | None) -> bool:
    """Whether a query-string value is a plain number int() reads ("²" is a digit, not one)."""
    return bool(value) and value.isascii() and value.isdigit()


class ExportForm(SelectableFieldsExportForm):
    """The export form, with its "Select all" box working under the site's CSP."""

    @property
    def media(self) -> forms.Media:
        return super().media + forms.Media(js=["js/admin/export-select-all.js"])


class CSVImportExportMixin(ImportExportMixin):
    """Editors import rows from CSV (with a preview of each row's errors before anything is
    saved) and export the list, filtered as it shows, to CSV."""

    formats = [CSV]
    export_form_class = ExportForm
    import_history = {
        RowResult.IMPORT_TYPE_NEW: (ADDITION, "Added by a CSV import"),
        RowResult.IMPORT_TYPE_UPDATE: (CHANGE, "Changed by a CSV import"),
    }

    def import_action(self, request, **kwargs):
        # The page lists the columns an import reads: not those exported only (stored scores).
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        if "fields_list" in context:
            resources = self.get_import_resource_classes(request)
            context["fields_list"] = [
                (name, [f.column_name for f in resource().get_import_fields() if not f.readonly])
                for (name, _), resource in zip(context["fields_list"], resources, strict=False)
            ]
        return response

    def has_import_permission(self, request) -> bool:
        # An import adds rows and changes others.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def generate_log_entries(self, result, request) -> None:
        if self.get_skip_admin_log():
            return
        for import_type, (flag, message) in self.import_history.items():
            if rows := [row.instance for row in result.rows if row.import_type == import_type]:
                LogEntry.objects.log_actions(
                    user_id=request.user.pk, queryset=rows, action_flag=flag, change_message=message
                )
