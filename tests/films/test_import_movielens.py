"""`import_movielens DIR`, as PRODUCT.md "Data in and out" describes it."""

import csv
import datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from films.models import Film, Genre
from films.movielens import parse_genres, parse_title
from reviews.models import AudienceReview
from tests.factories import FilmFactory, GenreFactory, MemberFactory

pytestmark = pytest.mark.django_db

User = get_user_model()

MOVIES_HEADER = ["movieId", "title", "genres"]
RATINGS_HEADER = ["userId", "movieId", "rating", "timestamp"]
TAGS_HEADER = ["userId", "movieId", "tag", "timestamp"]
LINKS_HEADER = ["movieId", "imdbId", "tmdbId"]
DAY = 1_136_073_600  # 2006-01-01 00:00:00 UTC


def write_movielens(
    folder: Path,
    *,
    movies: list[tuple] = (),
    ratings: list[tuple] = (),
    tags: list[tuple] | None = None,
    links: list[tuple] | None = None,
) -> Path:
    """A MovieLens-format folder with these rows (each file with its header, CSV-quoted)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {"movies.csv": (MOVIES_HEADER, movies), "ratings.csv": (RATINGS_HEADER, ratings)}
    if tags is not None:
        files["tags.csv"] = (TAGS_HEADER, tags)
    if links is not None:
        files["links.csv"] = (LINKS_HEADER, links)
    for name, (header, rows) in files.items():
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
    return folder


def run_import(folder: Path, *args: str) -> tuple[str, str]:
    """Run the command; its stdout and stderr."""
    out, err = StringIO(), StringIO()
    call_command("import_movielens", str(folder), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def many_ratings(movie_id: int, stars: list[str], *, first_user: int = 1) -> list[tuple]:
    return [(first_user + i, movie_id, rating, DAY + i) for i, rating in enumerate(stars)]


@pytest.fixture
def folder(tmp_path) -> Path:
    """A small MovieLens folder: three films, four members, tags and links."""
    return write_movielens(
        tmp_path / "ml",
        movies=[
            (1, "Toy Story (1995)", "Adventure|Animation|Children|Comedy|Fantasy"),
            (2, "American President, The (1995)", "Comedy|Drama|Romance"),
            (3, "Babylon 5", "(no genres listed)"),
        ],
        ratings=[
            (1, 1, "4.0", DAY),
            (1, 2, "3.5", DAY + 60),
            (2, 1, "5.0", DAY + 3600),
            (3, 1, "0.5", DAY + 7200),
            (4, 3, "2.5", DAY + 86400),
        ],
        tags=[
            (1, 1, "pixar", DAY),
            (2, 1, "Pixar", DAY),
            (3, 1, "Pixar", DAY),
            (1, 1, "fun", DAY),
            (2, 2, "politics", DAY),
        ],
        links=[(1, "0114709", "862"), (2, "0112346", "9087"), (3, "0105946", "")],
    )


# Titles and genres ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "title", "year"),
    [
        ("Shawshank Redemption, The (1994)", "The Shawshank Redemption", 1994),
        ("American President, The (1995)", "The American President", 1995),
        ("Fish Called Wanda, A (1988)", "A Fish Called Wanda", 1988),
        ("American Werewolf in London, An (1981)", "An American Werewolf in London", 1981),
        ("Toy Story (1995)", "Toy Story", 1995),
        (
            "City of Lost Children, The (Cité des enfants perdus, La) (1995)",
            "The City of Lost Children (Cité des enfants perdus, La)",
            1995,
        ),
        ("Haine, La (1995)", "La Haine", 1995),
        ("Dernier métro, Le (1980)", "Le Dernier métro", 1980),
        ("Homme qui aimait les femmes, L' (1977)", "L'Homme qui aimait les femmes", 1977),
        ("Vitelloni, I (1953)", "I Vitelloni", 1953),
        ("Boot, Das (1981)", "Das Boot", 1981),
        ("Laberinto del fauno, El (2006)", "El Laberinto del fauno", 2006),
        (
            "Lord of the Rings: The Fellowship of the Ring, The (2001)",
            "The Lord of the Rings: The Fellowship of the Ring",
            2001,
        ),
        ("Babylon 5", "Babylon 5", None),
        ("(500) Days of Summer (2009)", "(500) Days of Summer", 2009),
        ("Hello, Dolly! (1969)", "Hello, Dolly!", 1969),
        ("Ready Player One (2018) ", "Ready Player One", 2018),
        ("Death Note: Desu nôto (2006\u20132007)", "Death Note: Desu nôto", 2006),
        ("Stranger Things (2016-)", "Stranger Things", 2016),
        ("Sherlock - A Study in Pink (2010) ", "Sherlock - A Study in Pink", 2010),
        ("Number (1234)", "Number (1234)", None),  # not a plausible year: part of the title
    ],
)
def test_parse_title_moves_the_article_to_the_front_and_takes_the_year(raw, title, year):
    assert parse_title(raw) == (title, year)


@pytest.mark.parametrize(
    ("raw", "genres"),
    [
        ("Adventure|Animation|Children", ["Adventure", "Animation", "Children"]),
        ("Drama", ["Drama"]),
        ("(no genres listed)", []),
        ("", []),
        ("Drama||Drama", ["Drama"]),
    ],
)
def test_parse_genres_splits_on_the_bar(raw, genres):
    assert parse_genres(raw) == genres


# What an import creates -------------------------------------------------------------------------


def test_films_get_their_title_year_slug_and_genres(folder):
    run_import(folder)

    toy, president, babylon = (Film.objects.get(movielens_id=n) for n in (1, 2, 3))
    assert (toy.title, toy.year, toy.slug) == ("Toy Story", 1995, "toy-story-1995")
    assert [g.name for g in toy.genres.all()] == [
        "Adventure",
        "Animation",
        "Children",
        "Comedy",
        "Fantasy",
    ]
    assert (president.title, president.slug) == (
        "The American President",
        "the-american-president-1995",
    )
    assert (babylon.title, babylon.year, babylon.slug) == ("Babylon 5", None, "babylon-5")
    assert not babylon.genres.exists()
    assert not Genre.objects.filter(name__icontains="genres listed").exists()


def test_genres_are_matched_to_existing_ones_whatever_their_case(folder):
    comedy = GenreFactory(name="comedy")

    run_import(folder)

    assert Genre.objects.filter(name__iexact="comedy").get() == comedy
    assert comedy in Film.objects.get(movielens_id=2).genres.all()


def test_each_movielens_user_becomes_an_inactive_member_with_an_unusable_password(folder):
    run_import(folder)

    members = User.objects.filter(username__startswith="movielens-").order_by("username")
    assert [m.username for m in members] == [
        "movielens-1",
        "movielens-2",
        "movielens-3",
        "movielens-4",
    ]
    for member in members:
        assert member.is_active is False
        assert member.has_usable_password() is False
        assert member.email == ""


def test_each_rating_becomes_the_members_review_dated_from_the_timestamp(folder):
    run_import(folder)

    review = AudienceReview.objects.get(user__username="movielens-2", film__movielens_id=1)
    assert review.rating == Decimal("5.0")
    assert review.body == ""
    assert review.created_at == datetime.datetime(2006, 1, 1, 1, 0, tzinfo=datetime.UTC)
    assert AudienceReview.objects.count() == 5


def test_the_summary_counts_what_was_imported(folder):
    out, err = run_import(folder)

    assert out.strip() == (
        "Imported 3 films (3 new, 0 adopted), 4 members (4 new), 5 ratings (5 new or changed), "
        "5 tags, 3 links; 0 malformed rows skipped; scores recomputed for 3 films."
    )
    assert err == ""  # no progress bars off a terminal, no problems


def test_the_film_page_shows_the_audience_score_from_twenty_ratings(client, tmp_path, settings):
    assert settings.SCORES_MIN_AUDIENCE_RATINGS == 20
    stars = ["4.5"] * 15 + ["2.0"] * 5
    folder = write_movielens(
        tmp_path / "ml",
        movies=[(10, "Heat (1995)", "Action|Crime|Thriller"), (11, "Casino (1995)", "Crime")],
        ratings=many_ratings(10, stars) + many_ratings(11, stars[:19]),
    )

    run_import(folder)

    heat = client.get("/films/heat-1995/").content.decode()
    assert '<p class="score-number">75%</p>' in heat
    assert "20 ratings" in heat
    casino = client.get("/films/casino-1995/").content.decode()
    assert "Not enough ratings yet" in casino
    assert "19 ratings" in casino


def test_scores_after_an_import_are_what_recompute_scores_finds(folder, tmp_path):
    run_import(folder)
    more = write_movielens(
        tmp_path / "more",
        movies=[(1, "Toy Story (1995)", "Animation")],
        ratings=many_ratings(1, ["3.0", "4.5"] * 15, first_user=10),
    )
    run_import(more)

    call_command("recompute_scores", "--check", stdout=StringIO())  # raises on any drift
    toy = Film.objects.get(movielens_id=1)
    assert toy.audience_rating_count == 33
    assert toy.audience_histogram[HALF_STAR_INDEX["4.5"]] == 15


HALF_STAR_INDEX = {f"{i / 2:.1f}": i - 1 for i in range(1, 11)}


def test_small_batches_import_the_same_as_one(folder):
    run_import(folder, "--batch-size", "2")

    assert Film.objects.filter(movielens_id__isnull=False).count() == 3
    assert User.objects.filter(username__startswith="movielens-").count() == 4
    assert AudienceReview.objects.count() == 5
    call_command("recompute_scores", "--check", stdout=StringIO())


def test_a_utf8_file_with_a_byte_order_mark_and_quoted_titles_imports(tmp_path):
    folder = tmp_path / "ml"
    folder.mkdir()
    (folder / "movies.csv").write_text(
        "\ufeffmovieId,title,genres\n"
        '1,"Good, the Bad and the Ugly, The (Buono, il brutto, il cattivo, Il) (1966)",Western\n'
        '2,"Amélie (Fabuleux destin d\'Amélie Poulain, Le) (2001)",Comedy|Romance\n',
        encoding="utf-8",
    )
    (folder / "ratings.csv").write_text("\ufeffuserId,movieId,rating,timestamp\n", encoding="utf-8")

    _, err = run_import(folder)

    assert err == ""
    assert list(Film.objects.order_by("movielens_id").values_list("title", "year")) == [
        ("The Good, the Bad and the Ugly (Buono, il brutto, il cattivo, Il)", 1966),
        ("Amélie (Fabuleux destin d'Amélie Poulain, Le)", 2001),
    ]


def test_films_with_the_same_title_and_year_get_their_own_slugs(tmp_path):
    FilmFactory(title="Emma", year=1996, movielens_id=900)  # from an earlier import
    folder = write_movielens(
        tmp_path / "ml",
        movies=[(1, "Emma (1996)", "Comedy"), (2, "Emma (1996)", "Drama")],
    )

    run_import(folder)

    slugs = Film.objects.filter(movielens_id__in=[1, 2]).order_by("movielens_id")
    assert list(slugs.values_list("slug", flat=True)) == ["emma-1996-2", "emma-1996-3"]


# Tags and links -------------------------------------------------------------------------------


def test_a_film_keeps_its_ten_most_used_tags_in_their_most_used_spelling(tmp_path):
    tags = [(1, 1, "Pixar", DAY), (2, 1, "pixar", DAY), (3, 1, "pixar", DAY)]
    tags += [(1, 1, f"tag {n:02d}", DAY) for n in range(12)]
    tags += [(2, 1, "tag 11", DAY)]
    folder = write_movielens(tmp_path / "ml", movies=[(1, "Toy Story (1995)", "")], tags=tags)

    out, _ = run_import(folder)

    assert Film.objects.get().tags == ["pixar", "tag 11", *(f"tag {n:02d}" for n in range(8))]
    assert "16 tags" in out


def test_links_give_the_imdb_and_tmdb_ids_shown_on_the_film_page(client, folder):
    run_import(folder)

    toy = Film.objects.get(movielens_id=1)
    assert (toy.imdb_id, toy.tmdb_id) == ("tt0114709", 862)
    html = client.get(toy.get_absolute_url()).content.decode()
    assert (
        '<a href="https://www.imdb.com/title/tt0114709/" rel="external noopener">IMDb</a>' in html
    )
    assert '<a href="https://www.themoviedb.org/movie/862" rel="external noopener">TMDB</a>' in html
    assert "<dt>Tags</dt><dd>Pixar, fun</dd>" in html

    babylon = Film.objects.get(movielens_id=3)
    assert (babylon.imdb_id, babylon.tmdb_id) == ("tt0105946", None)
    html = client.get(babylon.get_absolute_url()).content.decode()
    assert "https://www.imdb.com/title/tt0105946/" in html
    assert "themoviedb.org" not in html
    assert "<dt>Tags</dt>" not in html


def test_tags_and_links_are_optional(tmp_path):
    folder = write_movielens(tmp_path / "ml", movies=[(1, "Toy Story (1995)", "Animation")])

    out, err = run_import(folder)

    film = Film.objects.get()
    assert (film.tags, film.imdb_id, film.tmdb_id) == ([], "", None)
    assert "0 tags, 0 links" in out
    assert err == ""


# Films already in the catalogue ------------------------------------------------------------------


def test_a_film_already_in_the_catalogue_is_adopted_not_duplicated(folder):
    existing = FilmFactory(
        title="the american president", year=1995, synopsis="Written by an editor.", runtime=114
    )
    existing_slug = existing.slug

    out, _ = run_import(folder)

    assert Film.objects.filter(year=1995, title__iexact="the american president").count() == 1
    existing.refresh_from_db()
    assert existing.movielens_id == 2
    assert (existing.title, existing.slug, existing.synopsis, existing.runtime) == (
        "the american president",
        existing_slug,
        "Written by an editor.",
        114,
    )
    assert not existing.genres.exists()  # the editors' film: only empty ids and tags are filled
    assert (existing.imdb_id, existing.tmdb_id, existing.tags) == ("tt0112346", 9087, ["politics"])
    assert existing.audience_rating_count == 1
    assert "3 films (2 new, 1 adopted)" in out


def test_what_editors_entered_is_never_overwritten(folder):
    FilmFactory(title="Toy Story", year=1995, imdb_id="tt9999999", tags=["editors' pick"])

    run_import(folder)

    toy = Film.objects.get(movielens_id=1)
    assert (toy.imdb_id, toy.tmdb_id, toy.tags) == ("tt9999999", 862, ["editors' pick"])


def test_importing_again_changes_nothing(folder, tmp_path):
    run_import(folder)
    before = snapshot()

    out, err = run_import(folder)

    assert snapshot() == before
    assert out.strip() == (
        "Imported 3 films (0 new, 0 adopted), 4 members (0 new), 5 ratings (0 new or changed), "
        "5 tags, 3 links; 0 malformed rows skipped; scores recomputed for 3 films."
    )
    assert err == ""


def snapshot() -> dict[str, list]:
    """Every row an import writes, every column."""
    return {
        "films": list(Film.objects.order_by("pk").values()),
        "film genres": list(Film.genres.through.objects.order_by("pk").values()),
        "genres": list(Genre.objects.order_by("pk").values()),
        "members": list(User.objects.order_by("pk").values()),
        "reviews": list(AudienceReview.objects.order_by("pk").values()),
    }


def test_a_changed_rating_is_updated_and_a_hidden_review_stays_hidden(folder, tmp_path):
    run_import(folder)
    AudienceReview.objects.filter(user__username="movielens-1", film__movielens_id=1).update(
        is_hidden=True
    )
    changed = write_movielens(
        tmp_path / "changed",
        movies=[(1, "Toy Story (1995)", "Animation")],
        ratings=[(1, 1, "1.5", DAY + 5), (2, 1, "4.5", DAY)],
    )

    out, _ = run_import(changed)

    hidden = AudienceReview.objects.get(user__username="movielens-1", film__movielens_id=1)
    assert (hidden.rating, hidden.is_hidden) == (Decimal("1.5"), True)
    assert AudienceReview.objects.get(user__username="movielens-2").rating == Decimal("4.5")
    assert "2 ratings (2 new or changed)" in out
    call_command("recompute_scores", "--check", stdout=StringIO())


def test_members_who_signed_up_keep_their_own_reviews(folder):
    member = MemberFactory(username="mina")
    toy = FilmFactory(title="Toy Story", year=1995)
    AudienceReview.objects.create(film=toy, user=member, rating=Decimal("2.0"), body="Meh.")

    run_import(folder)

    toy.refresh_from_db()
    assert AudienceReview.objects.get(user=member).body == "Meh."
    assert toy.audience_rating_count == 4  # hers and the three imported ones


@pytest.mark.parametrize("username", ["movielens-1", "MovieLens-1"])
def test_a_person_who_took_an_imported_members_name_keeps_their_account(folder, username):
    person = MemberFactory(username=username)

    _out, err = run_import(folder)

    person.refresh_from_db()
    assert person.is_active and person.has_usable_password()
    assert not AudienceReview.objects.filter(user=person).exists()
    assert (
        "ratings.csv line 2: userId 1: a member of the site already has the name of its "
        "imported member"
    ) in err
    assert AudienceReview.objects.filter(user__username="movielens-2").exists()


def test_an_import_stopped_halfway_leaves_scores_that_match_its_reviews(folder, monkeypatch):
    """Batches that committed stay, and their films are rescored on the way out."""
    real_bulk_create = AudienceReview.objects.bulk_create
    calls = []

    def bulk_create_then_stop(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_bulk_create(*args, **kwargs)

    monkeypatch.setattr(AudienceReview.objects, "bulk_create", bulk_create_then_stop)

    with pytest.raises(KeyboardInterrupt):
        run_import(folder, "--batch-size", "2")

    assert AudienceReview.objects.count() == 2  # the first batch
    assert Film.objects.get(movielens_id=1).audience_rating_count == 1
    call_command("recompute_scores", "--check", stdout=StringIO())


# Bad input ------------------------------------------------------------------------------------


def test_an_unclosed_quote_is_reported_and_the_rows_before_it_import(tmp_path):
    folder = write_movielens(tmp_path / "ml", movies=[(1, "Toy Story (1995)", "Animation")])
    with (folder / "ratings.csv").open("a", encoding="utf-8") as handle:
        handle.write('1,1,4.0,1136073600\n2,1,"5.0' + "x" * 200_000 + "\n3,1,3.0,1136073600\n")

    _out, err = run_import(folder)

    assert "ratings.csv line 3: field larger than field limit" in err
    assert "the rest of ratings.csv is not read" in err
    assert AudienceReview.objects.count() == 1


def test_malformed_rows_are_reported_by_line_and_the_rest_is_imported(tmp_path):
    folder = write_movielens(
        tmp_path / "ml",
        movies=[
            (1, "Toy Story (1995)", "Animation"),
            ("two", "Jumanji (1995)", "Adventure"),
            (1, "Toy Story again (1995)", "Animation"),
            (4, "x" * 201 + " (1995)", "Drama"),
            (5, "Heat (1995)"),
            (6, "Sabrina (1995)", "Comedy|Romance"),
        ],
        ratings=[
            (1, 1, "4.0", DAY),
            (1, 6, "7", DAY),
            (2, 6, "3.25", DAY),
            (2, 99, "3.0", DAY),
            ("u3", 1, "3.0", DAY),
            (3, 1, "3.0", "yesterday"),
            (4, 1, "3.0"),
            (1, 1, "2.0", DAY),
            (5, 6, "5.0", DAY),
        ],
        tags=[(1, 1, "pixar", DAY), (1, 99, "lost", DAY), (1, 6, "   ", DAY)],
        links=[(1, "0114709", "862"), (6, "tt0114319", "11860")],
    )

    out, err = run_import(folder)

    assert err.splitlines() == [
        "movies.csv line 3: movieId 'two' is not a whole number",
        "movies.csv line 4: movieId 1 is already on line 2",
        "movies.csv line 5: the title is longer than 200 characters",
        "movies.csv line 6: 2 columns instead of 3",
        "links.csv line 3: imdbId 'tt0114319' is not an IMDb number",
        "tags.csv line 3: movieId 99 is not in movies.csv",
        "tags.csv line 4: the tag is empty",
        "ratings.csv line 3: rating '7' is not 0.5\u20135.0 in half stars",
        "ratings.csv line 4: rating '3.25' is not 0.5\u20135.0 in half stars",
        "ratings.csv line 5: movieId 99 is not in movies.csv",
        "ratings.csv line 6: userId 'u3' is not a whole number",
        "ratings.csv line 7: timestamp 'yesterday' is not a time in Unix seconds",
        "ratings.csv line 8: 3 columns instead of 4",
        "ratings.csv line 9: userId 1 rated movieId 1 on line 2",
    ]
    assert "14 malformed rows skipped" in out
    assert sorted(Film.objects.values_list("title", flat=True)) == ["Sabrina", "Toy Story"]
    assert list(
        AudienceReview.objects.order_by("user__username").values_list("user__username", "rating")
    ) == [("movielens-1", Decimal("4.0")), ("movielens-5", Decimal("5.0"))]
    assert Film.objects.get(movielens_id=1).tags == ["pixar"]


def test_many_malformed_rows_are_reported_up_to_fifty_lines(tmp_path):
    folder = write_movielens(
        tmp_path / "ml",
        movies=[(1, "Toy Story (1995)", "Animation")],
        ratings=[(n, 1, "9", DAY) for n in range(1, 61)],
    )

    out, err = run_import(folder)

    lines = err.splitlines()
    assert len(lines) == 51
    assert lines[0] == "ratings.csv line 2: rating '9' is not 0.5\u20135.0 in half stars"
    assert lines[-1] == "... and 10 more"
    assert "60 malformed rows skipped" in out


def test_bytes_that_are_not_utf8_spoil_only_their_row(tmp_path):
    folder = write_movielens(tmp_path / "ml", ratings=[])
    (folder / "movies.csv").write_bytes(
        b"movieId,title,genres\n1,Toy Story (1995),Animation\n2,Caf\xe9 (1999),Drama\n"
    )

    _, err = run_import(folder)

    assert err.splitlines() == ["movies.csv line 3: the title is not valid UTF-8"]
    assert Film.objects.get().title == "Toy Story"


def test_a_missing_folder_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        run_import(tmp_path / "nowhere")


@pytest.mark.parametrize("missing", ["movies.csv", "ratings.csv"])
def test_a_missing_movies_or_ratings_file_is_an_error_and_nothing_is_imported(folder, missing):
    (folder / missing).unlink()

    with pytest.raises(CommandError, match=f"has no {missing}"):
        run_import(folder)

    assert not Film.objects.exists()
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("name", "header", "message"),
    [
        ("movies.csv", "id,title,genres", "movies.csv has no movieId column"),
        ("ratings.csv", "user,movie,stars,timestamp", "ratings.csv has no userId, movieId, rating"),
        ("tags.csv", "userId,movieId,timestamp", "tags.csv has no tag column"),
        ("links.csv", "", "links.csv has no movieId, imdbId, tmdbId columns"),
    ],
)
def test_a_header_without_the_needed_columns_is_an_error_and_nothing_is_imported(
    folder, name, header, message
):
    (folder / name).write_text(f"{header}\n1,2,3,4\n", encoding="utf-8")

    with pytest.raises(CommandError, match=message):
        run_import(folder)

    assert not Film.objects.exists()
    assert not Genre.objects.exists()
    assert not User.objects.exists()
