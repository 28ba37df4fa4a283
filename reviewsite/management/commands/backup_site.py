from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from reviewsite.management import backups


class Command(BaseCommand):
    help = (
        "Back up the whole database and the uploaded media (MEDIA_ROOT) into one .tar.gz, by "
        "default backups/marquee-YYYYmmdd-HHMMSS.tar.gz, and print its path. PostgreSQL is "
        "dumped with pg_dump, SQLite copied with its online backup API, before the media are "
        "read (a file uploaded meanwhile is included): `restore_site` puts "
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
        path = backups.create_backup(output or backups.default_path())
        if backups.media_root() is None:
            self.stderr.write(
                "The uploads are in object storage (S3_BUCKET): the bucket keeps them, and this "
                "backup has the database only.",
                self.style.WARNING,
            )
        self.stdout.write(str(path))
