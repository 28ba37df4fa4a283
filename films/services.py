"""Writes about films that reach beyond the Film row, each in one transaction (the MovieLens
import: one a batch)."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Protocol, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import is_password_usable, make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import MOVIELENS_MEMBER_PREFIX
from reviews.models import AudienceReview, CriticReview
from reviews.scores import refresh_scores
from reviews.services import lock_films
from reviews.tallies import Tallies

from .models import Film, FilmRedirect, Genre
from .movielens import RATINGS, Link, Movie, MovieLensFolder, Problems, top_tags
from .slugs import unique_slugs


@transaction.atomic
def remember_old_slug(*, film: Film, old_slug: str) -> None:
    """After an editor changes a film's slug, send its old address to the new one."""
    if old_slug and old_slug != film.slug:
        FilmRedirect.objects.update_or_create(old_slug=old_slug, defaults={"film": film})
    # A film renamed back to an old slug owns that address again.
    FilmRedirect.objects.filter(old_slug=film.slug).delete()


@transaction.atomic
def delete_films(*, films: Iterable[Film]) -> None:
    """Delete films; their reviews go with them, so their critics, publications and members
    are counted again."""
    ids = [film.pk for film in films]
    lock_films(ids)  # no review joins them between the count's notes and the delete
    tallies = (
        Tallies()
        .critic_reviews(CriticReview.objects.filter(film__in=ids))
        .audience_reviews(AudienceReview.objects.filter(film__in=ids))
    )
    Film.objects.filter(pk__in=ids).delete()
    tallies.refresh()


# MovieLens ---------------------------------------------------------------------------------

MOVIELENS_BATCH_SIZE = 5000
# What an import may change on a film already in the catalogue.
FILLED_FIELDS = ("movielens_id", "imdb_id", "tmdb_id", "tags", "updated_at")


class Progress(Protocol):
    """A progress bar, as `tqdm(total=..., desc=..., unit=...)` makes one."""

    def __enter__(self) -> "Progress": ...
    def __exit__(self, *exc_info: object) -> None: ...
    def update(self, n: int = 1) -> object: ...


class NoProgress:
    """The progress bar that shows nothing."""

    def __init__(self, **kwargs: object) -> None:
        pass

    def __enter__(self) -> "NoProgress":
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def update(self, n: int = 1) -> None:
        return None


@dataclass
class MovieLensImport:
    """What an import read and changed, for the command's summary."""

    films: int = 0
    new_films: int = 0
    adopted_films: int = 0
    members: int = 0
    new_members: int = 0
    ratings: int = 0
    changed_ratings: int = 0
    tags: int = 0
    links: int = 0
    rescored_films: int = 0
    problems: Problems = field(default_factory=Problems)


def import_movielens(
    *,
    folder: MovieLensFolder,
    batch_size: int = MOVIELENS_BATCH_SIZE,
    progress: Callable[..., Progress] = NoProgress,
) -> MovieLensImport:
    """Import a MovieLens folder's films, members, ratings, tags and links; rescore the films.

    Films are matched by MovieLens id, then (those without one) by title and year, and new ones
    created; a film already in the catalogue keeps what editors gave it, only its empty IMDb id,
    TMDB id and tags are filled. Each MovieLens user becomes an inactive member, each rating that
    member's audience review. Writes go in batches of `batch_size` rows, each batch its own
    transaction, so an interrupted import leaves whole batches and running it again completes
    it; a second run of the same folder changes nothing. `progress` makes progress bars.
    """
    report = MovieLensImport()
    problems = report.problems
    movies = list(folder.movies(problems))
    report.films = len(movies)
    known = {movie.movielens_id for movie in movies} | set(
        Film.objects.filter(movielens_id__isnull=False).values_list("movielens_id", flat=True)
    )
    links = folder.links(problems, movie_ids=known)
    report.links = len(links)
    tags = list(folder.tags(problems, movie_ids=known))
    report.tags = len(tags)

    film_ids, new_film_ids = _import_films(
        movies, links, top_tags(tags), report=report, batch_size=batch_size, progress=progress
    )
    rated: set[int] = set()
    try:
        _import_ratings(
            folder, film_ids, rated=rated, report=report, batch_size=batch_size, progress=progress
        )
    finally:
        # Also when the import stops halfway (an interrupt, a lost connection): the films whose
        # ratings were committed get their scores, so stored scores always match the reviews.
        touched = rated | new_film_ids
        report.rescored_films = len(touched)
        with progress(total=len(touched), desc="Scores", unit="film") as bar:
            done = 0

            def advance(now_done: int) -> None:
                nonlocal done
                bar.update(now_done - done)
                done = now_done

            refresh_scores(film_ids=touched, progress=advance)
    return report


