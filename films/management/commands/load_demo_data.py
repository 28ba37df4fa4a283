import random
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.text import slugify

from films import demo
from films.models import Credit, Film, Genre, Person, Photo
from forums.models import MOVIE_FORUM_SLUG, Board, Post, Thread, ThreadVisit
from forums.services import synchronize_threads
from news.models import Article
from reviews.models import (
    AudienceReview,
    Critic,
    CriticReview,
    HelpfulVote,
    Publication,
    ScoreRecord,
)
from reviews.scores import audience_score, critics_score, record_scores, refresh_scores
from reviews.services import sync_helpful_counts
from reviews.tallies import rebuild_counts
from reviewsite.markup import render_markdown

User = get_user_model()

# username, role as printed, group, staff
DEMO_ACCOUNTS = [
    ("editor", "editor", "Editors", True),
    ("moderator", "moderator", "Moderators", True),
    ("member", "member", None, False),
]


class Command(BaseCommand):
    help = (
        "Load the seed film (Refusenik, 2008) as the seed page tells it, a demo catalogue of "
        "films, reviews, forum threads and news, and demo accounts. Safe to run again: a second "
        "run changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        self.verbosity = options["verbosity"]
        catalogue = demo.build_catalogue()
        with transaction.atomic():
            self.load_accounts()
            seed_film = self.load_seed_film()
            films = self.load_catalogue(catalogue)
            self.step("Refreshing scores")
            refresh_scores(film_ids=[seed_film.pk, *(f.pk for f in films.values())])
            rebuild_counts()
            self.load_score_history(catalogue, films, seed_film)
            self.load_forum(catalogue, films)
            self.load_news(catalogue, films)
        self.report(catalogue, films, seed_film, time.monotonic() - started)

    def step(self, message: str) -> None:
        if self.verbosity >= 2:
            self.stdout.write(f"{message}...")

    # Accounts and the seed film ----------------------------------------------------------

    def load_accounts(self) -> None:
        self.step("Loading demo accounts")
        for username, role, group_name, is_staff in DEMO_ACCOUNTS:
            user, _ = upsert(
                User,
                {"username": username},
                {
                    "email": f"{username}@example.com",
                    "display_name": f"Demo {role}",
                    "is_staff": is_staff,
                },
                create_only={"password": make_password(None)},
            )
            # Hashing is slow on purpose, so only when the password is not the demo one already.
            if not user.check_password(demo.DEMO_PASSWORD):
                user.set_password(demo.DEMO_PASSWORD)
                user.save(update_fields=["password"])
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))

    def load_seed_film(self) -> Film:
        self.step("Loading the seed film")
        film, _ = upsert(
            Film,
            {"slug": slugify(f"{demo.SEED_TITLE} {demo.SEED_YEAR}")},
            {"title": demo.SEED_TITLE, "year": demo.SEED_YEAR, "synopsis": demo.SEED_SYNOPSIS},
            key_on_create=False,
        )
        film.genres.set([Genre.objects.get_or_create(name=name)[0] for name in demo.SEED_GENRES])
        director, _ = Person.objects.get_or_create(
            slug=slugify(demo.SEED_DIRECTOR), defaults={"name": demo.SEED_DIRECTOR}
        )
        Credit.objects.get_or_create(film=film, person=director, role=Credit.Role.DIRECTOR)

        publications = {
            name: Publication.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
            for name in {r.publication for r in demo.SEED_CRITIC_REVIEWS if r.publication}
        }
        # Oldest first: two reviews share a date, and pages order a day's reviews by newest pk,
        # so creating them in this order shows them in the seed's order.
        sync_rows(
            CriticReview.objects.filter(film=film, critic__isnull=True),
            ("film_id", "publication_id", "review_date"),
            [
                {
                    "film_id": film.pk,
                    "publication_id": publications[r.publication].pk if r.publication else None,
                    "review_date": r.review_date,
                    "excerpt": r.excerpt,
                    "is_top_critic": True,
                }
                for r in reversed(demo.SEED_CRITIC_REVIEWS)
            ],
        )

        reviewer, _ = upsert(
            User,
            {"username": demo.SEED_REVIEWER_USERNAME},
            {"display_name": demo.SEED_REVIEWER_NAME},
            create_only={"password": make_password(None)},
        )
        # created_at is left to its default on creation, and alone afterwards.
        upsert(
            AudienceReview,
            {"film_id": film.pk, "user_id": reviewer.pk},
            {"rating": None, "body": demo.SEED_AUDIENCE_REVIEW, "has_spoilers": False},
        )
        return film

    # The catalogue -----------------------------------------------------------------------

    def load_catalogue(self, catalogue: demo.Catalogue) -> dict[str, Film]:
        self.step("Loading people, critics and members")
        genres = {name: Genre.objects.get_or_create(name=name)[0] for name in catalogue.genres}
        people = sync_rows(
            Person.objects.filter(slug__in=[p.slug for p in catalogue.people]),
            ("slug",),
            [
                {
                    "slug": p.slug,
                    "name": p.name,
                    "bio": p.bio,
                    "birth_date": p.birth_date,
                    "photo": demo_image(
                        Person,
                        "photo",
                        f"demo-{p.slug}.jpg",
                        lambda p=p: demo.draw_portrait(p.portrait, p.name),
                    )
                    if p.portrait
                    else "",
                }
                for p in catalogue.people
            ],
        )
        publications = sync_rows(
            Publication.objects.filter(slug__in=[p.slug for p in catalogue.publications]),
            ("slug",),
            [
                {"slug": p.slug, "name": p.name, "url": p.url, "is_top": p.is_top}
                for p in catalogue.publications
            ],
        )
        critics = sync_rows(
            Critic.objects.filter(slug__in=[c.slug for c in catalogue.critics]),
            ("slug",),
            [
                {"slug": c.slug, "name": c.name, "bio": c.bio, "is_top_critic": c.is_top_critic}
                for c in catalogue.critics
            ],
        )
        critic_publications = Critic.publications.through
        sync_rows(
            critic_publications.objects.filter(critic_id__in=[c.pk for c in critics.values()]),
            ("critic_id", "publication_id"),
            [
                {"critic_id": critics[(c.slug,)].pk, "publication_id": publications[(p,)].pk}
                for c in catalogue.critics
                for p in c.publications
            ],
        )
        sync_rows(
            User.objects.filter(username__in=[m.username for m in catalogue.members]),
            ("username",),
            [
                {
                    "username": m.username,
                    "display_name": m.display_name,
                    "email": m.email,
                    "date_joined": m.date_joined,
                }
                for m in catalogue.members
            ],
            create_only={"password": make_password(None)},
        )
        users = usernames_to_pks(m.username for m in catalogue.members)
        users.update(usernames_to_pks(["member"]))

        self.step("Loading films and drawing their posters")
        films = {}
        for f in catalogue.films:
            poster = (
                demo_image(
                    Film,
                    "poster",
                    f"demo-{f.slug}.jpg",
                    lambda f=f: demo.draw_poster(f.poster, f.title, f.year),
                )
                if f.poster
                else ""
            )
            film, _ = upsert(
                Film,
                {"slug": f.slug},
                {
                    "title": f.title,
                    "year": f.year,
                    "synopsis": f.synopsis,
                    "rating": f.rating,
                    "runtime": f.runtime,
                    "release_date": f.release_date,
                    "release_type": f.release_type,
                    "studio": f.studio,
                    "consensus": f.consensus,
                    "poster": poster,
                },
                key_on_create=False,
            )
            film.genres.set([genres[name] for name in f.genres])
            films[f.slug] = film

        self.step("Loading credits, photos and reviews")
        film_pks = [film.pk for film in films.values()]
        sync_rows(
            Credit.objects.filter(film_id__in=film_pks),
            ("film_id", "person_id", "role", "character"),
            [
                {
                    "film_id": films[f.slug].pk,
                    "person_id": people[(c.person,)].pk,
                    "role": c.role,
                    "character": c.character,
                    "order": c.order,
                }
                for f in catalogue.films
                for c in f.credits
            ],
        )
        sync_rows(
            Photo.objects.filter(film_id__in=film_pks),
            ("film_id", "image"),
            [
                {
                    "film_id": films[f.slug].pk,
                    "image": demo_image(
                        Photo, "image", p.filename, lambda p=p: demo.draw_still(p.art)
                    ),
                    "caption": p.caption,
                    "alt_text": p.alt_text,
                    "order": order,
                }
                for f in catalogue.films
                for order, p in enumerate(f.photos)
            ],
        )
        critics_by_slug = {slug: critic for (slug,), critic in critics.items()}
        sync_rows(
            CriticReview.objects.filter(film_id__in=film_pks, critic__isnull=False),
            ("film_id", "critic_id"),
            [
                {
                    "film_id": films[f.slug].pk,
                    "critic_id": critics_by_slug[r.critic].pk,
                    "publication_id": publications[(r.publication,)].pk if r.publication else None,
                    "url": r.url,
                    "excerpt": r.excerpt,
                    "original_score": r.original_score,
                    "normalized_score": r.normalized_score,
                    "sentiment": r.sentiment,
                    "review_date": r.review_date,
                    # PRODUCT.md: a review by a known critic carries the critic's flag.
                    "is_top_critic": critics_by_slug[r.critic].is_top_critic,
                }
                for f in catalogue.films
                for r in f.critic_reviews
            ],
        )
        audience_reviews = sync_rows(
            AudienceReview.objects.filter(film_id__in=film_pks),
            ("film_id", "user_id"),
            [
                {
                    "film_id": films[f.slug].pk,
                    "user_id": users[r.member],
                    "rating": r.rating,
                    "body": r.body,
                    "has_spoilers": r.has_spoilers,
                    "created_at": r.created_at,
                }
                for f in catalogue.films
                for r in f.audience_reviews
            ],
        )
        self.load_helpful_votes(list(audience_reviews.values()), sorted(users.values()))
        return films

    def load_helpful_votes(self, reviews: list[AudienceReview], voters: list[int]) -> None:
        """Members found some reviews with text helpful, so "Most helpful" has an order."""
        rng = random.Random(demo.SEED)
        rows = [
            {"review_id": review.pk, "user_id": voter}
            for review in sorted(reviews, key=lambda r: r.pk)
            if review.body
            for voter in rng.sample(voters, k=rng.choice([0, 0, 1, 2, 3, 5, 8]))
            if voter != review.user_id
        ]
        pks = [r.pk for r in reviews]
        sync_rows(HelpfulVote.objects.filter(review_id__in=pks), ("review_id", "user_id"), rows)
        sync_helpful_counts(reviews=AudienceReview.objects.filter(pk__in=pks))

    # Score history -----------------------------------------------------------------------

    def load_score_history(
        self, catalogue: demo.Catalogue, films: dict[str, Film], seed_film: Film
    ) -> None:
        """Back-fill the catalogue films' daily score records, then record today's for them
        and the seed film, so the Score History charts show movement from the first run.

        The history ends today, not at the demo's fixed date, so the daily `record_scores` runs
        carry it on. Days already recorded are left alone: a re-run, even days later, only
        fills days that have no record yet and never rewrites one.
        """
        self.step("Recording score history")
        today = timezone.localdate()
        film_pks = [film.pk for film in films.values()]
        stored = Film.objects.in_bulk(film_pks)  # with the scores just refreshed
        recorded = set(
            ScoreRecord.objects.filter(film_id__in=film_pks).values_list("film_id", "day")
        )
        new = []
        for f in catalogue.films:
            film = stored[films[f.slug].pk]
            history = demo.count_history(
                slug=f.slug,
                today=today,
                release_date=film.release_date,
                critic_classified=film.critic_classified_count,
                critic_fresh=film.critic_fresh_count,
                audience_ratings=film.audience_rating_count,
                audience_liked=film.audience_liked_count,
            )
            new += [
                ScoreRecord(
                    film_id=film.pk,
                    day=counts.day,
                    critics_score=critics_score(counts.critic_fresh, counts.critic_classified),
                    audience_score=audience_score(counts.audience_liked, counts.audience_ratings),
                    critic_classified_count=counts.critic_classified,
                    audience_rating_count=counts.audience_ratings,
                )
                for counts in history
                if (film.pk, counts.day) not in recorded
            ]
        ScoreRecord.objects.bulk_create(new, batch_size=500)
        # The seed film gets today's record only: its past scores are facts we do not have.
        record_scores(day=today, films=Film.objects.filter(pk__in=[seed_film.pk, *film_pks]))

    # Forum and news ----------------------------------------------------------------------

    def load_forum(self, catalogue: demo.Catalogue, films: dict[str, Film]) -> None:
        self.step("Loading forum threads")
        board, _ = Board.objects.get_or_create(
            slug=MOVIE_FORUM_SLUG,
            defaults={
                "name": "Movie forum",
                "description": "Talk about any film: every film has its discussion here.",
            },
        )
        users = usernames_to_pks(p.author for t in catalogue.threads for p in t.posts)
        threads = []
        for t in catalogue.threads:
            thread, _ = upsert(
                Thread,
                {
                    "board_id": board.pk,
                    "film_id": films[t.film].pk if t.film else None,
                    "title": t.title,
                },
                {
                    "author_id": users[t.author],
                    "created_at": t.created_at,
                    "is_pinned": t.is_pinned,
                    "is_locked": t.is_locked,
                },
            )
            threads.append((thread, t))
        sync_rows(
            Post.objects.filter(thread_id__in=[thread.pk for thread, _ in threads]),
            ("thread_id", "created_at"),
            [
                {
                    "thread_id": thread.pk,
                    "created_at": p.created_at,
                    "author_id": users[p.author],
                    "body": p.body,
                    "body_html": render_markdown(p.body),
                }
                for thread, t in threads
                for p in t.posts
            ],
        )
        # Members follow the threads they posted in and have read up to their latest post,
        # so the demo member sees "new" on threads others replied to since.
        read_up_to = {}
        for thread, t in threads:
            for p in t.posts:
                read_up_to[thread.pk, users[p.author]] = p.created_at
        sync_rows(
            ThreadVisit.objects.filter(thread_id__in=[thread.pk for thread, _ in threads]),
            ("thread_id", "user_id"),
            [
                {"thread_id": thread_id, "user_id": user_id, "last_read_at": at}
                for (thread_id, user_id), at in read_up_to.items()
            ],
            create_only={"is_following": True},
        )
        synchronize_threads(threads=[thread for thread, _ in threads])

    def load_news(self, catalogue: demo.Catalogue, films: dict[str, Film]) -> None:
        self.step("Loading news")
        editor = User.objects.get(username="editor")
        for a in catalogue.articles:
            article, _ = upsert(
                Article,
                {"slug": a.slug},
                {
                    "title": a.title,
                    "lead": a.lead,
                    "body": a.body,
                    "author_id": editor.pk,
                    "published_at": a.published_at,
                    "image": demo_image(
                        Article, "image", f"demo-{a.slug}.jpg", lambda a=a: demo.draw_still(a.image)
                    ),
                    "image_alt": a.image_alt,
                },
            )
            article.films.set([films[slug] for slug in a.films])

    # Report ------------------------------------------------------------------------------

    def report(
        self, catalogue: demo.Catalogue, films: dict[str, Film], seed_film: Film, seconds: float
    ) -> None:
        out = self.stdout
        out.write(self.style.SUCCESS(f"Demo data loaded in {seconds:.1f}s."))
        out.write(f"Seed film: {seed_film.get_absolute_url()}")
        out.write("Examples of each score state:")
        for f in catalogue.films:
            if f.example:
                out.write(f"  {f.example:<20} {films[f.slug].get_absolute_url()}")
        counts = [
            ("films", Film),
            ("people", Person),
            ("credits", Credit),
            ("photos", Photo),
            ("publications", Publication),
            ("critics", Critic),
            ("critic reviews", CriticReview),
            ("audience reviews", AudienceReview),
            ("users", User),
            ("forum threads", Thread),
            ("forum posts", Post),
            ("news articles", Article),
            ("score history days", ScoreRecord),
        ]
        out.write("In the database now:")
        for label, model in counts:
            out.write(f"  {model._default_manager.count():>6}  {label}")
        out.write("Demo accounts:")
        out.write(f"  {'username':<10} {'password':<20} role")
        for username, role, group_name, is_staff in DEMO_ACCOUNTS:
            detail = f"{role} (staff, group {group_name})" if is_staff else role
            out.write(f"  {username:<10} {demo.DEMO_PASSWORD:<20} {detail}")


