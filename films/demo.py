"""The data `load_demo_data` writes: the seed film as far as the seed page tells it, and a
made-up demo catalogue with Pillow-drawn posters and photos.

Everything here is plain data built from a seeded Faker and a seeded random.Random, so the same
code always builds the same catalogue and the command can write it by natural keys, any number
of times, to the same rows.
"""

import io
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.utils.text import slugify
from faker import Faker
from PIL import Image, ImageDraw, ImageFont, ImageOps

SEED = 20081018
# Demo dates hang off a fixed day, never today, so every run builds the same rows.
ANCHOR = date(2026, 11, 1)
# Far enough ahead that the film stays "coming soon" for years of development.
FUTURE_RELEASE = date(2030, 6, 1)
DEMO_PASSWORD = "demo-password-123"

# The seed page, verbatim (its typos too): PRODUCT.md wants the film "exactly as far as the
# seed tells it", so nothing below may be tidied.
SEED_TITLE = "Refusenik"
SEED_YEAR = 2008
SEED_GENRES = ["Documentary", "Special Interest"]
SEED_DIRECTOR = "Laura Bialis"

SEED_SYNOPSIS = (
    "Historically speaking, documentarist Laura Bialis' nonfiction effort Refusenik marks one "
    "of the first cinematic attempts to chronicle the decades-long liberation of Soviet Jews, "
    "from the early years of the 20th century through the end of the Cold War. Drawing from "
    "archival footage and extended interviews, Bialis documents the process by which a "
    "regionally oriented, grassroots social-activist movement ultimately ballooned into as "
    "massive, transcontinental human-rights crusade. By shining a light on the activists who "
    "risked their safety (and, in some cases, their lives) -- many enduring hellish years in "
    "Gulag labor camps -- Bialis' film explores the concepts of martyrdom and self-sacrifice, "
    "even as the director carefully defines a broader socio-historical progression."
)
_EXCERPT_UNNAMED = (
    "One credits their naivete as the best tool to change history, as, because of it, they "
    "refused to cave in to excuse-making politicians and initial indifference in the "
    "Jewish-American community."
)
_EXCERPT_TRIBUNE = (
    "There are fascinating archival clips that show rare glimpses of early years of struggle "
    "behind the Iron Curtain, while the story eventually moves through such momentous footage "
    "as the Helsinki Accords and the fall of the Berlin Wall."
)
_EXCERPT_GLOBE = (
    "The result is a documentary that plays like a fat, satisfying work of nonfiction "
    "literature -- the final word because it seems to contain every word."
)
SEED_AUDIENCE_REVIEW = (
    "The film \"Refusenik' directed by Laura Bialis is landmark documentary on the history of "
    "the struggle to liberate Soviet Jews from the shackles of bondage they had known for so "
    "long in the USSR. Having been victimized by a brutal Communist totalitarian regime for "
    "several decades, a group of Soviet Jewish dissidents, also known as prisoners of "
    "conscience, courageously and publicly challenged the draconian dictates of the "
    "Politburo. The forecefully spoke out, seeking and finding allies in the West and risking "
    "life and limb for the right to emigrate to Israel. The film includes rare footage of the "
    "early days of the Soviet Jewish struggle, smuggled out of the USSR and given in to the "
    "hnads of Jewish activists in the United States. The film also focuses on and lauds the "
    "efforts of such liberation movements as the Student Struggle for Soviet Jewry and a "
    "whole host of local councils established for the sole purpose of bringing attention to "
    "the plight of Soviet Jews. The film shows the various demonstrations held for Soviet "
    "Jews, as well as concerts, petition drives and the courting of sympathetic politicians. "
    "What this film does not show or even mention for even a second is the truth behind who "
    "was actually responsible for the freedom of Soviet Jews. However well intentioned, this "
    "film is a patently gross distortion of the authentic history of the Soviet Jewry "
    "movement in the United States. The glaring omissions of the truth is downright appalling "
    "and smacks of political expediency. Conveniently, there is no mention of the role of "
    "Rabbi Meir Kahane and his Jewish Defense League. Students of history know that it was "
    "the JDL and their anti-establishment activities on behalf of Soviet Jews that put this "
    "issue on page one of the newspapers, where it belonged. In a place where people saw it "
    "and began to care about it and more importantly began to take concerete action on it. It "
    "was he who was one of the first to champion the cause of Soviet Jewry and through his "
    "leadership the young members of the Jewish Defense League staged loud and raucous "
    "demonstrations at the Soviet Mission in New York and Washington. They were the ones who "
    "vandalized Soviet property, threatened the safety of Soviet diplomats and engaged in the "
    'kinds of activities that these "nice Jews" who sponsored this film would rather not '
    "remember or think about. It was Rabbi Kahane of blessed memory who taught the world that "
    "it is the militant that serves as the gadfly to the moderate, forcing him to do things "
    "he never would have dreamt of. And if Soviet Jewry had become an establishment issue it "
    "was strictly and exclusively because of the brave and fiercely courageous actions of the "
    "Jewish Defense League. It was Rabbi Kahane who taught that the Soviets would not be "
    "moved or persuaded to release Soviet Jews until and if their precious detente with US "
    "were seriously threatened. For it was the Soviets who desperately needed lucrative trade "
    'agreements with the US. Shame on the people behind the film "Refusenik" for refusing to '
    "give an accurate and complete depiction of history."
)