def _import_films(
    movies: list[Movie],
    links: dict[int, Link],
    tags: dict[int, list[str]],
    *,
    report: MovieLensImport,
    batch_size: int,
    progress: Callable[..., Progress],
) -> tuple[dict[int, int], set[int]]:
    """Adopt, fill in and create the films; their pks by MovieLens id, and the new films' pks."""
    loaded = ("pk", "title", "year", "movielens_id", "imdb_id", "tmdb_id", "tags")
    by_movielens_id = {
        film.movielens_id: film
        for film in Film.objects.filter(movielens_id__isnull=False).only(*loaded)
    }
    by_title: dict[tuple[str, int | None], Film] = {}
    if any(movie.movielens_id not in by_movielens_id for movie in movies):
        for film in Film.objects.filter(movielens_id__isnull=True).order_by("pk").only(*loaded):
            by_title.setdefault((film.title.casefold(), film.year), film)

    new_movies, changed = [], {}
    for movie in movies:
        film = by_movielens_id.get(movie.movielens_id)
        if film is None and (film := by_title.pop((movie.title.casefold(), movie.year), None)):
            film.movielens_id = movie.movielens_id
            by_movielens_id[movie.movielens_id] = changed[film.pk] = film
            report.adopted_films += 1
        elif film is None:
            new_movies.append(movie)
    # Links and tags fill what is empty on films already here, in movies.csv or not.
    for movielens_id, film in by_movielens_id.items():
        if _fill_blanks(film, links.get(movielens_id), tags.get(movielens_id, [])):
            changed[film.pk] = film
    now = timezone.now()
    for film in changed.values():
        film.updated_at = now

    with progress(total=len(changed) + len(new_movies), desc="Films", unit="film") as bar:
        for batch in _batches(changed.values(), batch_size):
            with transaction.atomic():
                for film in batch:
                    # One UPDATE a film: bulk_update() is quadratic on PostgreSQL.
                    Film.objects.filter(pk=film.pk).update(
                        **{name: getattr(film, name) for name in FILLED_FIELDS}
                    )
            bar.update(len(batch))
        new_films = _create_films(new_movies, links, tags, batch_size=batch_size, bar=bar)
    report.new_films = len(new_films)
    film_ids = {movielens_id: film.pk for movielens_id, film in by_movielens_id.items()}
    film_ids.update((film.movielens_id, film.pk) for film in new_films)
    return film_ids, {film.pk for film in new_films}


def _fill_blanks(film: Film, link: Link | None, tags: list[str]) -> bool:
    """Fill the film's empty IMDb id, TMDB id and tags; whether anything changed."""
    before = (film.imdb_id, film.tmdb_id, film.tags)
    if link is not None:
        film.imdb_id = film.imdb_id or link.imdb_id
        film.tmdb_id = film.tmdb_id or link.tmdb_id
    film.tags = film.tags or tags
    return (film.imdb_id, film.tmdb_id, film.tags) != before


