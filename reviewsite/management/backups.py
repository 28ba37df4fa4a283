"""Site backups (`backup_site`, `restore_site`): the database and the uploads in one .tar.gz.

The archive holds `backup.json` (what it is), the database, and `media/` (MEDIA_ROOT's files).
Both ways copy the database whole, so a restore gives back exactly what was backed up: every
row with its primary key, and the sequences that number new rows.
- PostgreSQL: `pg_dump --format=custom` as `database.dump`, put back with `pg_restore --clean`.
- SQLite: a copy made with SQLite's online backup API as `database.sqlite3`, copied back the
  same way. (`dumpdata` and `loaddata` would not be exact: they leave the sequences alone, and
  natural keys renumber rows.)
Uploads kept in object storage (S3_BUCKET) are not in MEDIA_ROOT: the bucket keeps them, and
backups leave them out.
"""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

FORMAT = "marquee-backup"
VERSION = 1
MANIFEST = "backup.json"
MEDIA = "media"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
SQLITE_HEADER = b"SQLite format 3\x00"
# Connection options libpq reads from the environment; the other OPTIONS keys are Django's.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
}


def engine() -> str:
    """The kind of database the settings point to: "postgresql" or "sqlite"."""
    if connection.vendor not in DATABASE_FILES:
        raise CommandError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


def database_name() -> str:
    return str(connection.settings_dict["NAME"])


def media_root() -> Path | None:
    """Where uploads live, or None when they are in object storage (S3) rather than a folder."""
    if not isinstance(storages["default"], FileSystemStorage):
        return None
    return Path(settings.MEDIA_ROOT)


def default_path() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.BASE_DIR) / "backups" / f"marquee-{stamp}.tar.gz"


# The database


