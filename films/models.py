from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, OrderBy, Q
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from .slugs import AutoSlugMixin

# How many of the tags members gave a film it keeps, most used first (see Film.tags).
FILM_TAGS = 10

HALF_STARS = [i / 2 for i in range(1, 11)]  # 0.5, 1.0, ... 5.0

# How much of each section the film page shows; the rest is on the section's own page.
FILM_PAGE_CAST = 18  # the first six show, the rest fold under "Show More Cast"
FILM_PAGE_CAST_SHOWN = 6
FILM_PAGE_PHOTOS = 6
FILM_PAGE_REVIEWS = 6
FILM_PAGE_THREADS = 5
FILM_PAGE_ARTICLES = 4


def empty_histogram() -> list[int]:
    return [0] * len(HALF_STARS)


class Genre(AutoSlugMixin, models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=70, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FilmQuerySet(models.QuerySet):
    def acclaimed(self) -> "FilmQuerySet":
        """Films with the Acclaimed badge: see `Film.is_acclaimed`."""
        return self.filter(
            Q(acclaimed_override=AcclaimedOverride.ON)
            | Q(acclaimed_override=AcclaimedOverride.AUTO, acclaimed_earned=True)
        )

    def for_cards(self) -> "FilmQuerySet":
        """What a film card (poster, title, year, scores) needs."""
        return self.only(*FILM_CARD_FIELDS)


# The fields a film card shows (poster, title, year, scores, Acclaimed), for `only()`.
FILM_CARD_FIELDS = (
    "title",
    "slug",
    "year",
    "poster",
    "critics_score",
    "critic_classified_count",
    "audience_score",
    "audience_rating_count",
    "acclaimed_earned",
    "acclaimed_override",
)


class Rating(models.TextChoices):
    G = "G", "G"
    PG = "PG", "PG"
    PG13 = "PG-13", "PG-13"
    R = "R", "R"
    NC17 = "NC-17", "NC-17"
    NR = "NR", "Not Rated"


class ReleaseType(models.TextChoices):
    WIDE = "wide", "Wide"
    LIMITED = "limited", "Limited"
    FESTIVAL = "festival", "Festival"
    STREAMING = "streaming", "Streaming"


class AcclaimedOverride(models.TextChoices):
    AUTO = "", "Follow the rules"
    ON = "on", "Always Acclaimed"
    OFF = "off", "Never Acclaimed"


class Film(AutoSlugMixin, models.Model):
    Rating = Rating
    ReleaseType = ReleaseType
    AcclaimedOverride = AcclaimedOverride

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    synopsis = models.TextField(blank=True)
    genres = models.ManyToManyField(Genre, blank=True, related_name="films")
    rating = models.CharField("MPAA rating", max_length=8, choices=Rating, blank=True)
    runtime = models.PositiveSmallIntegerField("runtime (minutes)", null=True, blank=True)
    release_date = models.DateField(null=True, blank=True)
    release_type = models.CharField(max_length=12, choices=ReleaseType, blank=True)
    studio = models.CharField(max_length=200, blank=True)
    poster = models.ImageField(upload_to="posters/", blank=True)
    consensus = models.TextField("critic consensus", max_length=500, blank=True)
    acclaimed_override = models.CharField(
        "Acclaimed", max_length=3, choices=AcclaimedOverride, blank=True, default=""
    )

    # Where the film comes from and where else it is described; filled by import_movielens.
    movielens_id = models.PositiveIntegerField("MovieLens id", null=True, blank=True, unique=True)
    imdb_id = models.CharField(
        "IMDb id",
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^tt\d{7,10}$", 'An IMDb id looks like "tt0114709".')],
    )
    tmdb_id = models.PositiveIntegerField("TMDB id", null=True, blank=True)
    # The tags members gave the film most often, most used first (at most FILM_TAGS): kept on
    # the film so its page needs no query for them.
    tags = models.JSONField(default=list, blank=True)

    # Stored scores: written only by reviews.scores.refresh_film_scores(), never on a page view.
    critic_review_count = models.PositiveIntegerField(default=0, editable=False)
    top_critic_review_count = models.PositiveIntegerField(default=0, editable=False)
    critic_classified_count = models.PositiveIntegerField(default=0, editable=False)
    critic_fresh_count = models.PositiveIntegerField(default=0, editable=False)
    top_critic_classified_count = models.PositiveIntegerField(default=0, editable=False)
    top_critic_fresh_count = models.PositiveIntegerField(default=0, editable=False)
    critics_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    top_critics_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    critics_average = models.DecimalField(
        "critics' average (0-100)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    acclaimed_earned = models.BooleanField(default=False, editable=False)
    audience_rating_count = models.PositiveIntegerField(default=0, editable=False)
    audience_liked_count = models.PositiveIntegerField(default=0, editable=False)
    audience_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    audience_average = models.DecimalField(
        max_digits=2, decimal_places=1, null=True, blank=True, editable=False
    )
    audience_histogram = models.JSONField(default=empty_histogram, editable=False)
    # Visible audience reviews, with a rating or with words only: the length of their list.
    audience_review_count = models.PositiveIntegerField(default=0, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FilmQuerySet.as_manager()

    class Meta:
        ordering = ["title", "year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1870, year__lte=2100),
                name="film_year_plausible",
            ),
            models.CheckConstraint(
                condition=Q(runtime__isnull=True) | Q(runtime__gt=0), name="film_runtime_positive"
            ),
            models.CheckConstraint(
                condition=Q(rating__in=[*Rating.values, ""]), name="film_rating_valid"
            ),
            models.CheckConstraint(
                condition=Q(release_type__in=[*ReleaseType.values, ""]),
                name="film_release_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(acclaimed_override__in=AcclaimedOverride.values),
                name="film_acclaimed_override_valid",
            ),
            models.CheckConstraint(
                condition=Q(critic_fresh_count__lte=models.F("critic_classified_count"))
                & Q(critic_classified_count__lte=models.F("critic_review_count"))
                & Q(top_critic_review_count__lte=models.F("critic_review_count"))
                & Q(top_critic_classified_count__lte=models.F("top_critic_review_count"))
                & Q(top_critic_fresh_count__lte=models.F("top_critic_classified_count"))
                & Q(audience_liked_count__lte=models.F("audience_rating_count")),
                name="film_score_counts_consistent",
            ),
            models.CheckConstraint(
                condition=(Q(critics_score__isnull=True) | Q(critics_score__lte=100))
                & (Q(top_critics_score__isnull=True) | Q(top_critics_score__lte=100))
                & (Q(audience_score__isnull=True) | Q(audience_score__lte=100)),
                name="film_scores_percentages",
            ),
        ]
        indexes = [
            models.Index(fields=["year"], name="film_year_idx"),
            models.Index(fields=["release_date"], name="film_release_date_idx"),
            # Browse's sorts by title and by most reviewed; the sorts that put unscored or
            # undated films last are PostgreSQL's own (migration films 0006).
            models.Index(fields=["title", "year", "id"], name="film_title_sort_idx"),
            models.Index(
                OrderBy(F("critic_review_count") + F("audience_rating_count"), descending=True),
                F("title"),
                F("id"),
                name="film_most_reviewed_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title

    def get_absolute_url(self) -> str:
        return reverse("films:detail", kwargs={"slug": self.slug})

    def slug_text(self) -> str:
        return f"{self.title} {self.year or ''}"

    @property
    def imdb_url(self) -> str:
        return f"https://www.imdb.com/title/{self.imdb_id}/" if self.imdb_id else ""

    @property
    def tmdb_url(self) -> str:
        return f"https://www.themoviedb.org/movie/{self.tmdb_id}" if self.tmdb_id else ""

    @property
    def is_acclaimed(self) -> bool:
        """The Acclaimed badge: the editors' choice when they made one, else the rules'."""
        if self.acclaimed_override:
            return self.acclaimed_override == self.AcclaimedOverride.ON
        return self.acclaimed_earned

    @property
    def is_released(self) -> bool:
        """Members may review a film from its release date on (no date: any time)."""
        return self.release_date is None or self.release_date <= timezone.localdate()

    @property
    def is_fresh(self) -> bool | None:
        if self.critics_score is None:
            return None
        return self.critics_score >= settings.SCORES_FRESH_THRESHOLD

    @property
    def is_top_fresh(self) -> bool | None:
        if self.top_critics_score is None:
            return None
        return self.top_critics_score >= settings.SCORES_FRESH_THRESHOLD

    @property
    def is_liked(self) -> bool | None:
        if self.audience_score is None:
            return None
        return self.audience_score >= settings.SCORES_AUDIENCE_LIKED_THRESHOLD

    @property
    def critics_average_out_of_ten(self) -> Decimal | None:
        """The critics' mean normalized score as "7.2" out of ten."""
        if self.critics_average is None:
            return None
        return (Decimal(self.critics_average) / 10).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def histogram_rows(self) -> list[tuple[float, int, int]]:
        """(stars, count, percent of the largest bar) from five stars down, for the chart."""
        counts = list(self.audience_histogram or empty_histogram())
        top = max(counts) or 1
        return [
            (stars, count, round(100 * count / top))
            for stars, count in reversed(list(zip(HALF_STARS, counts, strict=False)))
        ]

    def load_page(self, *, critics_tab: str = "all", viewer=None) -> "Film":
        """Set up what the film page shows to `viewer`: a query a section, 8 in all.

        Each is a plain query on this film's rows, most of them a LIMIT read in the order of an
        index. (Prefetches, which serve many films, would number every row of the film, 20,000
        ratings for a popular one, before keeping the first few, and cost more to build.)
        The queries run when the page first reads each section, so a section the page takes
        from the fragment cache costs none.
        """
        from forums.models import MOVIE_FORUM_SLUG, Thread
        from news.models import Article
        from reviews.models import AudienceReview, CriticReview, ScoreRecord

        critic_reviews = CriticReview.objects.filter(film=self).published().for_listing()
        if critics_tab == "top":
            critic_reviews = critic_reviews.top_critics()
        audience_reviews = (
            AudienceReview.objects.filter(film=self).visible().for_listing(viewer=viewer)
        )
        if viewer is not None and viewer.is_authenticated:
            audience_reviews = audience_reviews.exclude(user=viewer)  # shown as "Your review"
        self.page_genres = self.genres.all()
        self.score_history = ScoreRecord.objects.filter(film=self).for_chart()
        self.page_credits = (
            Credit.objects.filter(film=self)
            .first_of_each_role(FILM_PAGE_CAST)
            .select_related("person")
        )
        self.preview_photos = Photo.objects.filter(film=self)[:FILM_PAGE_PHOTOS]
        self.preview_critic_reviews = critic_reviews[:FILM_PAGE_REVIEWS]
        self.preview_audience_reviews = audience_reviews[:FILM_PAGE_REVIEWS]
        self.preview_threads = (
            Thread.objects.visible()
            .filter(film=self, board__slug=MOVIE_FORUM_SLUG)
            .for_listing()[:FILM_PAGE_THREADS]
        )
        self.preview_articles = (
            Article.objects.published().without_body().filter(films=self)[:FILM_PAGE_ARTICLES]
        )
        return self

    @cached_property
    def cast_credits(self) -> list["Credit"]:
        """The film page's cast (needs `load_page`)."""
        return [c for c in self.page_credits if c.role == Credit.Role.CAST]

    @property
    def cast_shown(self) -> list["Credit"]:
        return self.cast_credits[:FILM_PAGE_CAST_SHOWN]

    @property
    def cast_more(self) -> list["Credit"]:
        return self.cast_credits[FILM_PAGE_CAST_SHOWN:]

    @cached_property
    def crew_credits(self) -> list["Credit"]:
        """The film page's crew (needs `load_page`)."""
        return [c for c in self.page_credits if c.role != Credit.Role.CAST]

    @property
    def directors(self) -> list["Credit"]:
        return [c for c in self.crew_credits if c.role == Credit.Role.DIRECTOR]

    @property
    def writers(self) -> list["Credit"]:
        return [c for c in self.crew_credits if c.role == Credit.Role.WRITER]

    @property
    def producers(self) -> list["Credit"]:
        return [c for c in self.crew_credits if c.role == Credit.Role.PRODUCER]


class FilmRedirect(models.Model):
    """A film's former slug, so links to its old address keep working after a rename."""

    old_slug = models.SlugField(max_length=220, unique=True)
    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_slug"]

    def __str__(self) -> str:
        return f"{self.old_slug} → {self.film.slug}"


class Person(AutoSlugMixin, models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True, blank=True)
    photo = models.ImageField(upload_to="people/", blank=True)
    bio = models.TextField(blank=True)
    birth_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("films:person", kwargs={"slug": self.slug})


class CreditQuerySet(models.QuerySet):
    def first_of_each_role(self, count: int) -> "CreditQuerySet":
        """Each film's first `count` credits in each role (cast, director, ...), in one query."""
        return (
            self.alias(
                role_rank=models.Window(
                    RowNumber(),
                    partition_by=[models.F("film_id"), models.F("role")],
                    order_by=[models.F("order").asc(), models.F("pk").asc()],
                )
            )
            .filter(role_rank__lte=count)
            .order_by("role", "order", "pk")
        )


class Role(models.TextChoices):
    DIRECTOR = "director", "Director"
    WRITER = "writer", "Writer"
    PRODUCER = "producer", "Producer"
    CAST = "cast", "Cast"


class Credit(models.Model):
    Role = Role

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="credits")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="credits")
    role = models.CharField(max_length=10, choices=Role)
    character = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = CreditQuerySet.as_manager()

    class Meta:
        ordering = ["film", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["film", "person", "role", "character"], name="credit_unique"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="credit_role_valid"),
            models.CheckConstraint(
                condition=Q(role="cast") | Q(character=""), name="credit_character_only_for_cast"
            ),
        ]
        indexes = [models.Index(fields=["film", "role", "order"], name="credit_film_role_idx")]

    def __str__(self) -> str:
        if self.character:
            return f"{self.person} as {self.character} in {self.film}"
        return f"{self.person}, {self.get_role_display().lower()} of {self.film}"


class Photo(models.Model):
    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="photos/")
    caption = models.CharField(max_length=300, blank=True)
    alt_text = models.CharField(
        max_length=300, help_text="What the photo shows, for people who cannot see it."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(alt_text=""), name="photo_alt_text_required")
        ]

    def __str__(self) -> str:
        return self.caption or self.alt_text
