from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import F

from films.models import Film
from reviews.models import AudienceReview, CriticReview
from reviews.scores import refresh_scores
from reviews.services import carry_critic_flags, stale_helpful_counts, sync_helpful_counts
from reviews.tallies import rebuild_counts, stale_counts


class Command(BaseCommand):
    help = (
        "Rebuild every film's stored scores (and critic reviews' Top Critic marks, audience "
        "reviews' helpful counts, and the review counts of critics, publications and members) "
        "from the reviews and votes. With --check, change nothing, "
        "name the films whose stored scores differ and "
        "exit non-zero if anything does."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Report drift instead of fixing it."
        )

    def handle(self, *args, check: bool, **options) -> None:
        problems = []
        stale_marks = CriticReview.objects.filter(critic__isnull=False).exclude(
            is_top_critic=F("critic__is_top_critic")
        )
        if check:
            if count := stale_marks.count():
                problems.append(
                    f"{count} critic review(s) whose Top Critic mark is not its critic's"
                )
            if count := stale_helpful_counts(AudienceReview.objects.all()).count():
                problems.append(f"{count} audience review(s) whose helpful count is not its votes'")
            for model, count in stale_counts().items():
                problems.append(f"{count} {model._meta.verbose_name}(s) whose review counts differ")
        else:
            carry_critic_flags(reviews=CriticReview.objects.all())
            if count := sync_helpful_counts():
                problems.append(f"{count} audience review(s)' helpful counts")
            for model, count in rebuild_counts().items():
                problems.append(f"{count} {model._meta.verbose_name}(s)' review counts")

        total = Film.objects.count()

        def progress(done: int) -> None:
            if self.stderr.isatty() and options["verbosity"] >= 1:
                self.stderr.write(f"{done}/{total} films")

        for film, differences in refresh_scores(check=check, progress=progress):
            problems.append(f"{film.slug} ({', '.join(differences)})")

        if check and problems:
            raise CommandError(
                "Stored scores differ from the reviews:\n" + "\n".join(problems),
            )
        if problems:
            self.stdout.write("Rebuilt:\n" + "\n".join(problems))
        verb = "differ" if check else "were rebuilt"
        self.stdout.write(f"{total} film(s) checked; {len(problems)} {verb}.")
