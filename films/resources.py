"""The films' CSV columns, for the editors' import and export in the admin.

A row finds its film by `slug`, or without one by title and year; otherwise it adds a film.
A blank cell leaves the film's value as it is (clearing one is the change form's job), so a file
of a few columns never wipes the others. Every value is checked before anything is saved, and
the admin shows each row's errors in its preview; the films imported are rescored at the end (a
release type changes Acclaimed).
"""

from django.core.exceptions import ValidationError
from django.db.models import Model
from import_export import fields, resources, widgets

from reviews.scores import refresh_scores

from .models import Film, Genre


def is_blank(value) -> bool:
    return value is None or str(value).strip() == ""


class BlankKeepsResource(resources.ModelResource):
    """A row's blank cells leave the values as they are (a new row's: the model's defaults)."""

    def import_field(self, field, instance, row, is_m2m=False, **kwargs) -> None:
        if not is_blank(row.get(field.column_name)):
            super().import_field(field, instance, row, is_m2m, **kwargs)


class StrictBooleanWidget(widgets.BooleanWidget):
    """Yes or no, written 1/0, true/false or yes/no: anything else is an error, not a no."""

    VALUES = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}

    def clean(self, value, row=None, **kwargs) -> bool | None:
        if is_blank(value):
            return None
        text = str(value).strip().casefold()
        if text not in self.VALUES:
            raise ValueError(f"“{value}” is not yes or no: write 1 or 0.")
        return self.VALUES[text]


class ChoiceWidget(widgets.Widget):
    """A choice written as its value or its label, in any case; exported as its value."""

    def __init__(self, choices, **kwargs) -> None:
        super().__init__(**kwargs)
        self.choices = choices

    def clean(self, value, row=None, **kwargs) -> str:
        text = str(value or "").strip()
        if not text:
            return ""
        for choice, label in self.choices:
            if text.casefold() in (choice.casefold(), str(label).casefold()):
                return choice
        allowed = ", ".join(str(label) for choice, label in self.choices if choice)
        raise ValueError(f"“{text}” is not one of: {allowed}.")

    def render(self, value, obj=None, **kwargs) -> str:
        return value or ""


class ISODateWidget(widgets.DateWidget):
    """A date written as YYYY-MM-DD, the one form no spreadsheet reads two ways."""

    def __init__(self, **kwargs) -> None:
        super().__init__("%Y-%m-%d", **kwargs)

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            raise ValueError(f"“{value}” is not a date: write it as YYYY-MM-DD.") from None


class NamedObjectWidget(widgets.Widget):
    """A related row written by its slug or its name; exported as `render_field`."""

    def __init__(self, model: type[Model], *, name_field: str, render_field: str, **kwargs):
        super().__init__(**kwargs)
        self.model, self.name_field, self.render_field = model, name_field, render_field

    def clean(self, value, row=None, **kwargs) -> Model | None:
        text = str(value or "").strip()
        if not text:
            return None
        rows = self.model._default_manager
        found = rows.filter(slug=text).first()
        if found is None:
            named = list(rows.filter(**{f"{self.name_field}__iexact": text})[:2])
            kind = self.model._meta.verbose_name
            if not named:
                raise ValueError(f"No {kind} is called “{text}”: add it in the admin first.")
            if len(named) > 1:
                raise ValueError(f"More than one {kind} is called “{text}”: give its slug.")
            found = named[0]
        return found

    def render(self, value, obj=None, **kwargs) -> str:
        return getattr(value, self.render_field) if value else ""


class GenresWidget(widgets.ManyToManyWidget):
    """Genres by name, separated by commas or "|"; a name we do not have is an error."""

    def __init__(self) -> None:
        super().__init__(Genre, separator=", ", field="name")

    def clean(self, value, row=None, **kwargs) -> list[Genre]:
        names = [n.strip() for n in str(value or "").replace("|", ",").split(",") if n.strip()]
        genres = {g.name.casefold(): g for g in Genre.objects.all()}
        unknown = [name for name in names if name.casefold() not in genres]
        if unknown:
            raise ValueError(
                f"Unknown genre: {', '.join(unknown)}. The genres are: "
                f"{', '.join(g.name for g in genres.values())}."
            )
        return [genres[name.casefold()] for name in names]


def choice_field(name: str, choices) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=ChoiceWidget(choices))


def stored_field(name: str) -> fields.Field:
    """A stored score: exported with the films, never imported (the reviews make it)."""
    return fields.Field(attribute=name, column_name=name, readonly=True)


class FilmResource(BlankKeepsResource):
    genres = fields.Field(attribute="genres", column_name="genres", widget=GenresWidget())
    rating = choice_field("rating", Film.Rating.choices)
    release_type = choice_field("release_type", Film.ReleaseType.choices)
    acclaimed_override = choice_field("acclaimed_override", Film.AcclaimedOverride.choices)
    release_date = fields.Field(
        attribute="release_date", column_name="release_date", widget=ISODateWidget()
    )
    critics_score = stored_field("critics_score")
    audience_score = stored_field("audience_score")
    critic_review_count = stored_field("critic_review_count")
    audience_rating_count = stored_field("audience_rating_count")

    class Meta:
        model = Film
        fields = (
            "slug",
            "title",
            "year",
            "genres",
            "release_date",
            "release_type",
            "rating",
            "runtime",
            "studio",
            "synopsis",
            "consensus",
            "acclaimed_override",
            "imdb_id",
            "tmdb_id",
            "critics_score",
            "audience_score",
            "critic_review_count",
            "audience_rating_count",
        )
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return Film.objects.prefetch_related("genres")

    def get_instance(self, instance_loader, row) -> Film | None:
        slug = str(row.get("slug") or "").strip()
        if slug:
            return Film.objects.filter(slug=slug).first()
        title = str(row.get("title") or "").strip()
        try:
            year = widgets.IntegerWidget().clean(row.get("year"))  # "1994.0" from a spreadsheet
        except ValueError:
            return None  # the row's own errors say why
        if not title:
            return None
        return Film.objects.filter(title__iexact=title, year=year).first()

    def import_instance(self, instance, row, **kwargs) -> None:
        # Genres are saved after the film, where a bad name would stop the whole preview with
        # an exception: check them with the row's other values so the row shows its errors.
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "genres" in row:
            try:
                self.fields["genres"].clean(row)
            except ValueError as error:
                errors["genres"] = [str(error)]
        if errors:
            raise ValidationError(errors)

    def after_import(self, dataset, result, **kwargs) -> None:
        super().after_import(dataset, result, **kwargs)
        if not kwargs.get("dry_run"):
            refresh_scores(film_ids=[row.object_id for row in result.valid_rows()])