def _run_pg(program: str, *args: str) -> None:
    """Run pg_dump or pg_restore on the database the settings point to (in tests, the test
    database: connection.settings_dict)."""
    if shutil.which(program) is None:
        raise CommandError(
            f"{program} was not found: install PostgreSQL's client programs, of the server's "
            "major version or newer (Debian and Ubuntu: apt-get install postgresql-client)."
        )
    db = connection.settings_dict
    command = [program, "--no-password"]
    for option, key in (("host", "HOST"), ("port", "PORT"), ("username", "USER")):
        if db.get(key):
            command.append(f"--{option}={db[key]}")
    if db.get("NAME"):
        command.append(f"--dbname={db['NAME']}")
    environment = dict(os.environ)
    if db.get("PASSWORD"):
        environment["PGPASSWORD"] = str(db["PASSWORD"])
    for option, variable in LIBPQ_OPTIONS.items():
        if value := (db.get("OPTIONS") or {}).get(option):
            environment[variable] = str(value)
    result = subprocess.run(
        [*command, *args], env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise CommandError(f"{program} failed:\n{result.stderr.strip()}")


def dump_database(target: Path) -> None:
    """Copy the whole database into the file `target`."""
    if engine() == "postgresql":
        _run_pg("pg_dump", "--format=custom", f"--file={target}")
        return
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()


def check_database_file(source: Path) -> None:
    """Refuse a database copy that cannot be restored, before anything changes."""
    if engine() == "postgresql":
        _run_pg("pg_restore", "--list", str(source))
        return
    with source.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise CommandError(f"The backup's {source.name} is not an SQLite database.")
    copy = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
    try:
        (result,) = copy.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError as error:
        raise CommandError(f"The backup's {source.name} is damaged: {error}") from error
    finally:
        copy.close()
    if result != "ok":
        raise CommandError(f"The backup's {source.name} is damaged: {result}")


def restore_database(source: Path) -> None:
    """Make the database the copy in `source`: its schema, rows and sequences."""
    if connection.in_atomic_block:
        raise CommandError("A restore cannot run inside a transaction.")
    if engine() == "postgresql":
        # --clean drops each table, sequence and index of the backup before creating it again
        # (rows added since go, sequences go back to their values at backup time); in one
        # transaction, so that a restore that fails leaves the database as it was.
        options = ["--clean", "--if-exists", "--no-owner", "--single-transaction"]
        _run_pg("pg_restore", *options, str(source))
        return
    connection.ensure_connection()
    copy = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
    try:
        # Every page of the live database replaced in one write transaction: the schema, the
        # rows and sqlite_sequence (where the primary keys go on) become the backup's.
        copy.backup(connection.connection)
    finally:
        copy.close()


# The archive


def media_entries(root: Path | None) -> list[tuple[Path, str]]:
    """MEDIA_ROOT's folders and files (no links), with their names in the archive."""
    if root is None or not root.is_dir():
        return []
    entries = [(root, MEDIA)]
    for folder, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in [*dirnames, *sorted(filenames)]:
            path = Path(folder) / name
            if not path.is_symlink() and (path.is_dir() or path.is_file()):
                entries.append((path, f"{MEDIA}/{path.relative_to(root).as_posix()}"))
    return entries


def write_backup(path: Path, *, database: Path, media: list[tuple[Path, str]], manifest: dict):
    """Write the archive: its manifest first, then the database and the media."""
    data = json.dumps(manifest, indent=2).encode()
    info = tarfile.TarInfo(MANIFEST)
    info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o644
    with tarfile.open(path, "x:gz") as archive:
        archive.addfile(info, io.BytesIO(data))
        archive.add(database, arcname=database.name)
        for source, name in media:
            archive.add(source, arcname=name, recursive=False)


class Backup:
    """A backup archive opened for restoring, checked to be one: `manifest`, and its parts."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise CommandError(f"No backup at {path}: no such file.")
        self.path = path
        not_a_backup = f"{path} is not a Marquee backup"
        try:
            # Open for the Backup's life; `close()` (or the `with` block) closes it.
            self.archive = tarfile.open(path, "r:gz")  # noqa: SIM115
        except (tarfile.TarError, OSError, EOFError) as error:
            raise CommandError(f"{not_a_backup} (not a readable .tar.gz: {error}).") from error
        try:
            members = self.archive.getmembers()
        except (tarfile.TarError, OSError, EOFError) as error:
            self.close()
            raise CommandError(f"{not_a_backup} (not a readable .tar.gz: {error}).") from error
        try:
            self.members = {member.name: member for member in members}
            manifest = self.members.get(MANIFEST)
            self.manifest = json.load(self.archive.extractfile(manifest)) if manifest else {}
        except (ValueError, tarfile.TarError, OSError) as error:
            self.close()
            raise CommandError(f"{not_a_backup} ({MANIFEST} is not readable).") from error
        if not isinstance(self.manifest, dict) or self.manifest.get("format") != FORMAT:
            self.close()
            raise CommandError(f"{not_a_backup} (it has no {MANIFEST} saying so).")
        if self.manifest.get("version") != VERSION:
            self.close()
            raise CommandError(f"{path} is a backup of another version ({VERSION} expected).")
        self.engine = self.manifest.get("engine")
        if self.engine not in DATABASE_FILES or DATABASE_FILES[self.engine] not in self.members:
            self.close()
            raise CommandError(f"{not_a_backup}: it holds no database.")
        for member in members:
            parts = PurePosixPath(member.name).parts
            inside = member.name in (MANIFEST, DATABASE_FILES[self.engine]) or (
                parts[:1] == (MEDIA,) and ".." not in parts
            )
            if not inside or not (member.isfile() or member.isdir()):
                self.close()
                raise CommandError(f"{not_a_backup}: it holds {member.name!r}.")

    def __enter__(self) -> "Backup":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self.archive.close()

    def has_media(self) -> bool:
        """Whether MEDIA_ROOT was backed up (with no files, if it had none); not with S3."""
        return bool(self.manifest.get("media_included"))

    def extract_database(self, folder: Path) -> Path:
        target = folder / DATABASE_FILES[self.engine]
        self._extract(self.members[target.name], target)
        return target

    def _extract(self, member: tarfile.TarInfo, target: Path) -> None:
        if member.isdir():
            target.mkdir(parents=True, exist_ok=True)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        with self.archive.extractfile(member) as source, target.open("wb") as file:
            shutil.copyfileobj(source, file)
        os.utime(target, (member.mtime, member.mtime))

    def restore_media(self, root: Path) -> int:
        """Make MEDIA_ROOT hold exactly the backup's files; how many there are. They are
        unpacked beside the old ones (in MEDIA_ROOT, which may be a mount point) before those
        are removed."""
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".restoring-", dir=root))
        files = 0
        try:
            for name, member in self.members.items():
                if name.startswith(f"{MEDIA}/"):
                    self._extract(member, staging / PurePosixPath(name).relative_to(MEDIA))
                    files += member.isfile()
            for entry in root.iterdir():
                if entry == staging:
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
            for entry in staging.iterdir():
                entry.rename(root / entry.name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return files
