"""Synthetic data for benchmarks: a deterministic catalogue of any size (`generate_data`).

Scale 1 is 10,000 films, 50,000 people, 100,000 members, 200,000 critic reviews, 1,000,000
audience ratings and 100,000 forum posts; every count scales linearly, with minimums that keep a
tiny scale meaningful. One "hot" film (HOT_FILM_SLUG) has the most critic reviews and ratings and
one "hot" thread (HOT_THREAD_TITLE) the most posts; BENCH_MEMBER_COUNT members with a known
password have written nothing, for a benchmark to log in as and review with.

Everything comes from one `random.Random(seed)` drawn in a fixed order, and every date from fixed
base dates, so a scale and a seed always give the same rows (primary keys, password salts and
the bookkeeping `created_at`/`updated_at` stamps aside). Rows go in with `bulk_create`, one
transaction a stage; the stored counters are exact at the end: scores through
`reviews.scores.refresh_scores`, thread counters computed as the posts are made, board counters
through `forums.services.synchronize_threads`, helpful counts 0 with no votes.
"""

import math
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import islice
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models.functions import Lower

from forums.models import MOVIE_FORUM_SLUG, Board, Post, Thread
from forums.services import synchronize_threads
from news.models import ARTICLE_TOP_HEADING, Article
from reviews.models import AudienceReview, Critic, CriticReview, Publication, Sentiment
from reviews.scores import refresh_scores
from reviews.tallies import rebuild_counts
from reviewsite.markup import render_markdown

from .models import HALF_STARS, Credit, Film, Genre, Person
from .slugs import unique_slugs

HOT_FILM_TITLE = "The Hot Ticket"
HOT_FILM_YEAR = 2024
HOT_FILM_SLUG = "the-hot-ticket-2024"
HOT_THREAD_TITLE = "The Hot Ticket: the big discussion"
BENCH_MEMBER_PREFIX = "bench-member-"
BENCH_MEMBER_COUNT = 200
BENCH_PASSWORD = "bench-password-123"

DEFAULT_BATCH_SIZE = 5000
MAX_SCALE = 100

# Fixed dates: members joined in [JOINED_FROM, ACTIVITY_FROM); reviews, posts and articles fall
# in [ACTIVITY_FROM, NOW). Unreleased films open in UPCOMING_YEARS, well after the real today.
NOW = datetime(2026, 1, 1, tzinfo=UTC)
JOINED_FROM = datetime(2008, 1, 1, tzinfo=UTC)
ACTIVITY_FROM = datetime(2012, 1, 1, tzinfo=UTC)
UPCOMING_YEARS = (2029, 2031)
HOT_FILM_RELEASED = date(HOT_FILM_YEAR, 3, 15)


# Sizes ---------------------------------------------------------------------------------------

# Rows at scale 1, and the fewest at any scale.
SCALE_ONE = {
    "films": 10_000,
    "people": 50_000,
    "members": 100_000,
    "publications": 300,
    "critics": 2_000,
    "critic_reviews": 200_000,
    "audience_reviews": 1_000_000,
    "threads": 10_000,
    "posts": 100_000,
    "articles": 300,
}
MINIMUM = {
    "films": 10,
    "people": 30,
    "members": 50,
    "publications": 5,
    "critics": 10,
    "critic_reviews": 100,
    "audience_reviews": 500,
    "threads": 10,
    "posts": 40,
    "articles": 3,
}
# The hot film's critic reviews and ratings and the hot thread's posts: at scale 1, and fewest.
HOT_SCALE_ONE = {"critic_reviews": 1_000, "audience_reviews": 20_000, "posts": 5_000}
HOT_MINIMUM = {"critic_reviews": 40, "audience_reviews": 60, "posts": 40}
# The hot items stay at least this many times an average film's (thread's) share at small scales.
HOT_OVER_AVERAGE = 3
# No other film (thread) has more than 1 / HOT_LEAD of the hot one's reviews, ratings (posts).
HOT_LEAD = 2
# How steeply reviews, ratings and posts fall off with popularity: see _zipf_weights().
ZIPF_EXPONENT = 1.2

UNRELEASED_SHARE = 0.03  # films announced, not out yet: no reviews, no scores
UNDATED_SHARE = 0.03  # films with a year but no release date
TOP_CRITIC_SHARE = 0.15
TOP_PUBLICATION_SHARE = 0.1
TEXT_REVIEW_SHARE = 0.1  # audience reviews with a text; the rest are ratings only
MOVIE_FORUM_SHARE = 0.65  # threads about a film, in the Movie forum
CONSENSUS_SHARE = 0.25  # the most reviewed films get an editors' consensus


