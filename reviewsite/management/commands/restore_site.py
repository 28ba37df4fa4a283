import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from reviewsite.management import backups
from reviewsite.pagecache import content_changed

# The stored counters a restore must find true to its rows.
CHECKS = ["recompute_scores", "sync_forums"]


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup_site`: the database becomes exactly the backed-up one "
        "(rows, primary keys, sequences) and MEDIA_ROOT holds exactly its files; then check the "
        "stored counters (recompute_scores --check, sync_forums --check). Rows and files added "
        "since the backup are lost: it asks first, unless --noinput."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", type=Path, help="The .tar.gz that backup_site wrote.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, backup: Path, interactive: bool, **options) -> None:
        engine = backups.engine()
        root = backups.media_root()
        with backups.Backup(backup) as archive, tempfile.TemporaryDirectory() as folder:
            manifest = archive.manifest
            if archive.engine != engine:
                raise CommandError(
                    f"{backup} is a backup of a {backups.ENGINE_NAMES[archive.engine]} database "
                    f"and the site uses {backups.ENGINE_NAMES[engine]}: a backup goes back into "
                    "the same kind of database."
                )
            database = archive.extract_database(Path(folder))
            backups.check_database_file(database)
            replace_media = root is not None and archive.has_media()
            asked_about = root if replace_media else None
            if interactive and not self.confirmed(backup, manifest, asked_about):
                self.stdout.write("Restore cancelled: nothing was changed.")
                return
            backups.restore_database(database)
            # Pages kept for visitors show the data as it was before: none may be served now.
            content_changed()
            files = archive.restore_media(root) if replace_media else 0

        self.stdout.write(
            f"Restored {backup} (made {manifest.get('created')}) into the "
            f"{backups.ENGINE_NAMES[engine]} database {backups.database_name()}"
            + (f", and {files} media file(s) into {root}." if replace_media else ".")
        )
        if root is None:
            self.stderr.write(
                "The uploads are in object storage (S3_BUCKET): the bucket keeps them; they "
                "were left as they are.",
                self.style.WARNING,
            )
        elif not archive.has_media():
            self.stderr.write(
                f"The backup has no media (they were in object storage): {root} was left as it is.",
                self.style.WARNING,
            )
        self.check_counters()

    def confirmed(self, backup: Path, manifest: dict, root: Path | None) -> bool:
        media = f", and every file in {root} with the backup's files" if root else ""
        question = (
            f"This replaces everything in the {backups.ENGINE_NAMES[backups.engine()]} database "
            f"{backups.database_name()} with {backup}, made {manifest.get('created')}{media}. "
            "Whatever was added or changed since is lost.\n"
            "Type 'yes' to continue, or 'no' to cancel: "
        )
        try:
            return input(question).strip().lower() == "yes"
        except EOFError:  # no one to answer: --noinput says it is wanted
            self.stdout.write("\nNo answer (restore without asking: --noinput).")
            return False

    def check_counters(self) -> None:
        """Run the stored-counter checks, unless the backup's schema is older than the code."""
        executor = MigrationExecutor(connection)
        if plan := executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stderr.write(
                f"The backup predates {len(plan)} migration(s) of this code: run `make migrate`, "
                "then `manage.py recompute_scores --check` and `manage.py sync_forums --check`.",
                self.style.WARNING,
            )
            return
        failures = []
        for name in CHECKS:
            output = StringIO()
            try:
                call_command(name, check=True, stdout=output, stderr=StringIO())
            except CommandError as error:
                failures.append(f"{name} --check: {error}")
            else:
                self.stdout.write(f"{name} --check: {output.getvalue().strip()}")
        if failures:
            raise CommandError(
                "The restore is complete, but the stored counters differ from the rows (the "
                "backup had them so); rebuild them with `manage.py recompute_scores` and "
                "`manage.py sync_forums`.\n" + "\n".join(failures)
            )
