import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from films.management.arguments import positive_int
from films.synthetic import (
    BENCH_MEMBER_COUNT,
    BENCH_MEMBER_PREFIX,
    DEFAULT_BATCH_SIZE,
    HOT_FILM_SLUG,
    SyntheticDataError,
    generate,
    scale_problem,
)


def _scale(value: str) -> float:
    try:
        scale = float(value)
    except ValueError:
        scale = value
    if problem := scale_problem(scale):
        raise argparse.ArgumentTypeError(problem)
    return scale


class Command(BaseCommand):
    help = (
        "Fill an empty catalogue with deterministic synthetic data for benchmarks. Scale 1 is "
        "10,000 films, 50,000 people, 200,000 critic reviews, 1,000,000 audience ratings and "
        "100,000 forum posts, with a hot film and a hot thread; every count scales linearly. "
        f"Adds {BENCH_MEMBER_COUNT} members {BENCH_MEMBER_PREFIX}1... with a known password who "
        "have written nothing. The same scale and seed give the same data. Refuses a database "
        "that already has films."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=_scale,
            required=True,
            help="How much data: 1 is 10,000 films; any positive number up to 100 (e.g. 0.01).",
        )
        parser.add_argument("--seed", type=int, default=1, help="The random seed (default 1).")
        parser.add_argument(
            "--batch-size",
            type=positive_int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Rows a bulk insert (default {DEFAULT_BATCH_SIZE}).",
        )

    def handle(self, *args: Any, scale: float, seed: int, batch_size: int, **options: Any) -> None:
        # call_command(scale=...) skips the argument's type: check it here too.
        if problem := scale_problem(scale):
            raise CommandError(problem)
        verbose = options["verbosity"] >= 1
        try:
            counts = generate(
                scale,
                seed=seed,
                batch_size=batch_size,
                progress=self.stdout.write if verbose else lambda line: None,
            )
        except SyntheticDataError as error:
            raise CommandError(str(error)) from None
        if verbose:
            self.stdout.write(
                f"Scale {scale:g}, seed {seed}: {counts['films']:,} films; the hot film is "
                f"/films/{HOT_FILM_SLUG}/."
            )