SEED_REVIEWER_USERNAME = "fernsidman"
SEED_REVIEWER_NAME = "Fern Sidman"


@dataclass(frozen=True)
class SeedCriticReview:
    publication: str | None
    review_date: date
    excerpt: str = ""


# Newest first, as the seed lists them.
SEED_CRITIC_REVIEWS = [
    SeedCriticReview("Time Out", date(2011, 11, 17)),
    SeedCriticReview("Time Out", date(2011, 11, 16)),
    SeedCriticReview(None, date(2008, 10, 18), _EXCERPT_UNNAMED),
    SeedCriticReview("St. Louis Post-Dispatch", date(2008, 10, 18)),
    SeedCriticReview("Chicago Tribune", date(2008, 6, 19), _EXCERPT_TRIBUNE),
    SeedCriticReview("Boston Globe", date(2008, 5, 30), _EXCERPT_GLOBE),
]


# The demo catalogue ------------------------------------------------------------------------

GENRES = [
    "Action",
    "Adventure",
    "Animation",
    "Comedy",
    "Documentary",
    "Drama",
    "Horror",
    "Kids & Family",
    "Musical",
    "Mystery & Suspense",
    "Romance",
    "Science Fiction",
    "Special Interest",
    "Western",
]

PALETTE = {
    "midnight blue": (25, 25, 112),
    "deep teal": (0, 95, 95),
    "plum": (94, 38, 94),
    "crimson": (150, 20, 45),
    "forest green": (34, 90, 50),
    "charcoal": (35, 35, 40),
    "burnt orange": (204, 85, 0),
    "mustard": (214, 170, 40),
    "rose": (220, 120, 140),
    "sky blue": (110, 170, 220),
    "cream": (240, 230, 200),
    "mint": (160, 220, 190),
}
DARK_COLOURS = list(PALETTE)[:6]
LIGHT_COLOURS = list(PALETTE)[6:]
SHAPES = ["circles", "rings", "squares", "triangles", "stripes"]

POSTER_SIZE = (400, 600)
STILL_SIZE = (960, 540)
PORTRAIT_SIZE = (300, 375)

ADJECTIVES = [
    "Last", "Silent", "Golden", "Broken", "Hidden", "Long", "Electric", "Quiet", "Burning",
    "Paper", "Northern", "Lonely", "Velvet", "Crooked", "Distant", "Bright", "Hollow",
    "Restless", "Secret", "Wild",
]  # fmt: skip
NOUNS = [
    "Harbor", "Summer", "Signal", "Garden", "Frontier", "Orchard", "Witness", "Lantern",
    "River", "Machine", "Season", "Kingdom", "Echo", "Highway", "Letter", "Island", "Winter",
    "Parade", "Compass", "Horizon",
]  # fmt: skip
PREMISES = [
    "inherits a failing cinema and the last reel of a film nobody has seen",
    "takes a night job that nobody else in town will touch",
    "goes looking for a sister who vanished twenty years ago",
    "is paid to keep a stranger's secret for exactly one week",
    "finds a diary that seems to describe tomorrow",
    "agrees to drive a bitter rival across the country",
    "comes home for a wedding that should never happen",
    "joins a community choir to win back an old friend",
    "discovers that the family farm sits on something valuable",
    "is the only witness to a crime that officially never took place",
    "trains a hopeless youth football team for the regional final",
    "answers a radio signal from a ship lost decades ago",
]
TURNS = [
    "Nothing goes to plan.",
    "Old loyalties are tested along the way.",
    "What starts as a favour becomes a reckoning.",
    "The truth turns out to be stranger than the rumours.",
    "Help comes from the least likely neighbour.",
    "Every answer raises a harder question.",
]
CAREERS = [
    "started out in regional theatre before moving to film",
    "spent a decade making commercials before a first feature",
    "trained as a dancer and came to acting late",
    "began as a film critic and crossed over to the other side of the camera",
    "is known for long takes and small casts",
]
MINOR_ROLES = [
    "Bartender", "Nurse", "Taxi Driver", "Night Guard", "Reporter", "Shop Owner", "Neighbour",
    "Police Officer", "Teacher", "Waitress", "Mechanic", "Priest", "Radio Host", "Doctor",
]  # fmt: skip
PUBLICATION_SUFFIXES = [
    "Herald", "Review", "Courier", "Gazette", "Sentinel", "Ledger", "Chronicle", "Observer",
    "Screen Weekly", "Picture Post", "Film Quarterly", "Daily",
]  # fmt: skip
# Letter grades on the 0-100 scale the critics' average uses.
LETTER_GRADES = {
    "A+": 100, "A": 92, "A-": 83, "B+": 75, "B": 67, "B-": 58, "C+": 50, "C": 42, "C-": 33,
    "D+": 25, "D": 17, "D-": 8, "F": 0,
}  # fmt: skip
FRESH_FROM = 60  # a fresh review's normalized score is at least this, a rotten one's below