@dataclass(frozen=True)
class Sizes:
    """How many rows of each kind a scale makes."""

    films: int
    people: int
    members: int
    publications: int
    critics: int
    critic_reviews: int
    audience_reviews: int
    threads: int
    posts: int
    articles: int
    unreleased_films: int
    hot_critic_reviews: int
    hot_audience_reviews: int
    hot_posts: int

    @classmethod
    def for_scale(cls, scale: float) -> "Sizes":
        n = {name: max(round(base * scale), MINIMUM[name]) for name, base in SCALE_ONE.items()}
        unreleased = max(1, round(n["films"] * UNRELEASED_SHARE))
        # Released films besides the hot one: the others' reviews and ratings spread over them.
        rated = n["films"] - unreleased - 1
        hot_critic = _hot_size(scale, "critic_reviews", n["critic_reviews"], rated)
        hot_ratings = _hot_size(scale, "audience_reviews", n["audience_reviews"], rated)
        hot_posts = _hot_size(scale, "posts", n["posts"], n["threads"] - 1)
        return cls(
            **n
            | {
                # A film's reviews are by different critics, its ratings by different members.
                "critics": max(n["critics"], hot_critic + hot_critic // 4),
                "members": max(n["members"], hot_ratings),
                # Every thread has its first post.
                "posts": max(n["posts"], hot_posts + n["threads"] - 1),
            },
            unreleased_films=unreleased,
            hot_critic_reviews=hot_critic,
            hot_audience_reviews=hot_ratings,
            hot_posts=hot_posts,
        )


def _hot_size(scale: float, name: str, total: int, others: int) -> int:
    """The hot item's share of `total`: its scaled size, but clearly the largest.

    At least HOT_OVER_AVERAGE times the average, and large enough that the rest fits in the
    `others` items with at most hot // HOT_LEAD each.
    """
    wanted = max(
        round(HOT_SCALE_ONE[name] * scale),
        HOT_MINIMUM[name],
        math.ceil(HOT_OVER_AVERAGE * total / (others + 1)),
        # total - hot <= (hot // HOT_LEAD) * others, however hot // HOT_LEAD rounds down
        math.ceil((HOT_LEAD * total + (HOT_LEAD - 1) * others) / (others + HOT_LEAD)),
    )
    return min(wanted, total)


def scale_problem(scale: object) -> str | None:
    """Why `scale` is not a scale generate() takes, or None when it is."""
    if isinstance(scale, bool) or not isinstance(scale, int | float):
        return f"The scale must be a number, not {scale!r}."
    if not math.isfinite(scale) or scale <= 0:
        return f"The scale must be a positive number (1 is 10,000 films), not {scale}."
    if scale > MAX_SCALE:
        return f"The scale {scale:g} is too large: at most {MAX_SCALE} (1 is 10,000 films)."
    return None


class SyntheticDataError(Exception):
    """generate() cannot run here: the message says why."""


# Words ---------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    """A word list written as one string: easier to read than a column of quoted words."""
    return text.split()


GENRES = [
    "Action",
    "Adventure",
    "Animation",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Horror",
    "Kids & Family",
    "Musical",
    "Mystery & Suspense",
    "Romance",
    "Science Fiction",
    "Special Interest",
    "Thriller",
    "War",
    "Western",
]
# How often each genre is a film's first one, in GENRES order.
GENRE_WEIGHTS = [8, 5, 3, 9, 5, 4, 14, 3, 5, 3, 1, 4, 5, 4, 1, 6, 2, 2]
HOT_FILM_GENRES = ["Drama", "Mystery & Suspense", "Thriller"]

ADJECTIVES = _words(
    "Silent Golden Broken Hidden Little Lost Secret Wild Cold Burning Final Forgotten Empty "
    "Distant Crimson Savage Quiet Strange Bright Hollow Endless Sweet Dark Long Last Electric "
    "Midnight Velvet Iron Paper Glass Northern Southern Restless Frozen Shining Wicked Gentle "
    "Hungry Lonely Perfect Impossible Invisible Sleeping Falling Rising Dangerous Beautiful"
)
NOUNS = _words(
    "Summer Night River City Road House Garden Mirror Train Island Stranger Kingdom Dream Winter "
    "Harbor Valley Letter Promise Season Shadow Storm Horizon Machine Orchard Lighthouse Bridge "
    "Frontier Empire Carnival Circus Station Signal Voyage Echo Ghost Witness Daughter Son "
    "Brother Sister Mother Father Hunter Dancer Soldier Detective Stranger Thief Angel Wolf "
    "Tiger Falcon Rose Lantern Crown Compass Harvest Tide Fire Heart Secret Verdict Escape"
)
PLACES = _words(
    "Paris Tokyo Havana Berlin Cairo Lisbon Alaska Texas Brooklyn Montana Vienna Marseille "
    "Harlem Bombay Naples Siberia Dakota Saigon Tangier Venice Oslo Dublin Memphis Reno"
)
FIRST_NAMES = _words(
    "James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony "
    "Betty Mark Sandra Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua Michelle "
    "Kenneth Carol Kevin Amanda Brian Melissa George Deborah Timothy Stephanie Ronald Rebecca "
    "Jason Laura Edward Helen Jeffrey Sharon Ryan Cynthia Jacob Kathleen Gary Amy Nicholas "
    "Angela Eric Anna Jonathan Ruth Stephen Brenda Larry Pamela Justin Nicole Scott Katherine "
    "Frank Samantha Benjamin Christine Gregory Emma Samuel Catherine Raymond Debra Patrick "
    "Virginia Alexander Rachel Jack Carolyn Dennis Janet Jerry Maria Tyler Heather Aaron Diane "
    "Yuki Hiroshi Mei Wei Priya Arjun Fatima Omar Sofia Mateo Lucia Diego Ingrid Lars Amara "
    "Kwame Zara Ivan Olga Pierre Camille Giulia Marco Ana Tomas Nadia Kofi Leila Hassan Chen"
)
LAST_NAMES = _words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White "
    "Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres "
    "Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts "
    "Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales "
    "Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos "
    "Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes "
    "Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Tanaka Suzuki Sato "
    "Yamamoto Wang Zhang Liu Singh Kumar Okafor Mensah Haddad Novak Kowalski Larsen Berg "
    "Rossi Bianchi Dubois Moreau Schmidt Fischer Weber Silva Santos Costa Ivanova Petrov Ali"
)
INITIALS = "ABCDEFGHJKLMNPRSTW"
OCCUPATIONS = (
    "detective",
    "schoolteacher",
    "retired boxer",
    "young widow",
    "jazz pianist",
    "small-town sheriff",
    "ambitious reporter",
    "astronaut",
    "chef",
    "con artist",
    "nurse",
    "struggling painter",
    "lighthouse keeper",
    "former spy",
    "teenage runaway",
    "country doctor",
    "getaway driver",
    "marine biologist",
    "stage actress",
    "grieving father",
)
PLOTS = (
    "must cross the country to return a stolen letter",
    "uncovers a conspiracy that reaches the mayor's office",
    "falls for a stranger with a dangerous past",
    "tries to save the family farm from the bank",
    "is haunted by a voice on the radio",
    "agrees to one last job before retirement",
    "searches for a missing sister",
    "trains an unlikely team for a championship",
    "wakes up in a town that is not on any map",
    "inherits a crumbling hotel and its secrets",
    "races a storm to reach the coast",
    "returns home for a funeral and stays for the truth",
    "teaches a classroom of misfits to sing",
    "hunts a creature that only comes out at night",
    "plans the perfect heist with the wrong crew",
)
TWISTS = (
    "Nothing is what it seems.",
    "Time is running out.",
    "Old friends become new enemies.",
    "A single decision changes everything.",
    "Love arrives at the worst possible moment.",
    "The past refuses to stay buried.",
    "Every choice has a price.",
    "The truth is stranger than the legend.",
)
STUDIOS = (
    "Lantern Pictures",
    "Northlight Films",
    "Paper Moon Studios",
    "Blue Harbor Entertainment",
    "Red Canyon Releasing",
    "Silverline Media",
    "Orchard Street Films",
    "Meridian Pictures",
    "Crescent Features",
    "Tall Tree Productions",
    "Open Road Cinema",
    "Kestrel Films",
)
CHARACTER_TITLES = ("Detective", "Captain", "Doctor", "Sheriff", "Agent", "Professor", "Mrs.")
CITIES = _words(
    "Riverton Lakewood Fairview Brookside Ashford Millbrook Kingsport Redwood Westfield Oakmont "
    "Harborview Clearwater Stonebridge Greenfield Maplewood Northgate Bayside Eastwood Highland "
    "Silverton Pinecrest Sunnyvale Cedarfall Granitehill Coldwater Bellmont Ironwood "
    "Marston Elmhurst Foxborough Glenwood"
)
PUBLICATION_KINDS = (
    "Gazette",
    "Herald",
    "Tribune",
    "Chronicle",
    "Post",
    "Observer",
    "Review",
    "Courier",
    "Daily",
    "Weekly",
    "Film Journal",
    "Screen Notes",
    "Sentinel",
    "Times",
    "Examiner",
)
PRAISE = (
    "A gorgeous, patient film that earns every one of its quiet moments.",
    "Funny, sad and wise in equal measure.",
    "The performances alone are worth the ticket.",
    "A confident piece of storytelling that never talks down to its audience.",
    "It grabs you in the first minute and does not let go.",
    "One of the most satisfying films of the year.",
    "Beautifully shot, tightly written and superbly acted.",
    "A rare crowd-pleaser with real ideas in its head.",
    "Warm, surprising and wonderfully strange.",
    "The director's best work yet.",
)
PANS = (
    "A muddled film that mistakes noise for drama.",
    "The cast deserves a far better script.",
    "Handsome to look at, but there is nothing underneath.",
    "It runs out of ideas long before it runs out of time.",
    "A tired retread of better films.",
    "Neither funny enough nor scary enough to work.",
    "Sluggish, overlong and strangely lifeless.",
    "Good intentions cannot save a story this thin.",
    "The ending undoes whatever goodwill the first act built.",
    "Forgettable in almost every way.",
)
# Original scores as critics give them, with their 0-100 normalizations.
SCORE_SCALES = (
    [(f"{s / 2:g}/4", round(100 * s / 8)) for s in range(1, 9)],
    [(f"{s / 2:g}/5", round(100 * s / 10)) for s in range(1, 11)],
    [(f"{s}/10", 10 * s) for s in range(1, 11)],
    [
        (grade, norm)
        for grade, norm in (
            ("A+", 100),
            ("A", 95),
            ("A-", 90),
            ("B+", 85),
            ("B", 80),
            ("B-", 75),
            ("C+", 68),
            ("C", 58),
            ("C-", 50),
            ("D+", 42),
            ("D", 35),
            ("D-", 28),
            ("F", 10),
        )
    ],
)
FRESH_AT = 60  # a normalized score from here up goes with a fresh review
AUDIENCE_PRAISE = (
    "Loved it. The ending got me.",
    "Saw it twice and liked it even more the second time.",
    "Great cast, great music, great fun.",
    "Not perfect, but it stayed with me for days.",
    "Best thing I've seen in the theater this year.",
    "My whole family enjoyed it, which never happens.",
    "Slow start, but the last hour is fantastic.",
    "The lead deserves every award going.",
)
AUDIENCE_PANS = (
    "Too long and too loud.",
    "I wanted to like it but it never clicked.",
    "The trailer was better than the film.",
    "Fell asleep halfway through.",
    "Some nice moments, a lot of filler.",
    "The twist was obvious from the first scene.",
    "Not for me. The characters were paper thin.",
    "Disappointing after all the hype.",
)
SPOILER_ENDINGS = (
    " And ||the brother was the killer all along||, which I did not see coming.",
    " When ||the lighthouse burned down|| I actually gasped.",
    " Still can't believe ||the dog survived||.",
)
OPENING_POSTS = (
    "Just got back from seeing it. **What did everyone think?**",
    "I have a theory about the ending.\n\n> Nothing is what it seems\n\nIs that the key to it?",
    "Is it worth seeing in a theater, or should I wait for streaming?",
    "Ranking the director's films, worst to best. Go!",
    "The soundtrack is *incredible*. Does anyone know the song in the last scene?",
    "Unpopular opinion: this is overrated. Change my mind.",
    "Spoilers below, you have been warned.\n\n||The ending was a dream.||",
    "Which scene made you laugh the hardest?",
    "Found an interview with the cast: "
    "[worth a read](https://example.com/interviews/cast-roundtable).",
    "First time watching this. Why did nobody tell me about it sooner?",
)
REPLIES = (
    "Agreed, completely.",
    "I could not disagree more, but I see your point.",
    "The second half drags a bit, but the finale makes up for it.",
    "> Is it worth seeing in a theater?\n\nAbsolutely, the sound design alone is worth it.",
    "Has anyone noticed the *mirror* in almost every scene?",
    "Ha! Same here.",
    "I went in with low expectations and came out thrilled.",
    "My favourite performance this year, hands down.",
    'Best line: *"You never could read a map."*',
    "Watched it again last night. Holds up.",
    "Can we talk about the editing? Some cuts were **bold**.",
    "Three things I loved:\n\n1. The score\n2. The costumes\n3. That final shot",
    "Not for me, sadly.",
    "Here's the review that convinced me to go: [link](https://example.com/reviews/a-must-see).",
    "I think the book handles this part better.",
    "Underrated, in my opinion.",
    "The trailer spoils far too much, avoid it.",
    "Does anyone know when it comes out on disc?",
    "||The twist|| made total sense on a second viewing.",
    "Just here to say the cinematography is *stunning*.",
)
FILM_THREAD_TOPICS = (
    "thoughts?",
    "the ending explained",
    "was it overrated?",
    "best scene",
    "the soundtrack",
    "first time watching",
    "rewatch thread",
    "underrated gem?",
    "favourite performance",
    "the book vs the film",
)
GENERAL_TOPICS = (
    "What are you watching this weekend?",
    "Best films of the decade so far",
    "Films that improve on a second viewing",
    "Your all-time top five",
    "Which sequel was better than the original?",
    "Hidden gems nobody talks about",
    "Opening weekend predictions",
    "Who will win Best Picture?",
    "Series worth binging",
    "Theater etiquette pet peeves",
    "Scores that give you chills",
    "Favourite opening scenes",
    "Feature request: dark mode",
    "Guilty pleasure films",
    "Director deep dives",
)
# (name, description, share of the general threads)
GENERAL_BOARDS = (
    ("General Discussion", "Talk about cinema in general.", 5),
    ("Box Office", "Weekend numbers, records and flops.", 2),
    ("Awards Season", "Festivals, nominations and winners.", 2),
    ("TV and Streaming", "Series, streaming premieres and what to watch at home.", 3),
    ("Off Topic", "Anything that is not about films.", 2),
    ("Site Feedback", "Suggestions and problems with the site.", 1),
)
ARTICLE_KINDS = (
    "First look: {title}",
    "{title} tops the weekend box office",
    "Why {title} is the film everyone is talking about",
    "Inside the making of {title}",
    "{title}: the critics weigh in",
    "Ten things you missed in {title}",
    "The cast of {title} on the film's long road to the screen",
    "Festival report: {title} divides audiences",
)
ARTICLE_PARAGRAPHS = (
    "Few films arrive with as much anticipation as **{title}**, and fewer still live up to it.",
    "The production spent three years in development before a single scene was shot.",
    "Early audiences were split, but word of mouth has been building steadily since.",
    "The score, recorded with a full orchestra, is already being talked about for awards.",
    "Critics have singled out the lead performance as a career best.",
    "The studio has announced an extended cut for later this year.",
)


