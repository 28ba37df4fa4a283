"""Admin helpers for tests: an object's history, a change form saved as it stands, and the CSV
import driven as an editor does it (upload, read the preview, confirm)."""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.forms import MultiWidget
from django.test import Client
from django.urls import reverse


def history(obj: Model) -> list[str]:
    """The change messages of the object's admin history, oldest first."""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).order_by("action_time", "pk")
    return [entry.get_change_message() for entry in entries]


def preview_import(client: Client, label: str, csv_text: str):
    """Upload `csv_text` to the import page of `label` ("films_film"); the preview answers."""
    upload = SimpleUploadedFile("rows.csv", csv_text.encode(), content_type="text/csv")
    response = client.post(reverse(f"admin:{label}_import"), {"format": "0", "import_file": upload})
    assert response.status_code == 200
    return response


def confirm_import(client: Client, label: str, preview):
    """Confirm the import the preview offered (it offers it only when no row has an error)."""
    form = preview.context["confirm_form"]
    assert form is not None, "the preview refused the import"
    data = {name: form.initial.get(name, "") for name in form.fields}
    return client.post(reverse(f"admin:{label}_process_import"), data)


def row_errors(preview) -> dict[int, str]:
    """Each refused row's errors, by its number in the file (1 is the first row of data)."""
    result = preview.context["result"]
    # Each bad row in the preview's table, not an exception that stops the preview.
    assert not result.has_errors(), result.row_errors()
    errors = {
        row.number: " ".join(str(m) for messages in row.error_dict.values() for m in messages)
        for row in result.invalid_rows
    }
    return errors


def change_form_data(response) -> dict:
    """What the browser posts when someone saves the change form as it stands."""
    data = {"_save": "Save"}

    def add(form) -> None:
        for name, field in form.fields.items():
            value, key = form[name].value(), form.add_prefix(name)
            if isinstance(field.widget, MultiWidget):
                parts = field.widget.decompress(value)
                data.update({f"{key}_{i}": part for i, part in enumerate(parts) if part})
            elif value is None or value is False or isinstance(value, FieldFile) or value == "":
                continue
            elif value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            else:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        prefix = formset.prefix
        forms = formset.initial_forms
        data[f"{prefix}-TOTAL_FORMS"] = str(len(forms))
        data[f"{prefix}-INITIAL_FORMS"] = str(len(forms))
        for form in forms:
            add(form)
    return data
