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
        "since the backup are lost: it asks first, unless --noinput, and first writes a safety "
        "backup of the site as it is, backups/pre-restore-YYYYmmdd-HHMMSS.tar.gz, unless "
        "--no-safety-backup. On PostgreSQL the whole public schema is replaced."
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
        parser.add_argument(
            "--no-safety-backup",
            action="store_false",
            dest="safety_backup",
            help="Do not back up the site as it is (backups/pre-restore-….tar.gz) first.",
        )

    def handle(
        self, *args, backup: Path, interactive: bool, safety_backup: bool, **options
    ) -> None:
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
            if interactive and not self.confirmed(backup, manifest, asked_about, safety_backup):
                self.stdout.write("Restore cancelled: nothing was changed.")
                return
            safety = None
            if safety_backup:
                # One mistyped file name must not lose what was written since: keep it first.
                safety = backups.create_backup(backups.safety_path())
                self.stdout.write(f"Safety backup of the site before the restore: {safety}")
            # Unpacked before the database changes: a backup whose media cannot be unpacked
            # (a full disk) leaves everything as it was.
            staged = archive.stage_media(root) if replace_media else None
            try:
                backups.restore_database(database)
                # Pages kept for visitors show the data as it was before: none may be served now.
                content_changed()
                files = self.swap_media(staged, backup, safety) if staged else 0
            finally:
                if staged:
                    staged.discard()

        self.stdout.write(
            f"Restored {backup} (made {manifest.get('created')}) into the "
            f"{backups.ENGINE_NAMES[engine]} database {backups.database_name()}"
            + (f", and {files} media file(s) into {root}." if replace_media else ".")
        )
        if staged and staged.leftover:
            self.stderr.write(
                f"The media replaced could not all be deleted: delete {staged.leftover}.",
                self.style.WARNING,
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

    def swap_media(self, staged: backups.StagedMedia, backup: Path, safety: Path | None) -> int:
        try:
            return staged.swap()
        except CommandError as error:
            before = f" {safety} holds the site as it was before." if safety else ""
            raise CommandError(
                f"The database is now {backup}'s, but its media are not: {error}{before} Fix "
                "the cause and restore again."
            ) from error

    def confirmed(
        self, backup: Path, manifest: dict, root: Path | None, safety_backup: bool
    ) -> bool:
        media = f", and every file in {root} with the backup's files" if root else ""
        safety = (
            " (a safety backup of it is written first, to backups/pre-restore-….tar.gz)"
            if safety_backup
            else ""
        )
        question = (
            f"This replaces everything in the {backups.ENGINE_NAMES[backups.engine()]} database "
            f"{backups.database_name()} with {backup}, made {manifest.get('created')}{media}. "
            f"Whatever was added or changed since is lost{safety}.\n"
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
