"""Reading a MovieLens-format folder: `movies.csv`, `ratings.csv`, and `tags.csv` and `links.csv`
when present (the layout of GroupLens' ml-latest releases). Parsing only, no database: the
import itself is `films.services.import_movielens`.

Each reader yields the rows it understood and records the others in a `Problems` by file and
line, so one bad row costs only itself. A folder that cannot be read at all (no such folder, no
`movies.csv`, a header without the columns we need) raises `MovieLensError` before anything is
read.
"""

import csv
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TypeVar

from .models import FILM_TAGS, HALF_STARS, Film, Genre

MOVIES, RATINGS, TAGS, LINKS = "movies.csv", "ratings.csv", "tags.csv", "links.csv"
COLUMNS = {
    MOVIES: ("movieId", "title", "genres"),
    RATINGS: ("userId", "movieId", "rating", "timestamp"),
    TAGS: ("userId", "movieId", "tag", "timestamp"),
    LINKS: ("movieId", "imdbId", "tmdbId"),
}
OPTIONAL = {TAGS, LINKS}

NO_GENRES = "(no genres listed)"
TAG_MAX_LENGTH = 100
# Ids become PositiveIntegerFields: PostgreSQL's integer stops here.
MAX_ID = 2**31 - 1
RATINGS_ALLOWED = frozenset(Decimal(str(stars)) for stars in HALF_STARS)
STAR = Decimal("0.1")

# A trailing "(1995)", "(2007-)" or "(2006-2007)" (with a hyphen or an en dash): the year is the
# first one.
YEAR = re.compile(r"\s*\((?P<year>\d{4})(?:\s*[-\u2013]\s*(?:\d{4})?)?\)\s*$")
# The articles MovieLens moves to the end of a title ("Shawshank Redemption, The"): English, and
# the French, Italian, Spanish, Portuguese, German, Dutch and Scandinavian ones it uses.
ARTICLES = [
    *("The", "A", "An"),
    *("Le", "La", "Les", "L'", "Un", "Une"),
    *("Il", "Lo", "I", "Gli", "Uno", "Una"),
    *("El", "Los", "Las"),
    *("O", "Os", "As", "Um", "Uma"),
    *("Der", "Die", "Das", "Ein", "Eine"),
    *("De", "Het", "Een", "Den", "Det", "En", "Et"),
]
TRAILING_ARTICLE = re.compile(
    r"^(?P<title>.+?),\s*(?P<article>" + "|".join(re.escape(a) for a in ARTICLES) + r")$"
)
YEARS = range(1870, 2101)  # the film_year_plausible constraint


class MovieLensError(Exception):
    """The folder cannot be imported at all: nothing was read from it."""


class Malformed(ValueError):
    """A row we skip; the message says what is wrong with it."""


@dataclass(frozen=True)
class Movie:
    movielens_id: int
    title: str
    year: int | None
    genres: tuple[str, ...]


@dataclass(frozen=True)
class Rating:
    user_id: int
    movie_id: int
    rating: Decimal
    rated_at: datetime


@dataclass(frozen=True)
class Tag:
    movie_id: int
    tag: str


@dataclass(frozen=True)
class Link:
    movie_id: int
    imdb_id: str
    tmdb_id: int | None


@dataclass
class Problems:
    """Skipped rows: how many, and the messages of the first `shown_limit`."""

    shown_limit: int = 50
    count: int = 0
    shown: list[str] = field(default_factory=list)

    def add(self, name: str, line: int, message: str) -> None:
        self.count += 1
        if len(self.shown) < self.shown_limit:
            self.shown.append(f"{name} line {line}: {message}")


def parse_title(raw: str) -> tuple[str, int | None]:
    """MovieLens' "Shawshank Redemption, The (1994)" as ("The Shawshank Redemption", 1994).

    The year is a trailing "(YYYY)" (or the first year of a "(YYYY-)" or "(YYYY-YYYY)" run),
    when it is a plausible one; otherwise there is none and the parentheses stay in the title.
    A trailing article of the main title moves to its front; an alternate title in parentheses
    ("City of Lost Children, The (Cité des enfants perdus, La)") is kept as it is.
    """
    title, year = raw.strip(), None
    if (match := YEAR.search(title)) and int(match["year"]) in YEARS:
        title, year = title[: match.start()].rstrip(), int(match["year"])
    # The main title is what comes before an alternate title in parentheses.
    split = title.find(" (")
    main, alternate = (title, "") if split <= 0 else (title[:split], title[split:])
    if match := TRAILING_ARTICLE.match(main):
        article = match["article"]
        space = "" if article.endswith("'") else " "  # "L'Homme", not "L' Homme"
        main = f"{article}{space}{match['title']}"
    return main + alternate, year