@dataclass(frozen=True)
class Art:
    """What a drawing shows; alt texts are written from the same values, so they stay true."""

    top: str
    bottom: str
    accent: str
    shape: str
    seed: int

    def describe(self) -> str:
        return f"{self.accent} {self.shape} over a {self.top} to {self.bottom} gradient"


@dataclass
class DemoPerson:
    slug: str
    name: str
    bio: str = ""
    birth_date: date | None = None
    portrait: Art | None = None


@dataclass
class DemoPublication:
    slug: str
    name: str
    url: str
    is_top: bool


@dataclass
class DemoCritic:
    slug: str
    name: str
    bio: str
    is_top_critic: bool
    publications: list[str]


@dataclass
class DemoMember:
    username: str
    display_name: str
    email: str
    date_joined: datetime


@dataclass
class DemoCredit:
    person: str
    role: str
    character: str = ""
    order: int = 0


@dataclass
class DemoCriticReview:
    critic: str
    publication: str | None
    sentiment: str
    excerpt: str
    url: str
    original_score: str
    normalized_score: int | None
    review_date: date


@dataclass
class DemoAudienceReview:
    member: str
    rating: Decimal | None
    body: str
    has_spoilers: bool
    created_at: datetime


@dataclass
class DemoPhoto:
    filename: str
    caption: str
    alt_text: str
    art: Art


@dataclass
class DemoFilm:
    title: str
    year: int | None = None
    synopsis: str = ""
    genres: list[str] = field(default_factory=list)
    rating: str = ""
    runtime: int | None = None
    release_date: date | None = None
    release_type: str = ""
    studio: str = ""
    consensus: str = ""
    poster: Art | None = None
    photos: list[DemoPhoto] = field(default_factory=list)
    credits: list[DemoCredit] = field(default_factory=list)
    critic_reviews: list[DemoCriticReview] = field(default_factory=list)
    audience_reviews: list[DemoAudienceReview] = field(default_factory=list)
    example: str = ""

    @property
    def slug(self) -> str:
        # What Film.save() would make; the catalogue keeps titles unique so it never needs -2.
        return slugify(f"{self.title} {self.year or ''}")


@dataclass
class DemoPost:
    author: str
    body: str
    created_at: datetime


@dataclass
class DemoThread:
    title: str
    film: str | None
    author: str
    created_at: datetime
    posts: list[DemoPost]
    is_pinned: bool = False
    is_locked: bool = False


@dataclass
class DemoArticle:
    title: str
    lead: str
    body: str
    published_at: datetime
    films: list[str]
    image: Art
    image_alt: str

    @property
    def slug(self) -> str:
        return slugify(self.title)


@dataclass
class Catalogue:
    genres: list[str]
    people: list[DemoPerson]
    publications: list[DemoPublication]
    critics: list[DemoCritic]
    members: list[DemoMember]
    films: list[DemoFilm]
    threads: list[DemoThread]
    articles: list[DemoArticle]


@dataclass(frozen=True)
class Profile:
    """How a film's reviews fall, so that its scores land in a known state."""

    example: str
    release_type: str
    reviews: int = 0
    unclassified: int = 0
    fresh: int = 0
    top: int = 0
    ratings: int = 0
    liked: int = 0


# One film for each state of the scores panel (PRODUCT.md "Scores: the rules").
EXAMPLES = [
    Profile("Acclaimed", "limited", 52, unclassified=3, fresh=42, top=9, ratings=64, liked=51),
    Profile(
        "Acclaimed (wide)", "wide", 90, unclassified=4, fresh=74, top=14, ratings=120, liked=93
    ),
    Profile("Fresh", "wide", 26, unclassified=2, fresh=17, top=6, ratings=45, liked=30),
    Profile("Rotten", "wide", 22, unclassified=1, fresh=6, top=5, ratings=30, liked=16),
    Profile("No score yet", "limited", 4, unclassified=1, fresh=2, top=1, ratings=8, liked=5),
    Profile("Audience liked", "streaming", 12, fresh=9, top=3, ratings=70, liked=55),
    Profile("Audience not liked", "wide", 18, fresh=8, top=4, ratings=32, liked=9),
]
RANDOM_FILMS = 25
CRITICS, TOP_CRITICS = 110, 26
PUBLICATIONS, TOP_PUBLICATIONS = 16, 5
MEMBERS = 180
PEOPLE = 170
PORTRAITS = 12
DEMO_NOTE = "A made-up film from the demo catalogue."


def build_catalogue(seed: int = SEED) -> Catalogue:
    """The whole demo catalogue; the same seed always gives the same catalogue."""
    return _Builder(seed).build()


def _an(word: str) -> str:
    return f"an {word}" if word[:1].lower() in "aeiou" else f"a {word}"


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(7, 23), rng.randint(0, 59)), tzinfo=UTC)