# Generating ----------------------------------------------------------------------------------

Progress = Callable[[str], object]
T = TypeVar("T")


def generate(
    scale: float,
    seed: int = 1,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress = print,
) -> dict[str, int]:
    """Fill an empty catalogue with the synthetic data of `scale` and `seed`; the row counts.

    `progress` gets a line for each stage (its rows and seconds) and a summary. Raises
    SyntheticDataError when the catalogue has films or the scale is not one it takes.
    """
    if problem := scale_problem(scale):
        raise SyntheticDataError(problem)
    if batch_size < 1:
        raise SyntheticDataError(f"The batch size must be at least 1, not {batch_size}.")
    if films := Film.objects.count():
        raise SyntheticDataError(
            f"The catalogue already has {films} film(s): generate_data fills an empty one. "
            "Use a fresh database, or empty this one with `manage.py flush`."
        )
    return _Generator(Sizes.for_scale(scale), seed, batch_size, progress).run()


@dataclass
class _FilmPlan:
    film: Film
    quality: float  # 0..1: how fresh its reviews and how high its ratings tend to be
    released: bool
    opened: date  # reviews and ratings start here
    rank: int = 0  # by popularity among the released films, the hot one aside: 0 is the most
    genres: list[str] = field(default_factory=list)


@dataclass
class _ThreadPlan:
    thread: Thread
    posts: list[tuple[datetime, int, str]]  # (posted at, author's member index, body)