def parse_genres(raw: str) -> list[str]:
    """ "Adventure|Animation|Children" as a list; "(no genres listed)" is none."""
    genres = []
    for name in raw.split("|"):
        name = name.strip()
        if name and name != NO_GENRES and name not in genres:
            genres.append(name)
    return genres


def parse_id(value: str, column: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise Malformed(f"{column} {value!r} is not a whole number") from None
    if not 0 < number <= MAX_ID:
        raise Malformed(f"{column} {value!r} is not a positive id")
    return number


def parse_movie(movie_id: str, raw_title: str, raw_genres: str) -> Movie:
    movielens_id = parse_id(movie_id, "movieId")
    title, year = parse_title(_text(raw_title, "title"))
    if not title:
        raise Malformed("the title is empty")
    max_length = Film._meta.get_field("title").max_length
    if len(title) > max_length:
        raise Malformed(f"the title is longer than {max_length} characters")
    genres = parse_genres(_text(raw_genres, "genres"))
    max_length = Genre._meta.get_field("name").max_length
    if any(len(genre) > max_length for genre in genres):
        raise Malformed(f"a genre is longer than {max_length} characters")
    return Movie(movielens_id, title, year, tuple(genres))


def parse_rating(user_id: str, movie_id: str, rating: str, timestamp: str) -> Rating:
    user, movie = parse_id(user_id, "userId"), parse_id(movie_id, "movieId")
    try:
        stars = Decimal(rating)
    except InvalidOperation:
        stars = None
    if stars is None or not stars.is_finite() or stars not in RATINGS_ALLOWED:
        raise Malformed(f"rating {rating!r} is not 0.5\u20135.0 in half stars")
    return Rating(user, movie, stars.quantize(STAR), parse_timestamp(timestamp))


def parse_timestamp(value: str) -> datetime:
    """Unix seconds as an aware UTC time."""
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise Malformed(f"timestamp {value!r} is not a time in Unix seconds") from None


def parse_tag(user_id: str, movie_id: str, tag: str, timestamp: str) -> Tag:
    parse_id(user_id, "userId")
    movie = parse_id(movie_id, "movieId")
    parse_timestamp(timestamp)
    tag = " ".join(_text(tag, "tag").split())
    if not tag:
        raise Malformed("the tag is empty")
    if len(tag) > TAG_MAX_LENGTH:
        raise Malformed(f"the tag is longer than {TAG_MAX_LENGTH} characters")
    return Tag(movie, tag)


def parse_link(movie_id: str, imdb_id: str, tmdb_id: str) -> Link:
    movie = parse_id(movie_id, "movieId")
    imdb = ""
    if digits := imdb_id.strip():
        if not (digits.isascii() and digits.isdigit()) or len(digits.lstrip("0")) > 10:
            raise Malformed(f"imdbId {imdb_id!r} is not an IMDb number")
        imdb = f"tt{int(digits):07d}"
    tmdb = parse_id(tmdb_id, "tmdbId") if tmdb_id.strip() else None
    return Link(movie, imdb, tmdb)


def _text(value: str, column: str) -> str:
    # Files are read with errors="surrogateescape": bytes that are not UTF-8 show up here.
    try:
        value.encode()
    except UnicodeEncodeError:
        raise Malformed(f"the {column} is not valid UTF-8") from None
    return value


def top_tags(tags: Iterable[Tag], *, limit: int = FILM_TAGS) -> dict[int, list[str]]:
    """Each film's most used tags, most used first (ties by name), at most `limit`.

    Tags are counted whatever their case; each is shown in its most used spelling.
    """
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    spellings: dict[int, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for tag in tags:
        key = tag.tag.casefold()
        counts[tag.movie_id][key] += 1
        spellings[tag.movie_id][key][tag.tag] += 1
    top = {}
    for movie_id, counted in counts.items():
        keys = sorted(counted, key=lambda key: (-counted[key], key))[:limit]
        top[movie_id] = [
            min(spellings[movie_id][key].items(), key=lambda item: (-item[1], item[0]))[0]
            for key in keys
        ]
    return top


Row = TypeVar("Row")


class MovieLensFolder:
    """A MovieLens-format folder, its files and their headers checked on opening."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if not self.path.is_dir():
            raise MovieLensError(f"{self.path} is not a folder.")
        self.files = {}
        for name in COLUMNS:
            file = self.path / name
            if file.is_file():
                with self._open(file) as handle:
                    self._columns(name, next(csv.reader(handle), []))
                self.files[name] = file
            elif name not in OPTIONAL:
                raise MovieLensError(f"{self.path} has no {name}.")

    def has(self, name: str) -> bool:
        return name in self.files

    def count_rows(self, name: str) -> int:
        """The file's lines after the header: the rows, unless some hold line breaks."""
        if not self.has(name):
            return 0
        lines, last = 0, b"\n"
        with self.files[name].open("rb") as handle:
            while chunk := handle.read(1 << 20):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
        return max(lines + (last != b"\n") - 1, 0)

    def movies(self, problems: Problems) -> Iterator[Movie]:
        """movies.csv's films; a movieId seen before is a problem."""
        seen: dict[int, int] = {}
        for line, movie in self._read(MOVIES, parse_movie, problems):
            if (first := seen.setdefault(movie.movielens_id, line)) != line:
                problems.add(MOVIES, line, _repeated(movie.movielens_id, first))
            else:
                yield movie

    def ratings(
        self, problems: Problems, *, movie_ids: set[int], taken_user_ids: set[int] = frozenset()
    ) -> Iterator[Rating]:
        """ratings.csv's ratings of known films; a member's second rating of a film is a problem,
        and so is a rating by a user whose member name a person of the site already has."""
        seen: dict[tuple[int, int], int] = {}
        for line, rating in self._read(RATINGS, parse_rating, problems):
            if rating.movie_id not in movie_ids:
                problems.add(RATINGS, line, _unknown(rating.movie_id))
            elif rating.user_id in taken_user_ids:
                problems.add(
                    RATINGS,
                    line,
                    f"userId {rating.user_id}: a member of the site already has the name "
                    f"of its imported member",
                )
            elif (first := seen.setdefault((rating.user_id, rating.movie_id), line)) != line:
                problems.add(
                    RATINGS,
                    line,
                    f"userId {rating.user_id} rated movieId {rating.movie_id} on line {first}",
                )
            else:
                yield rating

    def tags(self, problems: Problems, *, movie_ids: set[int]) -> Iterator[Tag]:
        for line, tag in self._read(TAGS, parse_tag, problems):
            if tag.movie_id not in movie_ids:
                problems.add(TAGS, line, _unknown(tag.movie_id))
            else:
                yield tag

    def links(self, problems: Problems, *, movie_ids: set[int]) -> dict[int, Link]:
        links: dict[int, Link] = {}
        lines: dict[int, int] = {}
        for line, link in self._read(LINKS, parse_link, problems):
            if link.movie_id not in movie_ids:
                problems.add(LINKS, line, _unknown(link.movie_id))
            elif link.movie_id in links:
                problems.add(LINKS, line, _repeated(link.movie_id, lines[link.movie_id]))
            else:
                links[link.movie_id], lines[link.movie_id] = link, line
        return links

    def _read(
        self, name: str, parse: Callable[..., Row], problems: Problems
    ) -> Iterator[tuple[int, Row]]:
        """(line, row) for each row `parse` accepts; the others go to `problems`."""
        if not self.has(name):
            return
        with self._open(self.files[name]) as handle:
            reader = csv.reader(handle)
            indexes, header = self._columns(name, next(reader, []))
            width, line = len(header), reader.line_num
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    # An unclosed quote swallows the rest of the file: nothing after it is a row.
                    problems.add(name, line + 1, f"{error}; the rest of {name} is not read")
                    return
                start, line = line + 1, reader.line_num  # a quoted value may span lines
                if not values:
                    continue
                if len(values) != width:
                    problems.add(name, start, f"{len(values)} columns instead of {width}")
                    continue
                try:
                    yield start, parse(*(values[i] for i in indexes))
                except Malformed as error:
                    problems.add(name, start, str(error))

    @staticmethod
    def _open(file: Path):
        # utf-8-sig drops a byte order mark; undecodable bytes are reported by the row's parser.
        return file.open(encoding="utf-8-sig", errors="surrogateescape", newline="")

    @staticmethod
    def _columns(name: str, header: list[str]) -> tuple[list[int], list[str]]:
        """Where each needed column is in the header (and the header), or MovieLensError."""
        header = [column.strip() for column in header]
        missing = [column for column in COLUMNS[name] if column not in header]
        if missing:
            raise MovieLensError(
                f"{name} has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}: "
                f"its first line should be {','.join(COLUMNS[name])}."
            )
        return [header.index(column) for column in COLUMNS[name]], header


def _unknown(movie_id: int) -> str:
    return f"movieId {movie_id} is not in movies.csv"


def _repeated(movie_id: int, first_line: int) -> str:
    return f"movieId {movie_id} is already on line {first_line}"
