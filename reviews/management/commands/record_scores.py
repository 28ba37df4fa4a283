from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date

from reviews.scores import record_scores


def _day(value: str) -> date:
    try:
        day = parse_date(value)
    except ValueError:  # the right shape but no such day, like 2026-02-30
        day = None
    if day is None:
        raise CommandError(f"--date {value!r} is not a day: give it as YYYY-MM-DD.")
    return day


class Command(BaseCommand):
    help = (
        "Record every film's Critics Score and Audience Score, as stored on the film, in its "
        "score history for a day (today in the site's time zone unless --date says otherwise). "
        "Run it once a day; running it again the same day updates that day's records instead of "
        "adding more."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            dest="day",
            metavar="YYYY-MM-DD",
            help="The day to record the current scores under (default: today).",
        )

    def handle(self, *args: Any, day: str | None, **options: Any) -> None:
        today = timezone.localdate()
        recorded_day = today if day is None else _day(day)
        if recorded_day > today:
            raise CommandError(
                f"--date {day} is in the future: scores can only be recorded as of now."
            )
        report = self.stderr.isatty() and options["verbosity"] >= 1

        def progress(done: int) -> None:
            if report:
                self.stderr.write(f"{done} films recorded...")

        count = record_scores(day=recorded_day, progress=progress)
        self.stdout.write(f"Recorded the scores of {count} film(s) for {recorded_day:%Y-%m-%d}.")
