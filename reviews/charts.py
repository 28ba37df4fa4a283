"""The Score History chart's geometry: a film's daily ScoreRecords as SVG coordinates.

The template (`reviews/_score_history.html`) only places what is computed here, so the chart
needs no JavaScript and no inline styles. Coordinates are in the SVG's viewBox units, which
scale with the width the page gives the chart; they are formatted here as strings, so the
template's number localization can never turn "12.5" into "12,5".
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils.dateformat import format as format_date

from .models import ScoreRecord

# Narrow enough that the labels stay legible when a phone scales the chart down (site.css sets
# their size per screen width, in these units).
WIDTH, HEIGHT = 480, 220
PLOT_LEFT, PLOT_RIGHT = 44, WIDTH - 16
PLOT_TOP, PLOT_BOTTOM = 10, HEIGHT - 32
# Gridlines every 20 points: 60%, the Fresh and Liked line, is one of them.
Y_TICKS = [0, 20, 40, 60, 80, 100]
MARKER_SIZE = 9
# With few days a marker on every day shows where the data is; with more they would merge into a
# thick line, so only the ends of each stretch get one.
MARK_EVERY_DAY_UP_TO = 31
DATE_FORMAT = "M j, Y"


def _n(value: float) -> str:
    return f"{round(value, 1):g}"


@dataclass(frozen=True)
class Point:
    day: date
    value: int
    x: float
    y: float

    @property
    def cx(self) -> str:
        return _n(self.x)

    @property
    def cy(self) -> str:
        return _n(self.y)

    @property
    def corner_x(self) -> str:
        """Where a square marker centred on the point starts."""
        return _n(self.x - MARKER_SIZE / 2)

    @property
    def corner_y(self) -> str:
        return _n(self.y - MARKER_SIZE / 2)


@dataclass(frozen=True)
class Series:
    key: str  # "critics" or "audience": the CSS class and the marker shape follow it
    label: str
    marker: str  # "circle" or "square"
    dashed: bool
    segments: list[list[Point]] = field(default_factory=list)
    mark_every_day: bool = False

    @property
    def points(self) -> list[Point]:
        return [point for segment in self.segments for point in segment]

    @property
    def polylines(self) -> list[str]:
        """One `points` attribute a stretch of days with a score: a null score leaves a gap.

        A stretch of one day has no line to draw; its marker shows it.
        """
        return [
            " ".join(f"{p.cx},{p.cy}" for p in segment)
            for segment in self.segments
            if len(segment) > 1
        ]

    @property
    def markers(self) -> list[Point]:
        if self.mark_every_day:
            return self.points
        ends = []
        for segment in self.segments:
            ends.append(segment[0])
            if len(segment) > 1:
                ends.append(segment[-1])
        return ends

    def describe(self) -> str:
        points = self.points
        if not points:
            return f"No {self.label} yet."
        first, last = points[0], points[-1]
        if len(points) == 1:
            return f"{self.label} {first.value}% on {format_date(first.day, DATE_FORMAT)}."
        values = [p.value for p in points]
        return (
            f"{self.label} {first.value}% on {format_date(first.day, DATE_FORMAT)}, "
            f"{last.value}% on {format_date(last.day, DATE_FORMAT)}; "
            f"lowest {min(values)}%, highest {max(values)}%."
        )


@dataclass(frozen=True)
class Label:
    text: str
    x: str
    y: str
    anchor: str


@dataclass(frozen=True)
class ScoreChart:
    records: list[ScoreRecord]
    series: list[Series]
    x_labels: list[Label]
    y_ticks: list[Label]
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = PLOT_LEFT
    plot_right: int = PLOT_RIGHT
    plot_top: int = PLOT_TOP
    plot_bottom: int = PLOT_BOTTOM
    marker_size: int = MARKER_SIZE

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def has_scores(self) -> bool:
        """Whether any recorded day had a score to draw."""
        return any(s.segments for s in self.series)

    @property
    def has_gaps(self) -> bool:
        """Whether a score drops out and comes back: its line is drawn in pieces."""
        return any(len(s.segments) > 1 for s in self.series)

    @property
    def single_day(self) -> bool:
        return len(self.records) == 1

    @property
    def first_day(self) -> date | None:
        return self.records[0].day if self.records else None

    @property
    def last_day(self) -> date | None:
        return self.records[-1].day if self.records else None

    @property
    def rows(self) -> list[ScoreRecord]:
        """The data table's rows, newest first."""
        return self.records[::-1]

    @property
    def description(self) -> str:
        return " ".join(s.describe() for s in self.series)


def _segments(records: Sequence[ScoreRecord], name: str, x_of, y_of) -> list[list[Point]]:
    segments: list[list[Point]] = []
    current: list[Point] = []
    for record in records:
        value = getattr(record, name)
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        current.append(Point(record.day, value, x_of(record.day), y_of(value)))
    if current:
        segments.append(current)
    return segments


def score_chart(records: Iterable[ScoreRecord]) -> ScoreChart:
    """The chart of `records` (one film's, any order): a line a score, x by day, y 0-100%."""
    records = sorted(records, key=lambda r: r.day)
    plot_width, plot_height = PLOT_RIGHT - PLOT_LEFT, PLOT_BOTTOM - PLOT_TOP
    span = (records[-1].day - records[0].day).days if records else 0

    def x_of(day: date) -> float:
        if span == 0:  # one day: in the middle, rather than on the axis
            return PLOT_LEFT + plot_width / 2
        return PLOT_LEFT + plot_width * (day - records[0].day).days / span

    def y_of(value: int) -> float:
        return PLOT_BOTTOM - plot_height * min(max(value, 0), 100) / 100

    every_day = len(records) <= MARK_EVERY_DAY_UP_TO
    series = [
        Series(
            key="critics",
            label="Critics Score",
            marker="circle",
            dashed=False,
            segments=_segments(records, "critics_score", x_of, y_of),
            mark_every_day=every_day,
        ),
        Series(
            key="audience",
            label="Audience Score",
            marker="square",
            dashed=True,
            segments=_segments(records, "audience_score", x_of, y_of),
            mark_every_day=every_day,
        ),
    ]
    label_y = _n(PLOT_BOTTOM + 22)
    if not records:
        x_labels = []
    elif span == 0:
        x_labels = [
            Label(
                format_date(records[0].day, DATE_FORMAT),
                _n(x_of(records[0].day)),
                label_y,
                "middle",
            )
        ]
    else:
        x_labels = [
            Label(format_date(records[0].day, DATE_FORMAT), _n(PLOT_LEFT), label_y, "start"),
            Label(format_date(records[-1].day, DATE_FORMAT), _n(PLOT_RIGHT), label_y, "end"),
        ]
    y_ticks = [Label(f"{tick}%", _n(PLOT_LEFT - 6), _n(y_of(tick)), "end") for tick in Y_TICKS]
    return ScoreChart(records=records, series=series, x_labels=x_labels, y_ticks=y_ticks)