class _Builder:
    def __init__(self, seed: int) -> None:
        # An instance seed, not Faker.seed(): that one would also reseed every other Faker in
        # the process, such as the test factories'.
        self.fake = Faker("en_US")
        self.fake.seed_instance(seed)
        self.rng = random.Random(seed)
        self.art_seed = seed

    def build(self) -> Catalogue:
        people = self.people()
        publications = self.publications()
        critics = self.critics(publications)
        members = self.members()
        films = self.films(people, critics, members)
        return Catalogue(
            genres=GENRES,
            people=people,
            publications=publications,
            critics=critics,
            members=members,
            films=films,
            threads=self.threads(films, members),
            articles=self.articles(films),
        )

    # Things with names -------------------------------------------------------------------

    def unique_names(self, make, count: int, taken: set[str]) -> list[tuple[str, str]]:
        """`count` (slug, name) pairs from `make`, none with a slug in `taken`."""
        pairs = []
        while len(pairs) < count:
            name = make()
            slug = slugify(name)
            if slug and slug not in taken:
                taken.add(slug)
                pairs.append((slug, name))
        return pairs

    def full_name(self) -> str:
        # Without Faker's "Dr." and "MD": a credit reads like a credit.
        return f"{self.fake.first_name()} {self.fake.last_name()}"

    def art(self, *, dark_top: bool = True) -> Art:
        self.art_seed += 1
        rng = self.rng
        return Art(
            top=rng.choice(DARK_COLOURS) if dark_top else rng.choice(LIGHT_COLOURS),
            bottom=rng.choice(list(PALETTE)),
            accent=rng.choice(LIGHT_COLOURS),
            shape=rng.choice(SHAPES),
            seed=self.art_seed,
        )

    def people(self) -> list[DemoPerson]:
        people = []
        taken = {slugify(SEED_DIRECTOR)}
        for n, (slug, name) in enumerate(self.unique_names(self.full_name, PEOPLE, taken)):
            person = DemoPerson(slug=slug, name=name)
            if self.rng.random() < 0.4:
                person.bio = (
                    f"Born in {self.fake.city()}, {name} {self.rng.choice(CAREERS)}. "
                    "A made-up person from the demo catalogue."
                )
                person.birth_date = self.fake.date_between_dates(date(1935, 1, 1), date(2004, 1, 1))
            if n < PORTRAITS:
                person.portrait = self.art()
            people.append(person)
        return people

    def publications(self) -> list[DemoPublication]:
        def make() -> str:
            return f"The {self.fake.city()} {self.rng.choice(PUBLICATION_SUFFIXES)}"

        return [
            DemoPublication(
                slug=slug,
                name=name,
                url=f"https://{slug}.example.com/",
                is_top=n < TOP_PUBLICATIONS,
            )
            for n, (slug, name) in enumerate(self.unique_names(make, PUBLICATIONS, set()))
        ]

    def critics(self, publications: list[DemoPublication]) -> list[DemoCritic]:
        top_publications = [p for p in publications if p.is_top]
        critics = []
        for n, (slug, name) in enumerate(self.unique_names(self.full_name, CRITICS, set())):
            is_top = n < TOP_CRITICS
            # Top Critics mostly write for the Top publications, as on the seed page.
            first = self.rng.choice(top_publications if is_top else publications)
            chosen = [first.slug]
            if self.rng.random() < 0.3:
                second = self.rng.choice(publications)
                if second.slug != first.slug:
                    chosen.append(second.slug)
            critics.append(
                DemoCritic(
                    slug=slug,
                    name=name,
                    bio=f"{name} reviews films. A made-up critic from the demo catalogue.",
                    is_top_critic=is_top,
                    publications=chosen,
                )
            )
        return critics

    def members(self) -> list[DemoMember]:
        taken = {"editor", "moderator", "member", SEED_REVIEWER_USERNAME}
        members = []
        for username, _ in self.unique_names(self.fake.user_name, MEMBERS, taken):
            joined = ANCHOR - timedelta(days=self.rng.randint(30, 2000))
            members.append(
                DemoMember(
                    username=username,
                    display_name=self.fake.name(),
                    email=f"{username}@example.com",
                    date_joined=_at(joined, self.rng),
                )
            )
        return members

    # Films -------------------------------------------------------------------------------

    def title(self) -> str:
        rng, fake = self.rng, self.fake
        pattern = rng.randrange(6)
        adjective, noun = rng.choice(ADJECTIVES), rng.choice(NOUNS)
        if pattern == 0:
            return f"The {adjective} {noun}"
        if pattern == 1:
            return f"{noun} of {fake.city()}"
        if pattern == 2:
            return f"{fake.first_name()}'s {noun}"
        if pattern == 3:
            return f"{adjective} {noun}s"
        if pattern == 4:
            article = _an(noun)
            return f"{article[0].upper()}{article[1:]} in {fake.city()}"
        return f"{fake.city()} {noun}"

    def films(
        self, people: list[DemoPerson], critics: list[DemoCritic], members: list[DemoMember]
    ) -> list[DemoFilm]:
        rng = self.rng
        taken_titles = {slugify(SEED_TITLE)}

        def new_title() -> str:
            while True:
                title = self.title()
                if slugify(title) not in taken_titles:
                    taken_titles.add(slugify(title))
                    return title

        profiles = list(EXAMPLES)
        for _ in range(RANDOM_FILMS):
            reviews = rng.choice([0, 0, rng.randint(1, 4), rng.randint(5, 34), rng.randint(5, 34)])
            unclassified = min(reviews, rng.choice([0, 0, 1, 2]))
            classified = reviews - unclassified
            ratings = rng.choice([0, rng.randint(2, 19), rng.randint(20, 90), rng.randint(20, 90)])
            profiles.append(
                Profile(
                    example="",
                    release_type=rng.choice(["wide", "wide", "limited", "festival", "streaming"]),
                    reviews=reviews,
                    unclassified=unclassified,
                    fresh=round(classified * rng.uniform(0.4, 0.98)),
                    top=min(classified, round(reviews * rng.uniform(0.1, 0.35))),
                    ratings=ratings,
                    liked=round(ratings * rng.uniform(0.35, 0.92)),
                )
            )

        films = []
        for n, profile in enumerate(profiles):
            # The examples are recent, so they show on the home page too.
            year = rng.randint(2019, 2026) if profile.example else rng.randint(1968, 2026)
            film = self.film(new_title(), year, profile, people)
            if not profile.example and n % 6 == 5:
                self.leave_out_facts(film)
            film.critic_reviews = self.critic_reviews(film, profile, critics)
            film.audience_reviews = self.audience_reviews(film, profile, members)
            films.append(film)

        # The demo member has rated a couple of films, so their profile and "your review" show.
        rated = [f for f in films if f.audience_reviews and not f.example][:2]
        for film, stars in zip(rated, ["4.0", "2.5"], strict=False):
            start = max(self.reviews_from(film), ANCHOR - timedelta(days=200))
            film.audience_reviews.append(
                DemoAudienceReview(
                    member="member",
                    rating=Decimal(stars),
                    body=self.fake.paragraph(nb_sentences=3),
                    has_spoilers=False,
                    created_at=_at(
                        min(start + timedelta(days=rng.randint(0, 30)), ANCHOR - timedelta(days=1)),
                        rng,
                    ),
                )
            )

        future = self.film(new_title(), FUTURE_RELEASE.year, Profile("Coming soon", "wide"), people)
        future.release_date = FUTURE_RELEASE
        future.rating = ""  # not rated yet
        films.append(future)
        films.append(
            DemoFilm(title=f"Untitled {self.fake.last_name()} Project", example="Title only")
        )
        return films

    def film(self, title: str, year: int, profile: Profile, people: list[DemoPerson]) -> DemoFilm:
        rng, fake = self.rng, self.fake
        last_month = 9 if year == ANCHOR.year else 12
        release = date(year, rng.randint(1, last_month), rng.randint(1, 28))
        # The plots are fiction; Documentary and Special Interest stay the seed film's.
        fiction = [g for g in GENRES if g not in SEED_GENRES]
        genres = rng.sample(fiction, rng.randint(1, 3))
        lead = self.full_name()
        film = DemoFilm(
            title=title,
            year=year,
            synopsis=(
                f"{lead}, {_an(fake.job().lower())} from {fake.city()}, "
                f"{rng.choice(PREMISES)}. {rng.choice(TURNS)} {DEMO_NOTE}"
            ),
            genres=sorted(genres),
            rating=rng.choice(["G", "PG", "PG-13", "PG-13", "R", "R", "NR"]),
            runtime=rng.randint(78, 172),
            release_date=release,
            release_type=profile.release_type,
            studio=f"{fake.last_name()} {rng.choice(['Pictures', 'Films', 'Studios', 'Media'])}",
            poster=self.art(),
            example=profile.example,
        )
        if profile.reviews >= 5 and rng.random() < 0.6:
            film.consensus = fake.sentence(nb_words=rng.randint(10, 18))
        film.credits = self.credits(people, lead)
        for number in range(1, rng.randint(0, 4) + 1):
            art = self.art(dark_top=rng.random() < 0.7)
            film.photos.append(
                DemoPhoto(
                    filename=f"demo-{film.slug}-{number}.jpg",
                    caption=f"{title}: still {number} (a drawn placeholder)",
                    alt_text=f"Abstract demo image of {art.describe()}",
                    art=art,
                )
            )
        return film

    def leave_out_facts(self, film: DemoFilm) -> None:
        """Blank a few facts, as imported films often have them: the page must leave them out."""
        for name in self.rng.sample(["rating", "runtime", "studio", "release_date"], 2):
            setattr(film, name, None if name in ("runtime", "release_date") else "")
        if film.release_date is None:
            film.release_type = ""

    def credits(self, people: list[DemoPerson], lead: str) -> list[DemoCredit]:
        rng = self.rng
        crew = rng.sample(people[:60], 5)  # a smaller crew pool, so filmographies overlap
        credits = [DemoCredit(crew[0].slug, "director")]
        credits += [
            DemoCredit(p.slug, "writer", order=i) for i, p in enumerate(crew[1 : rng.randint(2, 3)])
        ]
        credits += [
            DemoCredit(p.slug, "producer", order=i)
            for i, p in enumerate(crew[3 : rng.randint(4, 5)])
        ]
        cast = rng.sample(people[40:], rng.randint(4, 14))
        for order, person in enumerate(cast):
            if order == 0:
                character = lead
            elif order < 4:
                character = f"{self.fake.first_name()} {self.fake.last_name()}"
            else:
                character = rng.choice(MINOR_ROLES)
            credits.append(DemoCredit(person.slug, "cast", character, order))
        return credits

    # Reviews -----------------------------------------------------------------------------

    def reviews_from(self, film: DemoFilm) -> date:
        if film.release_date:
            return film.release_date
        return date(film.year, 6, 1) if film.year else ANCHOR - timedelta(days=365)

    def critic_reviews(
        self, film: DemoFilm, profile: Profile, critics: list[DemoCritic]
    ) -> list[DemoCriticReview]:
        rng, fake = self.rng, self.fake
        if not profile.reviews:
            return []
        top = [c for c in critics if c.is_top_critic]
        others = [c for c in critics if not c.is_top_critic]
        chosen = rng.sample(top, profile.top) + rng.sample(others, profile.reviews - profile.top)
        classified = ["fresh"] * profile.fresh
        classified += ["rotten"] * (profile.reviews - profile.unclassified - profile.fresh)
        rng.shuffle(classified)
        # Unclassified reviews go to critics who are not Top Critics, so the number of Top
        # Critic reviews that count toward Acclaimed is exactly the profile's.
        others_sentiments = classified[profile.top :] + [""] * profile.unclassified
        rng.shuffle(others_sentiments)
        sentiments = classified[: profile.top] + others_sentiments
        start = self.reviews_from(film)
        reviews = []
        for critic, sentiment in zip(chosen, sentiments, strict=True):
            publication = critic.publications[0] if rng.random() < 0.92 else None
            text, normalized = self.original_score(sentiment)
            day = min(start + timedelta(days=rng.randint(-25, 60)), ANCHOR - timedelta(days=1))
            # Some without an excerpt, as in imported data: the page says "No excerpt available."
            excerpt = "" if rng.random() < 0.1 else fake.sentence(nb_words=rng.randint(10, 24))
            reviews.append(
                DemoCriticReview(
                    critic=critic.slug,
                    publication=publication,
                    sentiment=sentiment,
                    excerpt=excerpt,
                    url=(
                        f"https://{publication}.example.com/reviews/{film.slug}/"
                        if publication and rng.random() < 0.8
                        else ""
                    ),
                    original_score=text,
                    normalized_score=normalized,
                    review_date=day,
                )
            )
        return reviews

    def original_score(self, sentiment: str) -> tuple[str, int | None]:
        """A score as critics give them ("3/4", "B+") and its 0-100 value, agreeing with the
        sentiment; some reviews carry none, as many real ones do."""
        rng = self.rng
        if not sentiment or rng.random() < 0.5:
            return "", None
        scale = rng.choice(["4", "5", "10", "letter"])
        if scale == "letter":
            options = list(LETTER_GRADES.items())
        else:
            top = int(scale)
            step = 1 if top == 10 else 0.5
            options = [
                (f"{stars:g}/{top}", round(100 * stars / top))
                for stars in (step * i for i in range(1, int(top / step) + 1))
            ]
        fresh = sentiment == "fresh"
        options = [(text, value) for text, value in options if (value >= FRESH_FROM) == fresh]
        return rng.choice(options)

    def audience_reviews(
        self, film: DemoFilm, profile: Profile, members: list[DemoMember]
    ) -> list[DemoAudienceReview]:
        rng, fake = self.rng, self.fake
        if not profile.ratings:
            return []
        liked = [rng.choice([3.5, 4.0, 4.0, 4.5, 4.5, 5.0]) for _ in range(profile.liked)]
        disliked = [
            rng.choice([0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.0])
            for _ in range(profile.ratings - profile.liked)
        ]
        ratings: list[float | None] = liked + disliked
        rng.shuffle(ratings)
        if profile.ratings >= 10:
            ratings.append(None)  # a review with text and no stars
        start = max(self.reviews_from(film), ANCHOR - timedelta(days=1500))
        span = max((ANCHOR - start).days - 1, 0)
        reviews = []
        for member, stars in zip(rng.sample(members, len(ratings)), ratings, strict=True):
            body, spoilers = "", False
            if stars is None or rng.random() < 0.3:
                body = fake.paragraph(nb_sentences=rng.randint(2, 6))
                roll = rng.random()
                if roll < 0.06:
                    spoilers = True
                elif roll < 0.12:
                    body += f" ||{fake.sentence(nb_words=8)}||"
            reviews.append(
                DemoAudienceReview(
                    member=member.username,
                    rating=None if stars is None else Decimal(str(stars)),
                    body=body,
                    has_spoilers=spoilers,
                    created_at=_at(start + timedelta(days=rng.randint(0, span)), rng),
                )
            )
        return reviews

    # Forums and news ---------------------------------------------------------------------

    def post_body(self, quoting: str = "") -> str:
        rng, fake = self.rng, self.fake
        body = fake.paragraph(nb_sentences=rng.randint(2, 5))
        if rng.random() < 0.3:
            body = f"**{fake.sentence(nb_words=4)}** {body}"
        if quoting:
            # Quote the first sentence of what the previous poster wrote themselves.
            own_words = quoting.split("\n\n")[-1].replace("**", "")
            body = f"> {own_words.split('. ')[0]}\n\n{body}"
        return body

    def thread(
        self,
        title: str,
        film: DemoFilm | None,
        authors: list[str],
        day: date,
        **flags: bool,
    ) -> DemoThread:
        when = start = _at(day, self.rng)
        posts = []
        for author in authors:
            quoting = posts[-1].body if posts and self.rng.random() < 0.3 else ""
            posts.append(DemoPost(author=author, body=self.post_body(quoting), created_at=when))
            when += timedelta(hours=self.rng.randint(1, 20), minutes=self.rng.randint(1, 59))
        return DemoThread(
            title=title,
            film=film.slug if film else None,
            author=authors[0],
            created_at=start,
            posts=posts,
            **flags,
        )

    def threads(self, films: list[DemoFilm], members: list[DemoMember]) -> list[DemoThread]:
        rng = self.rng
        by_example = {f.example: f for f in films if f.example}

        def some(count: int) -> list[str]:
            return [m.username for m in rng.sample(members, count)]

        acclaimed, fresh = by_example["Acclaimed"], by_example["Fresh"]
        rotten, future = by_example["Rotten"], by_example["Coming soon"]
        return [
            self.thread(
                "Welcome to the Movie forum: read this first",
                None,
                ["moderator", *some(2)],
                ANCHOR - timedelta(days=120),
                is_pinned=True,
            ),
            self.thread(
                f"Does {acclaimed.title} live up to the praise?",
                acclaimed,
                [*some(3), "member", *some(2)],
                ANCHOR - timedelta(days=20),
            ),
            self.thread(
                f"{fresh.title}: that ending (spoilers)",
                fresh,
                [*some(2), "member"],
                ANCHOR - timedelta(days=12),
            ),
            self.thread(
                f"{rotten.title} deserved better",
                rotten,
                [*some(4), "moderator"],
                ANCHOR - timedelta(days=45),
                is_locked=True,
            ),
            self.thread(
                f"Anyone else waiting for {future.title}?",
                future,
                some(3),
                ANCHOR - timedelta(days=5),
            ),
        ]

    def articles(self, films: list[DemoFilm]) -> list[DemoArticle]:
        fake, rng = self.fake, self.rng
        by_example = {f.example: f for f in films if f.example}
        acclaimed, wide, future = (
            by_example["Acclaimed"],
            by_example["Acclaimed (wide)"],
            by_example["Coming soon"],
        )
        director = next(c.person for c in acclaimed.credits if c.role == "director")
        picks = [f for f in films if f.critic_reviews and not f.example][:5]

        def paragraphs(count: int) -> str:
            return "\n\n".join(fake.paragraph(nb_sentences=rng.randint(3, 6)) for _ in range(count))

        def article(title, lead, body, days_ago, mentions) -> DemoArticle:
            image = self.art()
            return DemoArticle(
                title=title,
                lead=lead,
                body=body,
                published_at=_at(ANCHOR - timedelta(days=days_ago), rng),
                films=[f.slug for f in mentions],
                image=image,
                image_alt=f"Abstract demo image of {image.describe()}",
            )

        listing = "\n".join(f"- **{f.title}** ({f.year}): {fake.sentence()}" for f in picks)
        return [
            article(
                f"Inside the making of {acclaimed.title}",
                f"How a small {acclaimed.genres[0].lower()} film won over the critics.",
                f"{paragraphs(2)}\n\n## The long road\n\n{paragraphs(2)}\n\n"
                f"## What the director says\n\n> {fake.sentence(nb_words=14)}\n\n"
                f"{paragraphs(1)}\n\n"
                f"Read the reviews of [{acclaimed.title}](/films/{acclaimed.slug}/).",
                3,
                [acclaimed],
            ),
            article(
                "Five films worth catching up on",
                "Our pick of the catalogue for a long weekend.",
                f"{paragraphs(1)}\n\n{listing}\n\n{paragraphs(1)}",
                9,
                picks,
            ),
            article(
                f"First look: {future.title}",
                f"The first images from next big {future.genres[0].lower()} release.",
                f"{paragraphs(2)}\n\n## Release\n\n{future.title} opens on "
                f"{FUTURE_RELEASE:%B} {FUTURE_RELEASE.day}, {FUTURE_RELEASE.year}.",
                16,
                [future],
            ),
            article(
                f"{wide.title} and {acclaimed.title}: a season of acclaim",
                "Two of the year's best reviewed films, side by side.",
                f"{paragraphs(2)}\n\n## Side by side\n\n{paragraphs(2)}\n\n"
                f"*{director.replace('-', ' ').title()} talks about the shoot in our interview.*",
                30,
                [wide, acclaimed],
            ),
        ]


# Score history -----------------------------------------------------------------------------

HISTORY_DAYS = 75
# The share of a film's reviews and ratings already in on the first back-filled day.
HISTORY_START_SHARE = 0.25


@dataclass(frozen=True)
class DemoDayCounts:
    """How many classified reviews and ratings a demo film had on one back-filled day."""

    day: date
    critic_classified: int
    critic_fresh: int
    audience_ratings: int
    audience_liked: int


def count_history(
    *,
    slug: str,
    today: date,
    release_date: date | None,
    critic_classified: int,
    critic_fresh: int,
    audience_ratings: int,
    audience_liked: int,
) -> list[DemoDayCounts]:
    """The days before `today` of a made-up history that ends at a film's final counts.

    The reviews and ratings arrive in a shuffled order, many early and then fewer each day, so
    the scores wander at first and settle on the film's own; nothing starts before its release.
    The same film and day always give the same history.
    """
    first = today - timedelta(days=HISTORY_DAYS)
    if release_date is not None:
        first = max(first, release_date)
    days = (today - first).days
    if days <= 0 or not (critic_classified or audience_ratings):
        return []
    # A string seed is hashed the same way in every process, unlike hash(slug).
    rng = random.Random(f"{SEED}-{slug}")
    critics = _arrival_order(rng, hits=critic_fresh, total=critic_classified)
    audience = _arrival_order(rng, hits=audience_liked, total=audience_ratings)
    history = []
    for n in range(days):
        # Up to 1.0 on the last day, yesterday, so today's real record carries straight on.
        progress = (n + 1) / days
        share = 1 - (1 - HISTORY_START_SHARE) * (1 - progress) ** 2
        reviews, ratings = round(critic_classified * share), round(audience_ratings * share)
        history.append(
            DemoDayCounts(
                day=first + timedelta(days=n),
                critic_classified=reviews,
                critic_fresh=sum(critics[:reviews]),
                audience_ratings=ratings,
                audience_liked=sum(audience[:ratings]),
            )
        )
    return history


def _arrival_order(rng: random.Random, *, hits: int, total: int) -> list[int]:
    """`total` arrivals, `hits` of them 1 (fresh, liked), in a random order."""
    order = [1] * hits + [0] * (total - hits)
    rng.shuffle(order)
    return order


# Drawing -----------------------------------------------------------------------------------


def draw_poster(art: Art, title: str, year: int | None) -> bytes:
    """A poster: the gradient and shapes, the title on a dark band, the year below it."""
    image, draw = _canvas(art, POSTER_SIZE)
    width, height = POSTER_SIZE
    band_top = int(height * 0.58)
    draw.rectangle((0, band_top, width, height), fill=(0, 0, 0, 170))
    small = _font(16)
    draw.text((20, 18), "A DEMO FILM", font=small, fill=(255, 255, 255, 220))
    font, lines = _fit(draw, title, width - 40, sizes=(46, 40, 34, 28, 22), max_lines=3)
    y = band_top + 24
    for line in lines:
        draw.text((20, y), line, font=font, fill=(255, 255, 255))
        y += int(font.size * 1.15)
    if year:
        draw.text((20, y + 10), str(year), font=_font(24), fill=(230, 230, 230))
    return _jpeg(image)


def draw_still(art: Art) -> bytes:
    image, _ = _canvas(art, STILL_SIZE)
    return _jpeg(image)


