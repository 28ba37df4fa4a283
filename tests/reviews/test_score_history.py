"""Score history: `record_scores` keeps one record a film and day, and the film page draws the
records as an SVG chart with a data table, for no history, one day and many days."""

from datetime import date, timedelta
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from films.models import Film
from reviews import charts
from reviews.models import SCORE_HISTORY_DAYS, ScoreRecord
from reviews.scores import record_scores
from tests.factories import FilmFactory, MemberFactory

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 1)


def record(*args: str) -> str:
    out = StringIO()
    call_command("record_scores", *args, stdout=out)
    return out.getvalue()


def scored_film(critics: int | None, audience: int | None, **fields) -> Film:
    """A film whose stored scores are as given (factories skip the services that set them)."""
    film = FilmFactory(**fields)
    reviews = 0 if critics is None else 40
    Film.objects.filter(pk=film.pk).update(
        critics_score=critics,
        audience_score=audience,
        critic_review_count=reviews,
        critic_classified_count=reviews,
        audience_rating_count=0 if audience is None else 120,
    )
    return film


def history(film: Film, scores: list[tuple[int | None, int | None]], *, end: date | None = None):
    """Records for `film` on consecutive days ending `end` (today), one a pair of scores."""
    end = end or timezone.localdate()
    start = end - timedelta(days=len(scores) - 1)
    ScoreRecord.objects.bulk_create(
        ScoreRecord(film=film, day=start + timedelta(days=n), critics_score=c, audience_score=a)
        for n, (c, a) in enumerate(scores)
    )


# Recording -------------------------------------------------------------------------------


def test_recording_twice_on_one_day_keeps_one_record_per_film_and_day_with_the_latest_scores():
    films = [scored_film(70, 80), scored_film(55, None), scored_film(None, None)]

    record("--date", "2026-03-01")
    Film.objects.filter(pk=films[0].pk).update(
        critics_score=72, critic_review_count=41, critic_classified_count=41
    )
    output = record("--date", "2026-03-01")

    assert "3 film(s)" in output
    assert ScoreRecord.objects.count() == 3
    assert set(ScoreRecord.objects.values_list("film_id", "day")) == {(f.pk, DAY) for f in films}
    refreshed = ScoreRecord.objects.get(film=films[0])
    assert (refreshed.critics_score, refreshed.critic_classified_count) == (72, 41)
    assert (refreshed.audience_score, refreshed.audience_rating_count) == (80, 120)


def test_each_day_gets_its_own_record():
    film = scored_film(70, 80)

    record("--date", "2026-03-01")
    Film.objects.filter(pk=film.pk).update(critics_score=75)
    record("--date", "2026-03-02")

    assert list(film.score_records.values_list("day", "critics_score")) == [
        (date(2026, 3, 1), 70),
        (date(2026, 3, 2), 75),
    ]


def test_films_without_scores_record_nulls_and_their_counts():
    film = FilmFactory()
    Film.objects.filter(pk=film.pk).update(
        critic_review_count=3, critic_classified_count=3, audience_rating_count=7
    )

    record("--date", "2026-03-01")

    saved = film.score_records.get()
    assert (saved.critics_score, saved.audience_score) == (None, None)
    assert (saved.critic_classified_count, saved.audience_rating_count) == (3, 7)


def test_without_a_date_it_records_today_in_the_site_time_zone(settings):
    # Far from UTC, so "today" in the site's zone and in UTC are often different days.
    settings.TIME_ZONE = "Pacific/Kiritimati"
    film = scored_film(70, 80)

    output = record()

    assert film.score_records.get().day == timezone.localdate()
    assert f"for {timezone.localdate():%Y-%m-%d}" in output


@pytest.mark.parametrize("bad", ["2026-02-30", "yesterday", "01/03/2026", "2026-3", ""])
def test_a_date_that_is_not_a_day_is_refused(bad):
    scored_film(70, 80)

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        record("--date", bad)
    assert not ScoreRecord.objects.exists()


def test_a_day_in_the_future_is_refused():
    scored_film(70, 80)
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(CommandError, match="future"):
        record("--date", f"{tomorrow:%Y-%m-%d}")
    assert not ScoreRecord.objects.exists()


def test_films_are_recorded_in_batches_with_progress():
    films = [scored_film(n * 10, None) for n in range(5)]
    done = []

    count = record_scores(day=DAY, batch_size=2, progress=done.append)

    assert count == 5
    assert done == [2, 4, 5]
    assert sorted(ScoreRecord.objects.values_list("film_id", "critics_score")) == sorted(
        (f.pk, n * 10) for n, f in enumerate(films)
    )


