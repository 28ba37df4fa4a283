"""Site backups (`backup_site`, `restore_site`): the database and the uploads in one .tar.gz.

The archive holds the database, `media/` (MEDIA_ROOT's files) and `backup.json` (what it is).
The database is copied first and the media after, so every file a copied row names is there.
Both ways copy the database whole, so a restore gives back exactly what was backed up: every
row with its primary key, and the sequences that number new rows.
- PostgreSQL: `pg_dump --format=custom` as `database.dump`. A restore replaces the whole
  `public` schema in one transaction: `psql` runs `DROP SCHEMA public CASCADE`, creates it
  again, then the SQL `pg_restore` makes of the dump (so tables added since go too).
- SQLite: a copy made with SQLite's online backup API as `database.sqlite3`, copied back the
  same way. (`dumpdata` and `loaddata` would not be exact: they leave the sequences alone, and
  natural keys renumber rows.)
Uploads kept in object storage (S3_BUCKET) are not in MEDIA_ROOT: the bucket keeps them, and
backups leave them out.
"""

import contextlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
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
# A restore's working folders in MEDIA_ROOT (renames stay on its filesystem): the backup's files
# unpacked, and the files they replace until they are all in place. Backups leave them out.
STAGING_PREFIX = ".restoring-"
OLD_PREFIX = ".old-"
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


def stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M%S")


def default_path() -> Path:
    return Path(settings.BASE_DIR) / "backups" / f"marquee-{stamp()}.tar.gz"


def safety_path() -> Path:
    """Where restore_site keeps the site as it was before: backups/pre-restore-<stamp>.tar.gz."""
    folder, name = Path(settings.BASE_DIR) / "backups", f"pre-restore-{stamp()}"
    path, number = folder / f"{name}.tar.gz", 1
    while path.exists() or path.with_name(f".{path.name}.partial").exists():
        number += 1
        path = folder / f"{name}-{number}.tar.gz"
    return path


# The database


def _require(program: str) -> None:
    if shutil.which(program) is None:
        raise CommandError(
            f"{program} was not found: install PostgreSQL's client programs (pg_dump, "
            "pg_restore and psql), of the server's major version or newer (Debian and Ubuntu: "
            "apt-get install postgresql-client)."
        )


def _pg_command(program: str) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that connect pg_dump or psql to the database the
    settings point to (in tests, the test database: connection.settings_dict)."""
    _require(program)
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
    return command, environment


def _run(command: list[str], environment: dict[str, str] | None = None) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise CommandError(f"{command[0]} failed:\n{result.stderr.strip()}")


def dump_database(target: Path) -> None:
    """Copy the whole database into the file `target`."""
    if engine() == "postgresql":
        command, environment = _pg_command("pg_dump")
        _run([*command, "--format=custom", f"--file={target}"], environment)
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
        _require("pg_restore")
        _run(["pg_restore", "--list", str(source)])
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
        _restore_postgresql(source)
        # A fresh connection for what follows: the tables it knew were dropped.
        connection.close()
        return
    connection.ensure_connection()
    copy = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
    try:
        # Every page of the live database replaced in one write transaction: the schema, the
        # rows and sqlite_sequence (where the primary keys go on) become the backup's.
        copy.backup(connection.connection)
    finally:
        copy.close()


# PostgreSQL: the schema as initdb makes it, emptied; the dump's own GRANTs, REVOKEs and COMMENT
# on it are changes from that state (pg_dump writes no CREATE SCHEMA public), so they apply as
# they did. Owning public (PostgreSQL 15: the database's owner) is needed to drop it.
SCHEMA_RESET = """\
BEGIN;
DROP SCHEMA public CASCADE;
CREATE SCHEMA public;
COMMENT ON SCHEMA public IS 'standard public schema';
DO $$
BEGIN
    IF current_setting('server_version_num')::int < 150000 THEN
        GRANT USAGE, CREATE ON SCHEMA public TO PUBLIC;
    ELSE
        GRANT USAGE ON SCHEMA public TO PUBLIC;
        IF pg_has_role('pg_database_owner', 'USAGE') THEN
            ALTER SCHEMA public OWNER TO pg_database_owner;
        END IF;
    END IF;
END
$$;
"""


def _restore_postgresql(source: Path) -> None:
    """Replace the public schema with the dump's, in one transaction: everything there now goes
    (tables of later migrations too, with whatever refers to the dump's tables), then the dump's
    schema, rows and sequences. pg_restore's SQL streams into psql; COMMIT is sent only once
    pg_restore has written it all, so a failure anywhere leaves the database as it was.
    (`psql --single-transaction` would commit a stream cut short.)"""
    _require("pg_restore")
    psql, environment = _pg_command("psql")
    psql += ["--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1"]
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
        reader = subprocess.Popen(
            psql,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_errors,
            env=environment,
        )
        writer = subprocess.Popen(
            ["pg_restore", "--no-owner", "--file=-", str(source)],
            stdout=subprocess.PIPE,
            stderr=restore_errors,
            env=environment,
        )
        try:
            reader.stdin.write(SCHEMA_RESET.encode())
            shutil.copyfileobj(writer.stdout, reader.stdin, 1024 * 1024)
            if writer.wait() == 0:
                reader.stdin.write(b"\nCOMMIT;\n")
        except BrokenPipeError:
            pass  # psql stopped at an error (ON_ERROR_STOP), which it wrote to stderr
        finally:
            with contextlib.suppress(BrokenPipeError):
                reader.stdin.close()  # psql ends; without COMMIT, the transaction is undone
            if writer.poll() is None:  # psql stopped reading: pg_restore is of no use now
                writer.kill()
            writer.wait()
            writer.stdout.close()
            reader.wait()
        for program, process, errors in (
            ("psql", reader, psql_errors),
            ("pg_restore", writer, restore_errors),
        ):
            if process.returncode != 0:
                errors.seek(0)
                message = errors.read().decode(errors="replace").strip()
                raise CommandError(f"{program} failed; the database was left as it was:\n{message}")


# The archive


def media_entries(root: Path | None) -> Iterator[tuple[Path, str, bool]]:
    """MEDIA_ROOT's folders and files (no links), as the walk finds them: each with its name in
    the archive, and whether it is a file. A restore's working folders are left out."""
    if root is None or not root.is_dir():
        return
    yield root, MEDIA, False
    for folder, dirnames, filenames in os.walk(root):
        if Path(folder) == root:
            dirnames[:] = [
                name for name in dirnames if not name.startswith((STAGING_PREFIX, OLD_PREFIX))
            ]
        dirnames.sort()
        for name in [*dirnames, *sorted(filenames)]:
            path = Path(folder) / name
            if not path.is_symlink() and (path.is_dir() or path.is_file()):
                name_inside = f"{MEDIA}/{path.relative_to(root).as_posix()}"
                yield path, name_inside, path.is_file()


def write_backup(path: Path, *, database: Path, root: Path | None, manifest: dict) -> int:
    """Write the archive: the database, then MEDIA_ROOT's files as they are now (one deleted
    since the walk saw it is left out), then the manifest, which counts them. How many."""
    files = 0
    with tarfile.open(path, "x:gz") as archive:
        archive.add(database, arcname=database.name)
        for source, name, is_file in media_entries(root):
            try:
                archive.add(source, arcname=name, recursive=False)
            except FileNotFoundError:
                continue  # deleted (with its row, or being replaced) since the walk listed it
            files += is_file
        data = json.dumps(manifest | {"media_files": files}, indent=2).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o644
        archive.addfile(info, io.BytesIO(data))
    return files


def create_backup(path: Path) -> Path:
    """Back up the database and MEDIA_ROOT into the new file `path` (backup_site, and the
    safety copy restore_site makes first); its absolute path."""
    kind = engine()
    path = path.absolute()
    if path.exists():
        raise CommandError(f"{path} already exists: name another file with --output.")
    path.parent.mkdir(parents=True, exist_ok=True)
    root = media_root()
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created": timezone.now().isoformat(),
        "engine": kind,
        "database": database_name(),
        "media_included": root is not None,
    }
    partial = path.with_name(f".{path.name}.partial")
    try:
        # The dump goes beside the backup, not to /tmp: it is as large as the database.
        with tempfile.TemporaryDirectory(dir=path.parent) as folder:
            database = Path(folder) / DATABASE_FILES[kind]
            # The database first, the media after: a file uploaded meanwhile is in the backup
            # (at worst without its row), never a row without its file.
            dump_database(database)
            write_backup(partial, database=database, root=root, manifest=manifest)
        # Only a complete backup gets the name; a failed one leaves nothing behind.
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


class Backup:
    """A backup archive opened for restoring, checked to be one: `manifest`, and its parts."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise CommandError(f"No backup at {path}: no such file.")
        self.path = path
        try:
            # Open for the Backup's life; `close()` (or the `with` block) closes it.
            self.archive = tarfile.open(path, "r:gz")  # noqa: SIM115
        except (tarfile.TarError, OSError, EOFError) as error:
            raise CommandError(
                f"{path} is not a Marquee backup (not a readable .tar.gz: {error})."
            ) from error
        try:
            self._check()
        except BaseException:
            self.close()
            raise

    def _check(self) -> None:
        """Read the manifest and refuse an archive that is not one of our backups."""
        not_a_backup = f"{self.path} is not a Marquee backup"
        try:
            members = self.archive.getmembers()
        except (tarfile.TarError, OSError, EOFError) as error:
            raise CommandError(f"{not_a_backup} (not a readable .tar.gz: {error}).") from error
        try:
            self.members = {member.name: member for member in members}
            manifest = self.members.get(MANIFEST)
            self.manifest = json.load(self.archive.extractfile(manifest)) if manifest else {}
        except (ValueError, tarfile.TarError, OSError) as error:
            raise CommandError(f"{not_a_backup} ({MANIFEST} is not readable).") from error
        if not isinstance(self.manifest, dict) or self.manifest.get("format") != FORMAT:
            raise CommandError(f"{not_a_backup} (it has no {MANIFEST} saying so).")
        if self.manifest.get("version") != VERSION:
            raise CommandError(f"{self.path} is a backup of another version ({VERSION} expected).")
        self.engine = self.manifest.get("engine")
        if self.engine not in DATABASE_FILES or DATABASE_FILES[self.engine] not in self.members:
            raise CommandError(f"{not_a_backup}: it holds no database.")
        for member in members:
            parts = PurePosixPath(member.name).parts
            inside = member.name in (MANIFEST, DATABASE_FILES[self.engine]) or (
                parts[:1] == (MEDIA,) and ".." not in parts
            )
            if not inside or not (member.isfile() or member.isdir()):
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

    def stage_media(self, root: Path) -> "StagedMedia":
        """Unpack the backup's media into a hidden folder in MEDIA_ROOT (which may be a mount
        point: moving them in from there is a rename on the same filesystem), before anything
        changes; `StagedMedia.swap()` puts them in place."""
        try:
            root.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
        except OSError as error:
            raise CommandError(f"The media cannot be unpacked into {root}: {error}") from error
        files = 0
        try:
            for name, member in self.members.items():
                if name.startswith(f"{MEDIA}/"):
                    self._extract(member, staging / PurePosixPath(name).relative_to(MEDIA))
                    files += member.isfile()
        except BaseException as error:
            shutil.rmtree(staging, ignore_errors=True)
            if isinstance(error, OSError):
                raise CommandError(
                    f"The backup's media could not be unpacked into {root} ({error}): nothing "
                    "was changed."
                ) from error
            raise
        return StagedMedia(root, staging, files)


class StagedMedia:
    """A backup's media unpacked into `staging`, a folder in MEDIA_ROOT (`root`)."""

    def __init__(self, root: Path, staging: Path, files: int) -> None:
        self.root, self.staging, self.files = root, staging, files
        self.leftover: Path | None = None  # old files that could not be deleted

    def swap(self) -> int:
        """Make MEDIA_ROOT hold exactly the staged files; how many there are. The old entries
        are renamed into a hidden `.old-<stamp>` folder, the staged ones renamed in, and the
        old ones deleted only then. If a step fails, everything is moved back as it was and a
        CommandError says why."""
        try:
            old = Path(tempfile.mkdtemp(prefix=f"{OLD_PREFIX}{stamp()}-", dir=self.root))
        except OSError as error:
            raise CommandError(f"{self.root} was left as it was: {error}") from error
        moved_out: list[str] = []
        moved_in: list[str] = []
        try:
            for entry in sorted(self.root.iterdir()):
                if entry not in (self.staging, old):
                    entry.rename(old / entry.name)
                    moved_out.append(entry.name)
            for entry in sorted(self.staging.iterdir()):
                entry.rename(self.root / entry.name)
                moved_in.append(entry.name)
        except OSError as error:
            problems = self._move_back(old, moved_out, moved_in)
            if problems:
                raise CommandError(
                    f"Putting the media in place failed ({error}), and so did putting back "
                    f"some of the old ones: they are in {old}.\n" + "\n".join(problems)
                ) from error
            raise CommandError(
                f"Putting the media in place failed ({error}): {self.root} was put back as it was."
            ) from error
        try:
            shutil.rmtree(old)
        except OSError:
            self.leftover = old
        return self.files

    def _move_back(self, old: Path, moved_out: list[str], moved_in: list[str]) -> list[str]:
        problems = []
        for name in reversed(moved_in):
            try:
                (self.root / name).rename(self.staging / name)
            except OSError as error:
                problems.append(f"{self.root / name}: {error}")
        for name in reversed(moved_out):
            try:
                (old / name).rename(self.root / name)
            except OSError as error:
                problems.append(f"{old / name}: {error}")
        if not problems:
            with contextlib.suppress(OSError):
                old.rmdir()  # empty again: only rmdir, which never deletes a file
        return problems

    def discard(self) -> None:
        """Delete the staging folder (empty once swapped in)."""
        shutil.rmtree(self.staging, ignore_errors=True)
