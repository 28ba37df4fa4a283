from typing import NamedTuple
from urllib.parse import urlencode

from django import forms
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property

from .models import Film, Genre, ReleaseType

FIRST_YEAR, LAST_YEAR = 1870, 2100  # as the film_year_plausible constraint allows


class Sort(NamedTuple):
    label: str  # in the sort menu
    phrase: str  # in the page's lead: "12 films, best Critics Score first."
    ordering: list


# The browse page's sorts by URL value. Scores sort unscored films last.
SORTS = {
    "newest": Sort(
        "Newest",
        "newest first",
        [F("release_date").desc(nulls_last=True), F("year").desc(nulls_last=True), "title", "pk"],
    ),
    "critics": Sort(
        "Critics Score",
        "best Critics Score first",
        [F("critics_score").desc(nulls_last=True), "-critic_classified_count", "title", "pk"],
    ),
    "audience": Sort(
        "Audience Score",
        "best Audience Score first",
        [F("audience_score").desc(nulls_last=True), "-audience_rating_count", "title", "pk"],
    ),
    "reviews": Sort(
        "Most reviewed",
        "most reviewed (by critics and audiences) first",
        [(F("critic_review_count") + F("audience_rating_count")).desc(), "title", "pk"],
    ),
    "title": Sort("Title", "by title", ["title", "year", "pk"]),
}
DEFAULT_SORT = "newest"


def decade_choices() -> list[tuple[str, str]]:
    last = timezone.localdate().year // 10 * 10
    return [(str(d), f"{d}s") for d in range(last, FIRST_YEAR - 10, -10)]


class BrowseForm(forms.Form):
    """The browse page's filters and sort, read from the query string.

    A value that does not validate is dropped, never an error: a shared or hand-edited URL still
    shows films. The order of the fields is the order of the parameters in a clean URL.
    """

    genre = forms.ChoiceField(required=False, widget=forms.Select(attrs={"class": "form-select"}))
    decade = forms.ChoiceField(required=False, widget=forms.Select(attrs={"class": "form-select"}))
    year = forms.IntegerField(
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        widget=forms.NumberInput(attrs={"class": "form-control", "placeholder": "Any year"}),
    )
    type = forms.ChoiceField(
        label="Release type",
        required=False,
        choices=[("", "Any release"), *ReleaseType.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    acclaimed = forms.BooleanField(
        label="Acclaimed only",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[(value, sort.label) for value, sort in SORTS.items()],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, data, *, genres: list[Genre]) -> None:
        super().__init__(data)
        self.genres = {genre.slug: genre for genre in genres}
        self.fields["genre"].choices = [("", "All genres")] + [(g.slug, g.name) for g in genres]
        self.fields["decade"].choices = [("", "Any decade"), *decade_choices()]
        self.is_valid()
        # Keep what validated; forget the rest.
        self.filters = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors and value not in ("", None, False)
        }
        self.sort_by = self.filters.pop("sort", DEFAULT_SORT)

    def canonical_query(self, *, without: str = "") -> str:
        """The query string that shows these films (less the filter `without`): valid,
        non-default values in a fixed order."""
        params = {
            name: "1" if name == "acclaimed" else self.filters[name]
            for name in self.fields
            if name in self.filters and name != without
        }
        if self.sort_by != DEFAULT_SORT:
            params["sort"] = self.sort_by
        return urlencode(params)

    def apply(self, films: QuerySet[Film]) -> QuerySet[Film]:
        f = self.filters
        if "genre" in f:
            films = films.filter(genres=self.genres[f["genre"]])
        if "decade" in f:
            start = int(f["decade"])
            films = films.filter(year__gte=start, year__lte=start + 9)
        if "year" in f:
            films = films.filter(year=f["year"])
        if "type" in f:
            films = films.filter(release_type=f["type"])
        if "acclaimed" in f:
            films = films.acclaimed()
        return films.order_by(*SORTS[self.sort_by].ordering)

    @cached_property
    def chips(self) -> list[tuple[str, str]]:
        """(label, query string without that filter) for each filter in use, to remove it."""
        labels = {
            "genre": lambda slug: self.genres[slug].name,
            "decade": lambda decade: f"{decade}s",
            "year": str,
            "type": lambda value: f"{ReleaseType(value).label} release",
            "acclaimed": lambda _: "Acclaimed",
        }
        return [
            (labels[name](self.filters[name]), self.canonical_query(without=name))
            for name in self.fields
            if name in self.filters
        ]

    @property
    def sort_phrase(self) -> str:
        return SORTS[self.sort_by].phrase