# Writing by natural keys -------------------------------------------------------------------


def _value(obj: models.Model, name: str) -> Any:
    value = getattr(obj, name)
    return value.name or "" if isinstance(value, FieldFile) else value


def upsert(
    model: type[models.Model],
    key: dict[str, Any],
    values: dict[str, Any],
    *,
    create_only: dict[str, Any] | None = None,
    key_on_create: bool = True,
) -> tuple[Any, bool]:
    """The row with natural key `key`, made to match `values`, and whether it was created.

    An existing row is saved only when something differs, so a second run leaves even
    auto_now fields alone. With key_on_create=False the key is left for save() to derive
    (a film's slug from its title and year).
    """
    obj = model._default_manager.filter(**key).first()
    if obj is None:
        obj = model(**(key if key_on_create else {}), **values, **(create_only or {}))
        obj.save()
        return obj, True
    changed = [name for name, value in values.items() if _value(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save()
    return obj, False


def sync_rows(
    scope: models.QuerySet,
    key: tuple[str, ...],
    rows: list[dict[str, Any]],
    *,
    create_only: dict[str, Any] | None = None,
) -> dict[tuple, Any]:
    """Make `scope` hold `rows`, matched on the `key` fields: create what is missing, update
    what differs, leave the rest alone. Returns the rows' objects by key.

    In bulk, because the catalogue has thousands of reviews and the command runs on every
    `make run`.
    """
    model = scope.model
    found: dict[tuple, Any] = {}
    for obj in scope:
        found.setdefault(tuple(_value(obj, name) for name in key), obj)
    result, new, changed, changed_fields = {}, [], [], set()
    for row in rows:
        row_key = tuple(row[name] for name in key)
        obj = found.get(row_key)
        if obj is None:
            obj = found[row_key] = model(**row, **(create_only or {}))
            new.append(obj)
        else:
            differs = [name for name, value in row.items() if _value(obj, name) != value]
            for name in differs:
                setattr(obj, name, row[name])
            if differs:
                changed.append(obj)
                changed_fields.update(differs)
        result[row_key] = obj
    model._default_manager.bulk_create(new, batch_size=500)
    if changed:
        model._default_manager.bulk_update(changed, sorted(changed_fields), batch_size=500)
    return result


def demo_image(
    model: type[models.Model], field_name: str, filename: str, draw: Callable[[], bytes]
) -> str:
    """The stored name of a demo image; drawn and saved only when its file is not there yet,
    so re-runs (and a database reset that kept the media folder) reuse the file."""
    image_field = model._meta.get_field(field_name)
    name = image_field.generate_filename(None, filename)
    if not image_field.storage.exists(name):
        image_field.storage.save(name, ContentFile(draw()))
    return name


def usernames_to_pks(usernames: Iterable[str]) -> dict[str, int]:
    return dict(User.objects.filter(username__in=set(usernames)).values_list("username", "pk"))
