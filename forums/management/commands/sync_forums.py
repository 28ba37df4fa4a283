from django.core.management.base import BaseCommand, CommandError, CommandParser

from forums.models import Board, Thread
from forums.services import sync_forums


class Command(BaseCommand):
    help = (
        "Rebuild the forums' stored counters (threads' reply counts, last posts and hidden "
        "state; boards' thread and post counts and latest thread) from the posts, and report "
        "what had drifted. With --check, change nothing and exit non-zero if anything did."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Report drift instead of fixing it."
        )

    def handle(self, *args, check: bool, **options) -> None:
        drift = sync_forums(fix=not check)
        lines = "\n".join(str(d) for d in drift)
        if check and drift:
            raise CommandError(f"Stored forum counters differ from the posts:\n{lines}")
        if drift:
            self.stdout.write(f"Fixed:\n{lines}")
        checked = f"{Thread.objects.count()} thread(s) and {Board.objects.count()} board(s)"
        verb = "differed" if check else "were fixed"
        self.stdout.write(f"{checked} checked; {len(drift)} counter(s) {verb}.")
