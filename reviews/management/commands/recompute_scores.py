from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from films.models import Film
from reviews.scores import FilmScores, compute_film_scores, refresh_film_scores


class Command(BaseCommand):
    help = (
        "Rebuild every film's stored scores from its reviews. With --check, change nothing, "
        "name the films whose stored scores differ and exit non-zero if any do."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Report drift instead of fixing it."
        )

    def handle(self, *args, check: bool, **options) -> None:
        drifted = []
        films = Film.objects.order_by("pk")
        total = films.count()
        for done, film in enumerate(films.iterator(chunk_size=500), start=1):
            with transaction.atomic():
                expected = compute_film_scores(film)
                differences = FilmScores.stored_on(film).differences(expected)
                if differences:
                    drifted.append(f"{film.slug} ({', '.join(differences)})")
                    if not check:
                        refresh_film_scores(film=film)
            if done % 1000 == 0:
                self.stderr.write(f"{done}/{total} films checked")
        if check and drifted:
            raise CommandError(
                f"{len(drifted)} film(s) with stored scores that differ from their reviews:\n"
                + "\n".join(drifted)
            )
        verb = "differ" if check else "were rebuilt"
        self.stdout.write(f"{total} film(s) checked; {len(drifted)} {verb}.")
