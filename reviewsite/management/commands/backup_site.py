import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from reviewsite.management import backups


class Command(BaseCommand):
    help = (
        "Back up the whole database and the uploaded media (MEDIA_ROOT) into one .tar.gz, by "
        "default backups/marquee-YYYYmmdd-HHMMSS.tar.gz, and print its path. PostgreSQL is "
        "dumped with pg_dump, SQLite copied with its online backup API: `restore_site` puts "
        "back exactly these rows, primary keys and sequences. Uploads in object storage "
        "(S3_BUCKET) stay in the bucket and are not included."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="The file to write (default: backups/marquee-YYYYmmdd-HHMMSS.tar.gz).",
        )

    def handle(self, *args, output: Path | None, **options) -> None:
        engine = backups.engine()
        path = (output or backups.default_path()).absolute()
        if path.exists():
            raise CommandError(f"{path} already exists: name another file with --output.")
        path.parent.mkdir(parents=True, exist_ok=True)
        root = backups.media_root()
        media = backups.media_entries(root)
        manifest = {
            "format": backups.FORMAT,
            "version": backups.VERSION,
            "created": timezone.now().isoformat(),
            "engine": engine,
            "database": backups.database_name(),
            "media_files": sum(source.is_file() for source, _ in media),
            "media_included": root is not None,
        }
        partial = path.with_name(f".{path.name}.partial")
        try:
            # The dump goes beside the backup, not to /tmp: it is as large as the database.
            with tempfile.TemporaryDirectory(dir=path.parent) as folder:
                database = Path(folder) / backups.DATABASE_FILES[engine]
                backups.dump_database(database)
                backups.write_backup(partial, database=database, media=media, manifest=manifest)
            # Only a complete backup gets the name; a failed one leaves nothing behind.
            partial.rename(path)
        finally:
            partial.unlink(missing_ok=True)
        if root is None:
            self.stderr.write(
                "The uploads are in object storage (S3_BUCKET): the bucket keeps them, and this "
                "backup has the database only.",
                self.style.WARNING,
            )
        self.stdout.write(str(path))