class _Generator:
    def __init__(self, sizes: Sizes, seed: int, batch_size: int, progress: Progress) -> None:
        self.sizes = sizes
        self.rng = random.Random(seed)
        self.batch_size = batch_size
        self.progress = progress
        self.counts: dict[str, int] = {}

    def run(self) -> dict[str, int]:
        started = time.monotonic()
        self.genres = self.stage("genres", self.make_genres)
        self.films = self.stage("films", self.make_films)
        self.stage("film genres", self.make_film_genres)
        self.stage("people", self.make_people)
        self.stage("credits", self.make_credits)
        self.stage("members", self.make_members)
        self.stage("bench members", self.make_bench_members)
        self.stage("publications", self.make_publications)
        self.stage("critics", self.make_critics)
        self.stage("critic reviews", self.make_critic_reviews)
        self.stage("audience reviews", self.make_audience_reviews)
        self.stage("boards", self.make_boards)
        self.stage("threads", self.make_threads)
        self.stage("posts", self.make_posts)
        self.stage("articles", self.make_articles)
        self.stage("scores", self.score_films, atomic=False)
        self.stage("review counts", self.count_reviews)
        self.stage("board counters", self.count_boards, atomic=False)
        self.stage("statistics", self.analyze, atomic=False)
        counts = {
            name: n
            for name, n in self.counts.items()
            if name not in {"scores", "board_counters", "statistics"}
        }
        self.progress(
            f"Done in {time.monotonic() - started:.1f}s: "
            + ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in counts.items())
            + "."
        )
        return counts

    def analyze(self) -> list[str]:
        """Fresh planner statistics for the new rows, as a bulk load should end. On PostgreSQL
        also a VACUUM (outside a transaction), which empties the GIN indexes' lists of pending
        entries: until then the planner prices the trigram index so high that it scans all
        50,000 people for a search the index answers in a millisecond."""
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        return connection.introspection.table_names()

    def stage(self, name: str, make: Callable[[], T], *, atomic: bool = True) -> T:
        """Run one stage (in one transaction unless `atomic` is False), report it."""
        started = time.monotonic()
        if atomic:
            with transaction.atomic():
                result = make()
        else:
            result = make()
        count = len(result) if isinstance(result, Sequence | dict) else int(result)
        key = name.replace(" ", "_")
        self.counts[key] = count
        self.progress(f"{name:<18} {count:>10,} rows {time.monotonic() - started:8.1f}s")
        return result

    def insert(self, model: type[models.Model], rows: Iterable[models.Model]) -> int:
        """bulk_create `rows` in batches; how many there were."""
        count = 0
        for batch in _batches(rows, self.batch_size):
            model._default_manager.bulk_create(batch, batch_size=self.batch_size)
            count += len(batch)
        return count

    # Films -----------------------------------------------------------------------------------

    def make_genres(self) -> dict[str, Genre]:
        """The usual genres, the ones already there reused (whatever their case)."""
        existing = {genre.name.casefold(): genre for genre in Genre.objects.all()}
        missing = [name for name in GENRES if name.casefold() not in existing]
        created = [
            Genre(name=name, slug=slug)
            for name, slug in zip(missing, unique_slugs(Genre, missing), strict=True)
        ]
        Genre.objects.bulk_create(created)
        existing.update((genre.name.casefold(), genre) for genre in created)
        return {name: existing[name.casefold()] for name in GENRES}

    def make_films(self) -> list[_FilmPlan]:
        rng, sizes = self.rng, self.sizes
        plans = [self.hot_film()]
        upcoming = set(rng.sample(range(1, sizes.films), sizes.unreleased_films))
        for i in range(1, sizes.films):
            plans.append(self.film(released=i not in upcoming))
        films = [plan.film for plan in plans]
        slugs = unique_slugs(Film, [film.slug_text() for film in films])
        for film, slug in zip(films, slugs, strict=True):
            film.slug = slug
        self.rank_films(plans)
        self.insert(Film, films)
        return plans

    def hot_film(self) -> _FilmPlan:
        film = Film(
            title=HOT_FILM_TITLE,
            year=HOT_FILM_YEAR,
            synopsis=(
                "A ticket seller at a small-town cinema finds a reel that should not exist, and "
                "every screening of it changes the town a little more. Nothing is what it seems."
            ),
            rating=Film.Rating.PG13,
            runtime=128,
            release_date=HOT_FILM_RELEASED,
            release_type=Film.ReleaseType.WIDE,
            studio=STUDIOS[0],
            consensus=(
                "Gripping, funny and beautifully made, The Hot Ticket is the rare crowd-pleaser "
                "that rewards a second viewing."
            ),
        )
        return _FilmPlan(
            film, quality=0.9, released=True, opened=HOT_FILM_RELEASED, genres=HOT_FILM_GENRES
        )

    def film(self, *, released: bool) -> _FilmPlan:
        rng = self.rng
        # Released: more recent films than old ones.
        year = 2025 - int(75 * rng.random() ** 1.5) if released else rng.randint(*UPCOMING_YEARS)
        release_date = date(year, 1, 1) + timedelta(days=rng.randrange(365))
        if released and rng.random() < UNDATED_SHARE:
            release_date = None
        film = Film(
            title=self.title(),
            year=year,
            synopsis=self.synopsis(),
            rating=rng.choice(Film.Rating.values),
            runtime=rng.randint(78, 175),
            release_date=release_date,
            release_type=rng.choices(Film.ReleaseType.values, weights=[5, 3, 1, 2])[0],
            studio=rng.choice(STUDIOS),
        )
        first = rng.choices(GENRES, weights=GENRE_WEIGHTS)[0]
        others = rng.sample(GENRES, rng.randint(0, 2))
        return _FilmPlan(
            film,
            quality=rng.betavariate(3, 2),
            released=released,
            opened=release_date or date(year, 1, 1),
            genres=list(dict.fromkeys([first, *others])),
        )

    def title(self) -> str:
        rng = self.rng
        adjective, noun, other = rng.choice(ADJECTIVES), rng.choice(NOUNS), rng.choice(NOUNS)
        title = rng.choice(
            (
                f"The {adjective} {noun}",
                f"{adjective} {noun}",
                f"The {noun} of {rng.choice(PLACES)}",
                f"{noun} in {rng.choice(PLACES)}",
                f"A {noun} for {rng.choice(FIRST_NAMES)}",
                f"{rng.choice(FIRST_NAMES)}'s {noun}",
                f"The Last {noun}",
                f"{noun} and {other}",
                f"{adjective} {noun}s",
            )
        )
        if rng.random() < 0.04:
            title += rng.choice((" II", " III", ": Part Two", ": The Return"))
        return title

    def synopsis(self) -> str:
        rng = self.rng
        return (
            f"A {rng.choice(ADJECTIVES).lower()} {rng.choice(OCCUPATIONS)} "
            f"{rng.choice(PLOTS)} in {rng.choice(PLACES)}. {rng.choice(TWISTS)}"
        )

    def rank_films(self, plans: list[_FilmPlan]) -> None:
        """A random popularity rank for each released film (the hot one aside), which orders
        its share of reviews and ratings; the most popular get an editors' consensus."""
        rated = [plan for plan in plans[1:] if plan.released]
        ranks = self.rng.sample(range(len(rated)), len(rated))
        for plan, rank in zip(rated, ranks, strict=True):
            plan.rank = rank
            if rank < CONSENSUS_SHARE * len(rated):
                plan.film.consensus = self.consensus(plan)

    def consensus(self, plan: _FilmPlan) -> str:
        rng = self.rng
        verdict = rng.choice(PRAISE) if plan.quality >= 0.6 else rng.choice(PANS)
        return f"{plan.film.title}: {verdict[0].lower()}{verdict[1:]}"

    def make_film_genres(self) -> int:
        FilmGenre = Film.genres.through
        return self.insert(
            FilmGenre,
            (
                FilmGenre(film_id=plan.film.pk, genre_id=self.genres[name].pk)
                for plan in self.films
                for name in plan.genres
            ),
        )

    # People and credits ------------------------------------------------------------------------

    def make_people(self) -> list[Person]:
        rng = self.rng
        people = []
        for _ in range(self.sizes.people):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            middle = f" {rng.choice(INITIALS)}." if rng.random() < 0.5 else ""
            born = rng.random() < 0.7
            people.append(
                Person(
                    name=f"{first}{middle} {last}",
                    birth_date=date(1930, 1, 1) + timedelta(days=rng.randrange(70 * 365))
                    if born
                    else None,
                )
            )
        slugs = unique_slugs(Person, [person.name for person in people])
        for person, slug in zip(people, slugs, strict=True):
            person.slug = slug
        self.insert(Person, people)
        self.people = people
        return people

    def make_credits(self) -> int:
        """About ten credits a film: directors, writers (now and then the director), cast.

        Every person gets at least one: they fill randomly chosen credits once each, the other
        credits go to people drawn with a skew, so that a few work on many films.
        """
        rng, people = self.rng, self.people
        slots = []  # (film index, role, whether the director also wrote it)
        for index in range(len(self.films)):
            hot = index == 0
            directors = 2 if rng.random() < 0.1 else 1
            slots += [(index, Credit.Role.DIRECTOR, False)] * directors
            if rng.random() < 0.3:
                slots.append((index, Credit.Role.WRITER, True))
            slots += [(index, Credit.Role.WRITER, False)] * rng.randint(1, 2)
            slots += [(index, Credit.Role.CAST, False)] * (12 if hot else rng.randint(5, 8))
        free = [i for i, slot in enumerate(slots) if not slot[2]]
        once = iter(rng.sample(range(len(people)), len(people)))
        chosen = set(rng.sample(free, min(len(people), len(free))))
        assigned: dict[int, int] = {i: next(once) for i in sorted(chosen)}

        credits = []
        by_film: dict[int, list[int]] = {}
        for i, slot in enumerate(slots):
            by_film.setdefault(slot[0], []).append(i)
        for film_index, indexes in by_film.items():
            used = {assigned[i] for i in indexes if i in assigned}
            director = None
            orders: dict[str, int] = {}
            for i in indexes:
                _, role, director_writes = slots[i]
                if director_writes:
                    person = director
                elif i in assigned:
                    person = assigned[i]
                else:
                    person = self.skewed_person(used)
                used.add(person)
                if role == Credit.Role.DIRECTOR and director is None:
                    director = person
                order = orders.get(role, 0)
                orders[role] = order + 1
                credits.append(
                    Credit(
                        film_id=self.films[film_index].film.pk,
                        person_id=people[person].pk,
                        role=role,
                        character=self.character() if role == Credit.Role.CAST else "",
                        order=order,
                    )
                )
        return self.insert(Credit, credits)

    def skewed_person(self, used: set[int]) -> int:
        rng, count = self.rng, len(self.people)
        while True:
            person = int(count * rng.random() ** 1.6)
            if person not in used:
                return person

    def character(self) -> str:
        rng = self.rng
        if rng.random() < 0.3:
            return f"{rng.choice(CHARACTER_TITLES)} {rng.choice(LAST_NAMES)}"
        return rng.choice(FIRST_NAMES)

    # Members -----------------------------------------------------------------------------------

    def make_members(self) -> list[int]:
        """Members with unusable passwords; the pks, by member index."""
        rng = self.rng
        User = get_user_model()
        taken = set(User.objects.annotate(lower=Lower("username")).values_list("lower", flat=True))
        span = int((ACTIVITY_FROM - JOINED_FROM).total_seconds())
        members = []
        for i in range(1, self.sizes.members + 1):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            username = f"{first}_{last}{i}".lower()
            while username in taken:
                username += "x"
            members.append(
                User(
                    username=username,
                    display_name=f"{first} {last[0]}.",
                    password=make_password(None),
                    date_joined=JOINED_FROM + timedelta(seconds=int(rng.random() * span)),
                )
            )
        self.insert(User, members)
        self.members = [member.pk for member in members]
        return self.members

    def make_bench_members(self) -> int:
        """BENCH_MEMBER_COUNT active members with BENCH_PASSWORD, who have written nothing.

        Those already there (from an earlier run whose films were deleted) are reused.
        """
        User = get_user_model()
        password = make_password(BENCH_PASSWORD)  # hashed once: hashing is slow on purpose
        names = [f"{BENCH_MEMBER_PREFIX}{i}" for i in range(1, BENCH_MEMBER_COUNT + 1)]
        existing = User.objects.annotate(lower=Lower("username")).filter(lower__in=names)
        existing.update(password=password, is_active=True)
        found = set(existing.values_list("lower", flat=True))
        User.objects.bulk_create(
            User(
                username=name,
                display_name=f"Bench member {name.removeprefix(BENCH_MEMBER_PREFIX)}",
                password=password,
                date_joined=NOW,
            )
            for name in names
            if name not in found
        )
        return len(names)

    # Critics -----------------------------------------------------------------------------------

    def make_publications(self) -> list[Publication]:
        rng = self.rng
        names = [f"The {city} {kind}" for city in CITIES for kind in PUBLICATION_KINDS]
        rng.shuffle(names)
        publications = [
            Publication(
                name=names[i % len(names)] + (f" {i // len(names) + 1}" if i >= len(names) else ""),
                is_top=rng.random() < TOP_PUBLICATION_SHARE,
            )
            for i in range(self.sizes.publications)
        ]
        slugs = unique_slugs(Publication, [p.name for p in publications])
        for publication, slug in zip(publications, slugs, strict=True):
            publication.slug = slug
            publication.url = f"https://{slug}.example.com/"
        self.insert(Publication, publications)
        self.publications = publications
        return publications

    def make_critics(self) -> list[Critic]:
        """Critics, a share of them Top Critics, each writing for one or two publications."""
        rng = self.rng
        count = self.sizes.critics
        top = set(rng.sample(range(count), max(round(count * TOP_CRITIC_SHARE), 8)))
        critics = []
        for i in range(count):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            critics.append(Critic(name=f"{first} {last}", is_top_critic=i in top))
        slugs = unique_slugs(Critic, [critic.name for critic in critics])
        for critic, slug in zip(critics, slugs, strict=True):
            critic.slug = slug
        self.insert(Critic, critics)

        # Big publications have many critics.
        npub = len(self.publications)
        self.critic_publications = []
        for _ in critics:
            first = int(npub * rng.random() ** 1.5)
            mine = [first]
            if rng.random() < 0.2 and (second := rng.randrange(npub)) != first:
                mine.append(second)
            self.critic_publications.append(mine)
        CriticPublication = Critic.publications.through
        self.insert(
            CriticPublication,
            (
                CriticPublication(critic_id=critic.pk, publication_id=self.publications[p].pk)
                for critic, mine in zip(critics, self.critic_publications, strict=True)
                for p in mine
            ),
        )
        self.critics = critics
        return critics

    def make_critic_reviews(self) -> int:
        rng, sizes = self.rng, self.sizes
        hot, others = self.films[0], self.rated_films()
        total, cap = (
            sizes.critic_reviews - sizes.hot_critic_reviews,
            self.cap(sizes.hot_critic_reviews),
        )
        counts = _spread(total, _zipf_weights([plan.rank for plan in others], total, cap), cap)
        # The hot film: every Top Critic (up to a third of its reviews), then anyone.
        top = [i for i, critic in enumerate(self.critics) if critic.is_top_critic]
        hot_top = rng.sample(top, min(len(top), sizes.hot_critic_reviews // 3))
        taken = set(hot_top)
        rest = [i for i in range(len(self.critics)) if i not in taken]
        hot_critics = hot_top + rng.sample(rest, sizes.hot_critic_reviews - len(hot_top))

        def reviews() -> Iterator[CriticReview]:
            yield from self.critic_reviews(hot, hot_critics)
            for plan, count in zip(others, counts, strict=True):
                yield from self.critic_reviews(plan, rng.sample(range(len(self.critics)), count))

        return self.insert(CriticReview, reviews())

    @staticmethod
    def cap(hot: int) -> int:
        """The most reviews (ratings, posts) another film (thread) may have."""
        return hot // HOT_LEAD

    def rated_films(self) -> list[_FilmPlan]:
        """The released films other than the hot one: they share the other reviews."""
        return [plan for plan in self.films[1:] if plan.released]

    def critic_reviews(self, plan: _FilmPlan, critics: list[int]) -> Iterator[CriticReview]:
        rng = self.rng
        film = plan.film
        fresh_chance = min(max(plan.quality * 1.1 - 0.05, 0.02), 0.98)
        latest = NOW.date() - timedelta(days=1)
        for index in critics:
            critic = self.critics[index]
            publication = self.publications[rng.choice(self.critic_publications[index])]
            if rng.random() < 0.03:
                sentiment = Sentiment.UNCLASSIFIED
            elif rng.random() < fresh_chance:
                sentiment = Sentiment.FRESH
            else:
                sentiment = Sentiment.ROTTEN
            original, normalized = "", None
            if rng.random() < 0.65:
                scores = rng.choice(SCORE_SCALES)
                if sentiment == Sentiment.FRESH:
                    scores = [s for s in scores if s[1] >= FRESH_AT]
                elif sentiment == Sentiment.ROTTEN:
                    scores = [s for s in scores if s[1] < FRESH_AT]
                original, normalized = rng.choice(scores)
            excerpt = ""
            if rng.random() < 0.85:
                excerpt = rng.choice(PANS if sentiment == Sentiment.ROTTEN else PRAISE)
            review_date = min(plan.opened + timedelta(days=rng.randint(-20, 400)), latest)
            yield CriticReview(
                film_id=film.pk,
                critic_id=critic.pk,
                publication_id=publication.pk,
                url=f"{publication.url}reviews/{film.slug}/" if rng.random() < 0.7 else "",
                excerpt=excerpt,
                original_score=original,
                normalized_score=normalized,
                sentiment=sentiment,
                review_date=review_date,
                is_published=rng.random() >= 0.01,
                is_top_critic=critic.is_top_critic,
            )

    # Audience ----------------------------------------------------------------------------------

    def make_audience_reviews(self) -> int:
        """Ratings, one a member and film: the hot film's first, then the others' by
        popularity."""
        sizes = self.sizes
        others = self.rated_films()
        total = sizes.audience_reviews - sizes.hot_audience_reviews
        cap = min(self.cap(sizes.hot_audience_reviews), len(self.members))
        counts = _spread(total, _zipf_weights([plan.rank for plan in others], total, cap), cap)
        # How much each film is talked about in the forums and the news: as much as it is rated
        # (films to come a little).
        rated = dict(zip((plan.film.pk for plan in others), counts, strict=True))
        rated[self.films[0].film.pk] = sizes.hot_audience_reviews
        self.talked_about = [rated.get(plan.film.pk, 1) for plan in self.films]

        def reviews() -> Iterator[AudienceReview]:
            yield from self.audience_reviews(self.films[0], sizes.hot_audience_reviews)
            for plan, count in zip(others, counts, strict=True):
                yield from self.audience_reviews(plan, count)

        return self.insert(AudienceReview, reviews())

    def audience_reviews(self, plan: _FilmPlan, count: int) -> Iterator[AudienceReview]:
        """`count` members' ratings of the film, a tenth with a text, after it opened."""
        rng = self.rng
        members = rng.sample(self.members, count)
        stars = rng.choices(STARS, cum_weights=_star_weights(plan.quality, rng), k=count)
        opened = datetime.combine(plan.opened, datetime.min.time(), tzinfo=UTC)
        start = max(opened, ACTIVITY_FROM)
        span = (NOW - start).total_seconds()
        for user_id, rating in zip(members, stars, strict=True):
            created_at = start + timedelta(seconds=int(rng.random() * span))
            body, spoilers = "", False
            if rng.random() < TEXT_REVIEW_SHARE:
                body = rng.choice(AUDIENCE_PRAISE if rating >= LIKED else AUDIENCE_PANS)
                if spoilers := rng.random() < 0.1:
                    body += rng.choice(SPOILER_ENDINGS)
            yield AudienceReview(
                film_id=plan.film.pk,
                user_id=user_id,
                rating=rating,
                body=body,
                has_spoilers=spoilers,
                created_at=created_at,
            )

    # Forums ------------------------------------------------------------------------------------

    def make_boards(self) -> list[Board]:
        """The Movie forum (made by a migration) and the general boards, reused when there."""
        by_slug = {board.slug: board for board in Board.objects.all()}
        movie_forum = by_slug.get(MOVIE_FORUM_SLUG)
        if movie_forum is None:
            movie_forum = Board.objects.create(
                name="Movie forum", slug=MOVIE_FORUM_SLUG, order=0, description=""
            )
        by_name = {board.name.casefold(): board for board in by_slug.values()}
        missing = [b for b in GENERAL_BOARDS if b[0].casefold() not in by_name]
        slugs = unique_slugs(Board, [name for name, _, _ in missing])
        created = Board.objects.bulk_create(
            Board(name=name, slug=slug, description=description, order=order)
            for order, ((name, description, _), slug) in enumerate(
                zip(missing, slugs, strict=True), start=1
            )
        )
        by_name.update((board.name.casefold(), board) for board in created)
        self.movie_forum = movie_forum
        self.general_boards = [by_name[name.casefold()] for name, _, _ in GENERAL_BOARDS]
        return [movie_forum, *self.general_boards]

    def make_threads(self) -> list[_ThreadPlan]:
        """Threads with their posts planned (times, authors, bodies), so that their stored
        counters are known before they are written."""
        rng, sizes = self.rng, self.sizes
        others = sizes.threads - 1
        # Every thread has its first post; the replies spread like a film's ratings.
        total, cap = sizes.posts - sizes.hot_posts - others, self.cap(sizes.hot_posts) - 1
        replies = _spread(total, _zipf_weights(rng.sample(range(others), others), total, cap), cap)
        hot = Thread(
            board=self.movie_forum, film=self.films[0].film, title=HOT_THREAD_TITLE, is_pinned=True
        )
        plans = [self.thread_plan(hot, sizes.hot_posts, mean_gap=40 * 60, after=self.films[0])]
        film_weights = self.talked_about
        board_weights = [share for _, _, share in GENERAL_BOARDS]
        for count in (n + 1 for n in replies):
            film = None
            if rng.random() < MOVIE_FORUM_SHARE:
                film = rng.choices(self.films, weights=film_weights)[0]
                title = f"{film.film}: {rng.choice(FILM_THREAD_TOPICS)}"
                thread = Thread(board=self.movie_forum, film=film.film, title=title)
            else:
                board = rng.choices(self.general_boards, weights=board_weights)[0]
                thread = Thread(board=board, title=rng.choice(GENERAL_TOPICS))
            thread.is_pinned = rng.random() < 0.005
            thread.is_locked = rng.random() < 0.01
            plans.append(self.thread_plan(thread, count, mean_gap=3 * 3600, after=film))
        self.insert(Thread, [plan.thread for plan in plans])
        self.threads = plans
        return plans

    def thread_plan(
        self, thread: Thread, count: int, *, mean_gap: float, after: _FilmPlan | None
    ) -> _ThreadPlan:
        """The thread's `count` posts, a second or more apart, and its counters from them.

        It starts after its film opened when it can (threads about films to come start any
        time) and ends before NOW.
        """
        rng = self.rng
        offsets, at = [], 0
        for _ in range(count):
            offsets.append(at)
            at += 1 + int(rng.expovariate(1 / mean_gap))
        latest = NOW - timedelta(seconds=offsets[-1] + 1)
        earliest = ACTIVITY_FROM
        if after is not None:
            opened = datetime.combine(after.opened, datetime.min.time(), tzinfo=UTC)
            earliest = min(max(earliest, opened), latest)
        window = max((latest - earliest).total_seconds(), 0)
        start = earliest + timedelta(seconds=int(rng.random() * window))
        members = len(self.members)
        posts = [
            (
                start + timedelta(seconds=offset),
                int(members * rng.random() ** 2),  # a few members post a lot
                rng.choice(REPLIES if n else OPENING_POSTS),
            )
            for n, offset in enumerate(offsets)
        ]
        thread.created_at = posts[0][0]
        thread.author_id = self.members[posts[0][1]]
        thread.reply_count = count - 1
        thread.last_posted_at = posts[-1][0]
        thread.last_poster_id = self.members[posts[-1][1]]
        return _ThreadPlan(thread, posts)

    def make_posts(self) -> int:
        """The planned posts, each distinct body rendered once."""
        html: dict[str, str] = {}

        def posts() -> Iterator[Post]:
            for plan in self.threads:
                for posted_at, author, body in plan.posts:
                    if body not in html:
                        html[body] = render_markdown(body)
                    yield Post(
                        thread_id=plan.thread.pk,
                        author_id=self.members[author],
                        body=body,
                        body_html=html[body],
                        created_at=posted_at,
                    )

        return self.insert(Post, posts())

    def count_boards(self) -> int:
        """Recount the boards written to. The threads' counters were written exact; recounting
        one thread of each board has the forum's own service count the board, threads that
        were there before included."""
        firsts = {plan.thread.board_id: plan.thread for plan in reversed(self.threads)}
        synchronize_threads(threads=firsts.values())
        return len(firsts)

    # News and scores ---------------------------------------------------------------------------

    def make_articles(self) -> int:
        """Articles mentioning one to three films, popular films most; the hot film in a few."""
        rng = self.rng
        weights = self.talked_about
        authors = self.members[:10]
        span = (NOW - ACTIVITY_FROM).total_seconds()
        articles, mentions = [], []
        for i in range(self.sizes.articles):
            films = rng.choices(self.films, weights=weights, k=rng.randint(1, 3))
            if i < 5:
                films.insert(0, self.films[0])
            films = list(dict.fromkeys(plan.film for plan in films))
            title = rng.choice(ARTICLE_KINDS).format(title=films[0].title)
            body = "\n\n".join(
                [
                    rng.choice(ARTICLE_PARAGRAPHS).format(title=films[0].title),
                    "## What the critics say",
                    rng.choice(PRAISE),
                    "\n".join(f"- **{film.title}** ({film.year})" for film in films),
                    rng.choice(ARTICLE_PARAGRAPHS).format(title=films[-1].title),
                ]
            )
            published = rng.random() >= 0.05  # the rest are drafts
            articles.append(
                Article(
                    title=title,
                    lead=rng.choice(TWISTS),
                    body=body,
                    body_html=render_markdown(body, top_heading=ARTICLE_TOP_HEADING),
                    author_id=rng.choice(authors),
                    published_at=ACTIVITY_FROM + timedelta(seconds=int(rng.random() * span))
                    if published
                    else None,
                )
            )
            mentions.append(films)
        slugs = unique_slugs(Article, [article.slug_text() for article in articles])
        for article, slug in zip(articles, slugs, strict=True):
            article.slug = slug
        self.insert(Article, articles)
        ArticleFilm = Article.films.through
        self.insert(
            ArticleFilm,
            (
                ArticleFilm(article_id=article.pk, film_id=film.pk)
                for article, films in zip(articles, mentions, strict=True)
                for film in films
            ),
        )
        return len(articles)

    def score_films(self) -> int:
        film_ids = [plan.film.pk for plan in self.films]
        refresh_scores(film_ids=film_ids)
        return len(film_ids)

    def count_reviews(self) -> int:
        """Critics', publications' and members' stored review counts; how many rows got one."""
        return sum(rebuild_counts().values())


# Helpers -------------------------------------------------------------------------------------

STARS = [Decimal(str(stars)) for stars in HALF_STARS]
LIKED = Decimal("3.5")


def _star_weights(quality: float, rng: random.Random) -> list[float]:
    """Cumulative weights of the half stars for a film: around a mean its quality sets."""
    mean = 1.0 + 3.8 * quality
    spread = 0.8 + 0.5 * rng.random()
    total, cumulative = 0.0, []
    for stars in HALF_STARS:
        total += 0.01 + math.exp(-((stars - mean) ** 2) / (2 * spread**2))
        cumulative.append(total)
    return cumulative


def _zipf_weights(ranks: list[int], total: int, cap: int) -> list[float]:
    """Zipf-Mandelbrot weights, 1 / (rank + k) ** ZIPF_EXPONENT, for items of these ranks (0 is
    the most popular).

    The offset k is the smallest (to a tenth) that gives the top rank a share of `total` of at
    most 80% of `cap`: a long tail, without a plateau of items at the cap.
    """
    if not ranks:
        return []
    top = 0.8 * cap

    def top_share(k: float) -> float:
        weights = sum(1 / (rank + k) ** ZIPF_EXPONENT for rank in ranks)
        return total / k**ZIPF_EXPONENT / weights

    low, high = 1.0, 4.0 * len(ranks) + 1
    if top_share(low) > top:
        while high - low > 0.1:
            middle = (low + high) / 2
            low, high = (middle, high) if top_share(middle) > top else (low, middle)
        low = high
    return [1 / (rank + low) ** ZIPF_EXPONENT for rank in ranks]


def _spread(total: int, weights: list[float], cap: int) -> list[int]:
    """`total` split in proportion to `weights`, none above `cap`, adding up to `total` exactly.

    The heaviest take `cap` while their share would reach it; the rest share what is left, by
    largest remainder.
    """
    if total > cap * len(weights):
        raise ValueError(f"{total} cannot be spread over {len(weights)} with at most {cap} each.")
    counts = [0] * len(weights)
    order = sorted(range(len(weights)), key=lambda i: -weights[i])
    left, weight_left = total, sum(weights)
    for position, i in enumerate(order):
        share = weights[i] * left / weight_left if weight_left > 0 else 0
        if share < cap:
            rest = order[position:]
            break
        counts[i] = cap
        left -= cap
        weight_left -= weights[i]
    else:
        rest = []
    if rest:
        weight_left = sum(weights[i] for i in rest)
        shares = {i: weights[i] * left / weight_left for i in rest}
        for i in rest:
            counts[i] = min(int(shares[i]), cap)
        short = left - sum(counts[i] for i in rest)
        # Largest remainder first; a float rounding never takes one past the cap.
        for i in sorted(rest, key=lambda i: counts[i] - shares[i]):
            if short <= 0:
                break
            if counts[i] < cap:
                counts[i] += 1
                short -= 1
    return counts


def _batches(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch
