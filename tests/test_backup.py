"""`backup_site` and `restore_site` (make backup, make restore): a restore gives back exactly
the database and the uploads as they were at backup time, on SQLite and on PostgreSQL."""

import io
import json
import os
import re
import shutil
import tarfile
from decimal import Decimal
from pathlib import Path

import factory
import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from films.models import Credit, Film
from films.services import remember_old_slug
from forums import services as forum_services
from forums.models import MOVIE_FORUM_SLUG, Board, PostReportReason
from reviews import services as review_services
from reviews.models import AudienceReview, ReportReason
from reviewsite.management import backups
from tests.factories import (
    ArticleFactory,
    AudienceReviewFactory,
    CreditFactory,
    CriticFactory,
    CriticReviewFactory,
    FilmFactory,
    GenreFactory,
    MemberFactory,
    PhotoFactory,
    PublicationFactory,
)

# pg_dump and pg_restore work on their own connections: the rows must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _backups_folder(settings, tmp_path):
    """backups/ (the default backups, and the safety backups restores write first) is in the
    test's temporary folder, not the checkout's."""
    settings.BASE_DIR = tmp_path


def image(name: str, color: str):
    return factory.django.ImageField(width=5, height=4, color=color, filename=name)


def build_site(client) -> dict:
    """A little of everything: members with avatars, films with posters, credits and photos,
    critic and audience reviews, votes, reports, score history, forum threads, news, a
    session and a failed login. Stored counters are rebuilt, as the site keeps them."""
    members = [
        MemberFactory(username="ana", avatar=image("ana.png", "red")),
        MemberFactory(username="bo", avatar=image("bo.png", "green")),
        MemberFactory(username="cy", display_name="Cy Cinephile"),
    ]
    drama, comedy = GenreFactory(name="Drama"), GenreFactory(name="Comedy")
    films = [
        FilmFactory(title="Harbor Lights", genres=[drama], poster=image("harbor.png", "navy")),
        FilmFactory(title="Second Helping", genres=[drama, comedy]),
        FilmFactory(title="Quiet Rooms", year=1999),
    ]
    for film in films[:2]:
        CreditFactory(film=film, role=Credit.Role.DIRECTOR)
        CreditFactory(film=film)
        PhotoFactory(film=film)
    remember_old_slug(film=films[1], old_slug="second-helpings")

    publication = PublicationFactory()
    top_critic = CriticFactory(is_top_critic=True, publications=[publication])
    for film in films:
        CriticReviewFactory(film=film, critic=top_critic, publication=publication)
        CriticReviewFactory(film=film, sentiment="rotten")
    reviews = [
        AudienceReviewFactory(film=films[0], user=members[0], rating=Decimal("4.5")),
        AudienceReviewFactory(film=films[0], user=members[1], rating=Decimal("2.0")),
        AudienceReviewFactory(film=films[1], user=members[2], rating=None, body="Hmm."),
    ]
    review_services.mark_review_helpful(review=reviews[0], user=members[1], helpful=True)
    review_services.mark_review_helpful(review=reviews[0], user=members[2], helpful=True)
    review_services.report_audience_review(
        review=reviews[1], reporter=members[0], reason=ReportReason.SPAM, details="Ads."
    )

    board = Board.objects.get_or_create(slug=MOVIE_FORUM_SLUG, defaults={"name": "Movie forum"})[0]
    thread = forum_services.start_thread(
        board=board, author=members[0], title="That ending", body="Earned?", film=films[0]
    )
    reply = forum_services.reply(thread=thread, author=members[1], body="Yes.")
    forum_services.reply(thread=thread, author=members[2], body="No.")
    forum_services.edit_post(post=reply, user=members[1], body="Yes, mostly.")
    forum_services.report_post(
        post=reply, reporter=members[0], reason=PostReportReason.OFF_TOPIC, details="Hm."
    )
    forum_services.follow_thread(thread=thread, user=members[2])
    ArticleFactory(films=films[:2])

    call_command("recompute_scores", stdout=io.StringIO())
    call_command("sync_forums", stdout=io.StringIO())
    call_command("record_scores", stdout=io.StringIO())
    client.post(reverse("accounts:login"), {"username": "bo", "password": "wrong"})
    client.force_login(members[0])  # a session
    return {"members": members, "films": films, "reviews": reviews, "thread": thread}