def draw_portrait(art: Art, name: str) -> bytes:
    """A portrait placeholder: the person's initials on a disc."""
    image, draw = _canvas(art, PORTRAIT_SIZE)
    width, height = PORTRAIT_SIZE
    radius = width // 3
    centre = (width // 2, height // 2)
    draw.ellipse(
        (centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius),
        fill=(0, 0, 0, 160),
    )
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    draw.text(centre, initials, font=_font(64), fill=(255, 255, 255), anchor="mm")
    return _jpeg(image)


def _canvas(art: Art, size: tuple[int, int]) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    # linear_gradient + colorize is a C loop: drawing a gradient by pixels would take seconds.
    gradient = Image.linear_gradient("L").resize(size)
    image = ImageOps.colorize(gradient, PALETTE[art.top], PALETTE[art.bottom])
    draw = ImageDraw.Draw(image, "RGBA")
    rng = random.Random(art.seed)
    width, height = size
    accent = PALETTE[art.accent]
    for _ in range(rng.randint(4, 9)):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randint(width // 14, width // 3)
        fill = (*accent, rng.randint(60, 150))
        if art.shape == "circles":
            draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)
        elif art.shape == "rings":
            draw.ellipse((x - r, y - r, x + r, y + r), outline=fill, width=max(3, r // 6))
        elif art.shape == "squares":
            draw.rectangle((x - r, y - r, x + r, y + r), fill=fill)
        elif art.shape == "triangles":
            draw.polygon([(x, y - r), (x - r, y + r), (x + r, y + r)], fill=fill)
        else:
            draw.polygon(
                [(x, 0), (x + r // 2, 0), (x + r // 2 - height, height), (x - height, height)],
                fill=fill,
            )
    return image, draw


def _fit(draw, text: str, width: int, *, sizes, max_lines: int):
    """The largest of `sizes` at which `text` wraps into `max_lines` lines of `width`."""
    for size in sizes:
        font = _font(size)
        lines = _wrap(draw, text, font, width)
        if len(lines) <= max_lines and all(draw.textlength(x, font=font) <= width for x in lines):
            return font, lines
    return font, lines


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if not line or draw.textlength(trial, font=font) <= width:
            line = trial
        else:
            lines.append(line)
            line = word
    lines.append(line)
    return lines


_fonts: dict[int, ImageFont.FreeTypeFont] = {}


def _font(size: int):
    # load_default(size=) is Pillow's bundled font, so no font file has to be installed.
    if size not in _fonts:
        _fonts[size] = ImageFont.load_default(size=size)
    return _fonts[size]


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