def test_only_the_films_given_are_recorded():
    chosen, other = scored_film(70, 80), scored_film(50, 60)

    assert record_scores(day=DAY, films=Film.objects.filter(pk=chosen.pk)) == 1

    assert chosen.score_records.exists()
    assert not other.score_records.exists()


# The chart on the film page ----------------------------------------------------------------


class ScoreHistorySection(HTMLParser):
    """What the film page's Score History section holds, parsed as a browser would."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # open elements inside the section; 0 when outside it
        self.series: str | None = None
        self.svgs: list[dict[str, str]] = []
        self.ids: dict[str, str] = {}  # element id -> its text
        self.polylines: dict[str, list[list[tuple[float, float]]]] = {}
        self.markers: dict[str, list[str]] = {}
        self.rows: list[list[str]] = []
        self.attributes: set[str] = set()
        self.tags: set[str] = set()
        self.text: list[str] = []
        self._cell: list[str] | None = None
        self._id_open: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if not self.depth:
            if tag == "section" and attributes.get("id") == "score-history":
                self.depth = 1
            return
        if tag not in ("line", "circle", "rect", "polyline", "br", "input", "img"):
            self.depth += 1
        self.tags.add(tag)
        self.attributes.update(attributes)
        css = attributes.get("class") or ""
        if tag == "svg" and "score-chart" in css.split():
            self.svgs.append(attributes)
        if tag == "g" and "score-series" in css.split():
            self.series = css.split("score-series-")[1]
        if tag == "polyline":
            points = [tuple(map(float, p.split(","))) for p in attributes["points"].split()]
            self.polylines.setdefault(self.series, []).append(points)
        if tag in ("circle", "rect") and self.series and self.svgs:
            self.markers.setdefault(self.series, []).append(tag)
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th") and self.rows:
            self._cell = []
        if "id" in attributes:
            self._id_open = attributes["id"]
            self.ids[self._id_open] = ""

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag in ("line", "circle", "rect", "polyline"):
            return
        self.depth -= 1
        if tag == "g":
            self.series = None
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        if tag in ("title", "desc", "h2"):
            self._id_open = None

    def handle_data(self, data):
        if not self.depth:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._id_open:
            self.ids[self._id_open] += data

    @property
    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())

    @property
    def body_rows(self) -> list[list[str]]:
        return self.rows[1:]  # after the header row


def section(client, film: Film) -> ScoreHistorySection:
    response = client.get(film.get_absolute_url())
    assert response.status_code == 200
    parsed = ScoreHistorySection()
    parsed.feed(response.content.decode())
    parsed.close()
    return parsed


def label(day: date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def test_a_film_with_no_history_says_when_it_starts(client):
    film = FilmFactory(title="Harbor Lights")

    page = section(client, film)

    assert "the history of Harbor Lights starts tomorrow" in page.all_text
    assert page.svgs == [] and page.rows == []


def test_a_film_recorded_only_without_scores_says_it_has_none_yet(client):
    film = FilmFactory(title="Harbor Lights")
    history(film, [(None, None), (None, None)])

    page = section(client, film)

    assert "Harbor Lights has no Critics Score or Audience Score yet" in page.all_text
    assert page.svgs == []


def test_one_day_of_history_draws_a_marker_for_each_score_and_says_so(client):
    film = FilmFactory(title="Harbor Lights")
    history(film, [(83, 61)])
    today = timezone.localdate()

    page = section(client, film)

    [svg] = page.svgs
    assert svg["role"] == "img"
    assert svg["viewbox"] == f"0 0 {charts.WIDTH} {charts.HEIGHT}"
    title_id, desc_id = svg["aria-labelledby"].split()
    assert "Harbor Lights" in page.ids[title_id]
    assert f"Critics Score 83% on {label(today)}" in page.ids[desc_id]
    assert f"Audience Score 61% on {label(today)}" in page.ids[desc_id]
    # One point makes no line: the markers show it.
    assert page.polylines == {}
    assert page.markers == {"critics": ["circle"], "audience": ["rect"]}
    assert "One day recorded so far" in page.all_text
    assert page.body_rows == [[label(today), "83%", "61%"]]


def test_many_days_of_history_draw_a_line_per_score_across_the_chart(client):
    film = FilmFactory()
    scores = [(60 + n, 90 - n) for n in range(30)]
    history(film, scores)
    today = timezone.localdate()

    page = section(client, film)

    [critics] = page.polylines["critics"]
    [audience] = page.polylines["audience"]
    assert len(critics) == len(audience) == 30
    xs = [x for x, _ in critics]
    assert xs == sorted(xs) and len(set(xs)) == 30
    assert (xs[0], xs[-1]) == (charts.PLOT_LEFT, charts.PLOT_RIGHT)
    # SVG y grows downwards: a rising score is a falling y, and 0-100% spans the plot.
    assert [y for _, y in critics] == sorted((y for _, y in critics), reverse=True)
    assert [y for _, y in audience] == sorted(y for _, y in audience)
    plot_height = charts.PLOT_BOTTOM - charts.PLOT_TOP
    assert critics[0][1] == pytest.approx(charts.PLOT_BOTTOM - plot_height * 0.60, abs=0.05)
    assert audience[0][1] == pytest.approx(charts.PLOT_BOTTOM - plot_height * 0.90, abs=0.05)
    # Newest first in the table, every day there.
    assert len(page.body_rows) == 30
    assert page.body_rows[0] == [label(today), "89%", "61%"]
    assert page.body_rows[-1] == [label(today - timedelta(days=29)), "60%", "90%"]
    assert label(today - timedelta(days=29)) in page.all_text  # the axis' first date


def test_a_day_without_a_score_splits_its_line(client):
    film = FilmFactory()
    history(film, [(70, 50), (71, 51), (None, 52), (None, 53), (74, 54), (75, 55)])

    page = section(client, film)

    assert [len(line) for line in page.polylines["critics"]] == [2, 2]
    assert [len(line) for line in page.polylines["audience"]] == [6]
    assert [row[1] for row in page.body_rows] == [
        "75%",
        "74%",
        "No score",
        "No score",
        "71%",
        "70%",
    ]
    assert "A gap in a line" in page.all_text


def test_the_legend_tells_the_lines_apart_without_colour(client):
    film = FilmFactory()
    history(film, [(70, 50), (72, 55)])

    page = section(client, film)

    assert "Critics Score (solid line, dots)" in page.all_text
    assert "Audience Score (dashed line, squares)" in page.all_text
    assert set(page.markers["critics"]) == {"circle"}
    assert set(page.markers["audience"]) == {"rect"}


def test_the_chart_needs_no_script_or_inline_style(client):
    film = FilmFactory()
    history(film, [(70, 50), (72, 55), (None, 60)])

    page = section(client, film)

    assert page.svgs
    assert "script" not in page.tags
    assert not {name for name in page.attributes if name == "style" or name.startswith("on")}


def test_the_page_shows_the_last_year_only(client):
    film = FilmFactory()
    today = timezone.localdate()
    history(film, [(40, 40)], end=today - timedelta(days=SCORE_HISTORY_DAYS))
    history(film, [(70, 50), (72, 55)])

    page = section(client, film)

    assert len(page.body_rows) == 2
    assert "40%" not in [cell for row in page.body_rows for cell in row]


@pytest.mark.parametrize("as_member", [False, True])
def test_film_page_queries_do_not_grow_with_score_history(client, page_queries, as_member):
    small, large = FilmFactory(), FilmFactory()
    history(small, [(70, 60)])
    history(large, [(n % 101, (n * 7) % 101) for n in range(300)])
    if as_member:
        client.force_login(MemberFactory())

    assert page_queries(small.get_absolute_url()) == page_queries(large.get_absolute_url())


def test_the_chart_geometry_of_no_records_is_empty():
    chart = charts.score_chart([])

    assert chart.records == [] and not chart.has_scores
    assert chart.x_labels == []


# Demo data ---------------------------------------------------------------------------------


def test_demo_data_has_a_history_that_ends_at_the_films_scores_and_a_rerun_adds_nothing():
    call_command("load_demo_data", stdout=StringIO())
    today = timezone.localdate()

    seed = Film.objects.get(slug="refusenik-2008")
    assert list(seed.score_records.values_list("day", flat=True)) == [today]
    acclaimed = Film.objects.filter(acclaimed_earned=True).first()
    records = list(acclaimed.score_records.all())
    assert len(records) > 30
    assert records[-1].day == today
    assert records[-1].critics_score == acclaimed.critics_score
    assert records[-2].critics_score == acclaimed.critics_score  # the back-fill meets today
    assert len({r.critics_score for r in records}) > 3  # the chart shows movement
    count = ScoreRecord.objects.count()

    call_command("load_demo_data", stdout=StringIO())

    assert ScoreRecord.objects.count() == count