def database_rows() -> dict[str, list[tuple]]:
    """Every row of every model of every installed app (many-to-many tables too): all its
    concrete fields, primary key included, in primary key order."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:
            continue
        fields = [field.attname for field in model._meta.concrete_fields]
        rows[model._meta.label] = list(model._base_manager.order_by("pk").values_list(*fields))
    return rows


def sequences() -> list[tuple]:
    """Where each table's primary keys go on."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT schemaname, sequencename, last_value FROM pg_sequences ORDER BY 1, 2"
            )
        else:
            cursor.execute("SELECT name, seq FROM sqlite_sequence ORDER BY name")
        return cursor.fetchall()


def media_files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def back_up(path: Path) -> str:
    output = io.StringIO()
    call_command("backup_site", output=path, stdout=output, stderr=io.StringIO())
    return output.getvalue()


def restore(path: Path, *args: str) -> str:
    output = io.StringIO()
    call_command("restore_site", str(path), *args, stdout=output, stderr=io.StringIO())
    return output.getvalue()


def test_a_restore_brings_back_the_database_and_media_exactly(client, settings, tmp_path):
    site = build_site(client)
    media_root = Path(settings.MEDIA_ROOT)
    rows, numbering, files = database_rows(), sequences(), media_files(media_root)
    # The site is varied: every app's main tables have rows, and there are uploads.
    for label in [
        "accounts.User",
        "films.Film_genres",
        "films.Credit",
        "films.Photo",
        "films.FilmRedirect",
        "reviews.CriticReview",
        "reviews.AudienceReview",
        "reviews.HelpfulVote",
        "reviews.ReviewReport",
        "reviews.ScoreRecord",
        "forums.Post",
        "forums.PostRevision",
        "forums.PostReport",
        "forums.ThreadVisit",
        "news.Article_films",
        "sessions.Session",
        "axes.AccessAttempt",
        "contenttypes.ContentType",
    ]:
        assert rows[label], label
    assert len(files) == 5  # 2 avatars, a poster and 2 photos
    backup = tmp_path / "site.tar.gz"

    assert back_up(backup).strip() == str(backup)

    # Afterwards: rows deleted, added and edited; an upload deleted, another added.
    films, members, reviews = site["films"], site["members"], site["reviews"]
    Film.objects.filter(pk=films[2].pk).delete()
    AudienceReview.objects.filter(pk=reviews[1].pk).update(rating=Decimal("0.5"), body="Edited.")
    members[2].delete()
    added_film = FilmFactory(title="Added Later", poster=image("later.png", "white"))
    added_member = MemberFactory(username="dee")
    forum_services.reply(thread=site["thread"], author=added_member, body="Late.")
    Film.objects.filter(pk=films[0].pk).update(title="Renamed")
    members[0].avatar.storage.delete(members[0].avatar.name)
    assert database_rows() != rows and media_files(media_root) != files

    output = restore(backup, "--noinput")

    assert database_rows() == rows
    assert sequences() == numbering
    assert media_files(media_root) == files
    assert "recompute_scores --check: 3 film(s) checked; 0 differ." in output
    assert "sync_forums --check:" in output and "0 counter(s) differed" in output
    call_command("recompute_scores", check=True, stdout=io.StringIO())
    # New rows go on from where the backup left off: the same keys as the rows added after it,
    # which the restore took away, and none of the backed-up ones.
    film = FilmFactory(title="After the Restore")
    member = MemberFactory(username="eve")
    assert (film.pk, member.pk) == (added_film.pk, added_member.pk)
    assert film.pk not in {row[0] for row in rows["films.Film"]}


def test_make_backup_names_the_file_by_date_and_time(settings, tmp_path):
    settings.BASE_DIR = tmp_path

    path = Path(back_up(None).strip())

    assert path.parent == tmp_path / "backups"
    assert re.fullmatch(r"marquee-\d{8}-\d{6}\.tar\.gz", path.name)
    assert path.is_file()
    with pytest.raises(CommandError, match="already exists"):
        back_up(path)