def _create_films(
    movies: list[Movie],
    links: dict[int, Link],
    tags: dict[int, list[str]],
    *,
    batch_size: int,
    bar: Progress,
) -> list[Film]:
    """bulk_create the new films with their genres; slugs follow films.slugs' rule."""
    films = []
    for movie in movies:
        link = links.get(movie.movielens_id)
        films.append(
            Film(
                movielens_id=movie.movielens_id,
                title=movie.title,
                year=movie.year,
                imdb_id=link.imdb_id if link else "",
                tmdb_id=link.tmdb_id if link else None,
                tags=tags.get(movie.movielens_id, []),
            )
        )
    for film, slug in zip(films, unique_slugs(Film, [f.slug_text() for f in films]), strict=True):
        film.slug = slug
    genres = _genres({name for movie in movies for name in movie.genres})
    FilmGenre = Film.genres.through
    for batch in _batches(list(zip(films, movies, strict=True)), batch_size):
        with transaction.atomic():
            Film.objects.bulk_create([film for film, _ in batch])
            FilmGenre.objects.bulk_create(
                FilmGenre(film_id=film.pk, genre_id=genres[name.casefold()].pk)
                for film, movie in batch
                for name in movie.genres
            )
        bar.update(len(batch))
    return films


def _genres(names: set[str]) -> dict[str, Genre]:
    """The genres of these names (whatever their case), created when missing, by casefold name."""
    genres = {}
    for name in sorted(names):
        if name.casefold() not in genres:
            genre, _ = Genre.objects.get_or_create(name__iexact=name, defaults={"name": name})
            genres[name.casefold()] = genre
    return genres


def _import_ratings(
    folder: MovieLensFolder,
    film_ids: dict[int, int],
    *,
    rated: set[int],
    report: MovieLensImport,
    batch_size: int,
    progress: Callable[..., Progress],
) -> None:
    """Store each rating as its member's audience review, creating the members; add the films
    rated to `rated` as each batch commits.

    An imported member is inactive with an unusable password: a person who took such a name
    (in any case) before sign-up refused them keeps their account, and that user's ratings are
    reported and skipped. Reviews already stored with the same rating and date are left alone,
    so a second run writes nothing; the others are upserted on (film, member).
    """
    User = get_user_model()
    member_ids, taken = {}, set()
    for username, pk, is_active, password in User.objects.filter(
        username__istartswith=MOVIELENS_MEMBER_PREFIX
    ).values_list("username", "pk", "is_active", "password"):
        if not is_active and not is_password_usable(password):
            member_ids[username] = pk
        else:
            taken.add(username.casefold())
    stored = {
        (film_id, user_id): (rating, created_at)
        for film_id, user_id, rating, created_at in AudienceReview.objects.filter(
            user__in=member_ids.values()
        ).values_list("film_id", "user_id", "rating", "created_at")
    }
    members = set()
    ratings = folder.ratings(
        report.problems,
        movie_ids=set(film_ids),
        taken_user_ids={
            int(suffix)
            for name in taken
            if (suffix := name.removeprefix(MOVIELENS_MEMBER_PREFIX)).isascii()
            and suffix.isdigit()
            and _member_username(int(suffix)) == name
        },
    )
    with progress(total=folder.count_rows(RATINGS), desc="Ratings", unit="rating") as bar:
        for batch in _batches(ratings, batch_size):
            usernames = {_member_username(rating.user_id) for rating in batch}
            with transaction.atomic():
                new_members = User.objects.bulk_create(
                    User(username=username, email="", is_active=False, password=make_password(None))
                    for username in sorted(usernames - member_ids.keys())
                )
                member_ids.update((member.username, member.pk) for member in new_members)
                reviews = [
                    AudienceReview(
                        film_id=film_ids[rating.movie_id],
                        user_id=member_ids[_member_username(rating.user_id)],
                        rating=rating.rating,
                        created_at=rating.rated_at,
                    )
                    for rating in batch
                ]
                changed = [
                    review
                    for review in reviews
                    if stored.get((review.film_id, review.user_id))
                    != (review.rating, review.created_at)
                ]
                AudienceReview.objects.bulk_create(
                    changed,
                    update_conflicts=True,
                    unique_fields=["film", "user"],
                    update_fields=["rating", "created_at"],
                )
                Tallies().audience_reviews(changed).refresh()
            report.new_members += len(new_members)
            report.ratings += len(batch)
            report.changed_ratings += len(changed)
            members.update(usernames)
            rated.update(review.film_id for review in reviews)
            bar.update(len(batch))
    report.members = len(members)


def _member_username(user_id: int) -> str:
    return f"{MOVIELENS_MEMBER_PREFIX}{user_id}"


T = TypeVar("T")


def _batches(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch
