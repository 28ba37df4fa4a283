from functools import partial
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from films.management.arguments import positive_int
from films.movielens import MovieLensError, MovieLensFolder
from films.services import MOVIELENS_BATCH_SIZE, import_movielens


class Command(BaseCommand):
    help = (
        "Import a MovieLens-format folder (movies.csv and ratings.csv; tags.csv and links.csv "
        "when present): films with their year and genres, each MovieLens user as an inactive "
        "member movielens-<userId>, each rating as that member's audience review, the films' "
        "most used tags and IMDb/TMDB ids; then rescore the films. Malformed rows are reported by "
        "line and skipped. Safe to run again: a second run changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", metavar="DIR", help="The MovieLens folder.")
        parser.add_argument(
            "--batch-size",
            type=positive_int,
            default=MOVIELENS_BATCH_SIZE,
            help=f"Rows written per transaction (default {MOVIELENS_BATCH_SIZE}).",
        )

    def handle(self, *args: Any, folder: str, batch_size: int, **options: Any) -> None:
        try:
            movielens = MovieLensFolder(folder)
        except MovieLensError as error:
            raise CommandError(str(error)) from None
        # Bars on a terminal only (tqdm's disable=None): quiet in pipes, logs and tests. They
        # go to the stream itself: the command's wrapper would end each redraw with a newline.
        progress = partial(
            tqdm,
            file=getattr(self.stderr, "_out", self.stderr),
            disable=None if options["verbosity"] >= 1 else True,
            leave=False,
        )
        report = import_movielens(folder=movielens, batch_size=batch_size, progress=progress)

        problems = report.problems
        for message in problems.shown:
            self.stderr.write(message)
        if problems.count > len(problems.shown):
            self.stderr.write(f"... and {problems.count - len(problems.shown)} more")
        self.stdout.write(
            f"Imported {report.films} films ({report.new_films} new, {report.adopted_films} "
            f"adopted), {report.members} members ({report.new_members} new), {report.ratings} "
            f"ratings ({report.changed_ratings} new or changed), {report.tags} tags, "
            f"{report.links} links; {problems.count} malformed rows skipped; scores recomputed "
            f"for {report.rescored_films} films."
        )