def test_the_restore_asks_first_and_changes_nothing_unless_told_yes(
    client, settings, tmp_path, monkeypatch
):
    build_site(client)
    backup = tmp_path / "site.tar.gz"
    back_up(backup)
    FilmFactory(title="Kept")
    rows, files = database_rows(), media_files(Path(settings.MEDIA_ROOT))
    questions = []
    monkeypatch.setattr("builtins.input", lambda question: questions.append(question) or "no")

    assert "Restore cancelled: nothing was changed." in restore(backup)

    assert "Type 'yes' to continue" in questions[0]
    assert database_rows() == rows
    assert media_files(Path(settings.MEDIA_ROOT)) == files
    monkeypatch.setattr("builtins.input", lambda question: "yes")
    restore(backup)
    assert not Film.objects.filter(title="Kept").exists()


def test_visitors_get_the_restored_pages_not_ones_kept_from_before(client, tmp_path):
    film = FilmFactory(title="As Backed Up")
    backup = tmp_path / "site.tar.gz"
    back_up(backup)
    Film.objects.filter(pk=film.pk).update(title="Changed Since")
    assert "Changed Since" in client.get(film.get_absolute_url()).text  # now kept in the cache

    restore(backup, "--noinput")

    page = client.get(film.get_absolute_url()).text
    assert "As Backed Up" in page and "Changed Since" not in page


def test_the_restore_reports_counters_that_were_wrong_in_the_backup(client, tmp_path):
    site = build_site(client)
    Film.objects.filter(pk=site["films"][0].pk).update(audience_rating_count=99)
    backup = tmp_path / "site.tar.gz"
    back_up(backup)

    with pytest.raises(CommandError, match="stored counters differ") as error:
        restore(backup, "--noinput")

    assert "harbor-lights" in str(error.value)
    assert Film.objects.get(pk=site["films"][0].pk).audience_rating_count == 99


def test_a_missing_backup_is_refused(tmp_path):
    with pytest.raises(CommandError, match="No backup at"):
        restore(tmp_path / "nowhere.tar.gz", "--noinput")


def write_archive(path: Path, entries: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def manifest(**changes) -> bytes:
    engine = connection.vendor
    values = {"format": "marquee-backup", "version": 1, "engine": engine, "media_included": True}
    return json.dumps(values | changes).encode()


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        (None, "not a readable .tar.gz"),
        ({"notes.txt": b"hello"}, "not a Marquee backup"),
        ({"backup.json": b"{not json"}, "not readable"),
        ({"backup.json": b'{"format": "other"}'}, "not a Marquee backup"),
        ({"backup.json": manifest(version=2)}, "another version"),
        ({"backup.json": manifest()}, "holds no database"),
    ],
    ids=["not-an-archive", "no-manifest", "bad-manifest", "other-format", "version", "no-db"],
)
def test_a_file_that_is_not_a_backup_is_refused(tmp_path, entries, message):
    path = tmp_path / "file.tar.gz"
    if entries is None:
        path.write_text("just some text")
    else:
        write_archive(path, entries)
    FilmFactory(title="Still Here")

    with pytest.raises(CommandError, match=message):
        restore(path, "--noinput")

    assert Film.objects.filter(title="Still Here").exists()


def test_a_backup_whose_files_reach_outside_media_is_refused(client, settings, tmp_path):
    build_site(client)
    good = tmp_path / "site.tar.gz"
    back_up(good)
    with tarfile.open(good) as archive:
        entries = {
            member.name: archive.extractfile(member).read()
            for member in archive.getmembers()
            if member.isfile()
        }
    entries["media/../../escaped.txt"] = b"gotcha"
    bad = write_archive(tmp_path / "bad.tar.gz", entries)
    rows = database_rows()

    with pytest.raises(CommandError, match=r"escaped\.txt"):
        restore(bad, "--noinput")

    assert database_rows() == rows
    assert not any(tmp_path.rglob("escaped.txt"))


def test_a_damaged_database_in_the_backup_is_refused(tmp_path):
    database = "database.dump" if connection.vendor == "postgresql" else "database.sqlite3"
    path = write_archive(
        tmp_path / "site.tar.gz", {"backup.json": manifest(), database: b"not a database"}
    )
    FilmFactory(title="Still Here")

    with pytest.raises(CommandError):
        restore(path, "--noinput")

    assert Film.objects.filter(title="Still Here").exists()


def archive_files(path: Path) -> dict[str, bytes]:
    with tarfile.open(path) as archive:
        return {
            member.name: archive.extractfile(member).read()
            for member in archive.getmembers()
            if member.isfile()
        }


def test_a_restore_first_writes_a_safety_backup_that_restores_what_it_replaced(
    client, settings, tmp_path
):
    build_site(client)
    media_root = Path(settings.MEDIA_ROOT)
    backup = tmp_path / "site.tar.gz"
    back_up(backup)
    rows_then, files_then = database_rows(), media_files(media_root)
    FilmFactory(title="Written Since", poster=image("since.png", "white"))
    rows_now, numbering_now, files_now = database_rows(), sequences(), media_files(media_root)

    output = restore(backup, "--noinput")

    safety = Path(re.search(r"Safety backup of the site before the restore: (\S+)", output)[1])
    assert safety.parent == tmp_path / "backups"
    assert re.fullmatch(r"pre-restore-\d{8}-\d{6}\.tar\.gz", safety.name)
    assert database_rows() == rows_then and media_files(media_root) == files_then

    output = restore(safety, "--noinput", "--no-safety-backup")

    assert "Safety backup" not in output
    assert list((tmp_path / "backups").iterdir()) == [safety]  # none written this time
    assert database_rows() == rows_now
    assert sequences() == numbering_now
    assert media_files(media_root) == files_now


@pytest.mark.parametrize("step", ["moving-the-old-out", "moving-the-new-in"])
def test_a_media_swap_that_fails_puts_the_old_media_back(
    client, settings, tmp_path, monkeypatch, step
):
    build_site(client)
    media_root = Path(settings.MEDIA_ROOT)
    backup = tmp_path / "site.tar.gz"
    back_up(backup)
    FilmFactory(title="Added Since", poster=image("since.png", "white"))
    (media_root / "notes.txt").write_text("Written since.")
    files, entries = media_files(media_root), sorted(media_root.iterdir())
    rename, moves = Path.rename, []

    def failing_rename(self, target):
        """The second rename of the step fails, as a file held by another program would."""
        if step == "moving-the-old-out":
            moving = Path(target).parent.name.startswith(".old-")
        else:
            moving = self.parent.name.startswith(".restoring-")
        if moving:
            moves.append(self)
            if len(moves) == 2:
                raise PermissionError(13, "Permission denied", str(self))
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", failing_rename)

    with pytest.raises(CommandError, match="put back as it was") as error:
        restore(backup, "--noinput")

    assert "Permission denied" in str(error.value)
    assert "media are not" in str(error.value)
    assert media_files(media_root) == files
    assert sorted(media_root.iterdir()) == entries  # no staging or .old- folder left behind


def test_media_that_cannot_be_unpacked_leave_the_database_alone(
    client, settings, tmp_path, monkeypatch
):
    build_site(client)
    media_root = Path(settings.MEDIA_ROOT)
    backup = tmp_path / "site.tar.gz"
    back_up(backup)
    FilmFactory(title="Still Here")
    rows, files, entries = database_rows(), media_files(media_root), sorted(media_root.iterdir())
    extract = backups.Backup._extract

    def disk_full(self, member, target):
        if member.name.startswith("media/") and member.isfile():
            raise OSError(28, "No space left on device")
        return extract(self, member, target)

    monkeypatch.setattr(backups.Backup, "_extract", disk_full)

    with pytest.raises(CommandError, match="No space left on device"):
        restore(backup, "--noinput", "--no-safety-backup")

    assert database_rows() == rows
    assert media_files(media_root) == files
    assert sorted(media_root.iterdir()) == entries


def test_a_file_deleted_while_the_backup_is_written_is_left_out(settings, tmp_path, monkeypatch):
    media_root = Path(settings.MEDIA_ROOT)
    FilmFactory(title="Kept", poster=image("kept.png", "red"))
    gone = FilmFactory(title="Gone", poster=image("gone.png", "blue")).poster.name
    files = media_files(media_root)
    add = tarfile.TarFile.add

    def add_after_a_deletion(self, name, *args, **kwargs):
        if Path(name) == media_root / gone:  # listed by the walk, deleted before it is read
            Path(name).unlink()
        return add(self, name, *args, **kwargs)

    monkeypatch.setattr(tarfile.TarFile, "add", add_after_a_deletion)
    backup = tmp_path / "site.tar.gz"

    back_up(backup)

    saved = archive_files(backup)
    assert {name for name in saved if name.startswith("media/")} == {
        f"media/{name}" for name in files if name != gone
    }
    assert json.loads(saved["backup.json"])["media_files"] == len(files) - 1


def test_a_file_uploaded_while_the_database_is_dumped_is_in_the_backup(
    settings, tmp_path, monkeypatch
):
    FilmFactory(title="Before", poster=image("before.png", "red"))
    dump, uploaded = backups.dump_database, []

    def dump_after_an_upload(target):
        uploaded.append(FilmFactory(title="Meanwhile", poster=image("meanwhile.png", "teal")))
        dump(target)

    monkeypatch.setattr(backups, "dump_database", dump_after_an_upload)
    backup = tmp_path / "site.tar.gz"

    back_up(backup)

    assert f"media/{uploaded[0].poster.name}" in archive_files(backup)
    restore(backup, "--noinput", "--no-safety-backup")
    film = Film.objects.get(title="Meanwhile")
    assert film.poster.storage.exists(film.poster.name)


def public_schema() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_userbyid(nspowner), nspacl::text, obj_description(oid, 'pg_namespace')"
            " FROM pg_namespace WHERE nspname = 'public'"
        )
        return cursor.fetchone()


def test_a_postgresql_restore_replaces_the_whole_schema(client, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    build_site(client)
    backup = tmp_path / "site.tar.gz"
    back_up(backup)
    rows, numbering, schema = database_rows(), sequences(), public_schema()
    # A table of a later migration, referring to a backed-up one: pg_restore --clean could not
    # drop films_film for it, nor would it drop the new table.
    films = Film._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE later_notes (id bigserial PRIMARY KEY, "
            f"film_id bigint NOT NULL REFERENCES {films} (id), body text)"
        )
        cursor.execute(f"INSERT INTO later_notes (film_id, body) SELECT id, 'Note' FROM {films}")
    FilmFactory(title="Added Since")

    try:
        restore(backup, "--noinput", "--no-safety-backup")
    finally:
        with connection.cursor() as cursor:  # were the restore to fail, the flush would too
            cursor.execute("DROP TABLE IF EXISTS later_notes")

    assert "later_notes" not in connection.introspection.table_names()
    assert database_rows() == rows
    assert sequences() == numbering
    assert public_schema() == schema
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == (1,)
    assert Film.objects.filter(title__trigram_similar="Harbor Light").exists()


def test_a_postgresql_dump_cut_short_changes_nothing(client, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    build_site(client)
    good = tmp_path / "site.tar.gz"
    back_up(good)
    entries = archive_files(good)
    dump = entries["database.dump"]
    # The table of contents is whole (pg_restore --list accepts it); the data stops short.
    entries["database.dump"] = dump[: len(dump) * 3 // 4]
    cut = write_archive(tmp_path / "cut.tar.gz", entries)
    FilmFactory(title="Still Here")
    rows, numbering = database_rows(), sequences()

    with pytest.raises(CommandError, match="pg_restore failed"):
        restore(cut, "--noinput", "--no-safety-backup")

    assert database_rows() == rows
    assert sequences() == numbering


def test_a_postgresql_restore_that_stops_half_way_changes_nothing(client, tmp_path, monkeypatch):
    """pg_restore writes half of the SQL, up to the end of a table's rows, then fails: psql must
    not commit what it got (`psql --single-transaction` would, at the end of its input)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    build_site(client)
    backup = tmp_path / "site.tar.gz"
    back_up(backup)
    FilmFactory(title="Still Here")
    rows, numbering = database_rows(), sequences()
    folder = tmp_path / "bin"
    folder.mkdir()
    fake = folder / "pg_restore"
    # A line `\.` ends a table's rows (COPY): a point where the SQL so far is whole.
    script = """#!/bin/sh
real=REAL
case "$*" in *--list*) exec "$real" "$@";; esac
half=$(( $("$real" "$@" | wc -l) / 2 ))
"$real" "$@" | awk -v half="$half" '{ print } NR >= half && $0 == "\\\\." { exit }'
echo "pg_restore: error: could not read from input file" >&2
exit 1
"""
    fake.write_text(script.replace("REAL", shutil.which("pg_restore")))
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:{os.environ['PATH']}")

    with pytest.raises(CommandError, match="could not read from input file"):
        restore(backup, "--noinput", "--no-safety-backup")

    assert database_rows() == rows
    assert sequences() == numbering
