from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone

from films.models import HALF_STARS, Film
from films.slugs import AutoSlugMixin
from reviewsite.models import StoredCountsMixin

REVIEW_MAX_LENGTH = 5000
RATING_CHOICES = [(Decimal(str(s)), f"{s:g} stars" if s != 1 else "1 star") for s in HALF_STARS]


class Publication(StoredCountsMixin, AutoSlugMixin, models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True, blank=True)
    url = models.URLField("site URL", blank=True)
    is_top = models.BooleanField("Top publication", default=False)
    # Its published critic reviews: kept by reviews.tallies, so no page counts them.
    review_count = models.PositiveIntegerField(default=0, editable=False)

    stored_counts = ("review_count",)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reviews:publication", kwargs={"slug": self.slug})


class Critic(StoredCountsMixin, AutoSlugMixin, models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True, blank=True)
    photo = models.ImageField(upload_to="critics/", blank=True)
    bio = models.TextField(blank=True)
    is_top_critic = models.BooleanField("Top Critic", default=False)
    publications = models.ManyToManyField(Publication, blank=True, related_name="critics")
    # Their published critic reviews, and how many of those are Fresh and Rotten: kept by
    # reviews.tallies, so no page counts them.
    review_count = models.PositiveIntegerField(default=0, editable=False)
    fresh_count = models.PositiveIntegerField(default=0, editable=False)
    rotten_count = models.PositiveIntegerField(default=0, editable=False)

    stored_counts = ("review_count", "fresh_count", "rotten_count")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reviews:critic", kwargs={"slug": self.slug})


class Sentiment(models.TextChoices):
    FRESH = "fresh", "Fresh"
    ROTTEN = "rotten", "Rotten"
    UNCLASSIFIED = "", "Unclassified"


# Reviews with a sentiment: the only ones that count in a score.
CLASSIFIED = ~Q(sentiment=Sentiment.UNCLASSIFIED)


class CriticReviewQuerySet(models.QuerySet):
    def published(self) -> "CriticReviewQuerySet":
        return self.filter(is_published=True)

    def top_critics(self) -> "CriticReviewQuerySet":
        return self.filter(is_top_critic=True)

    def fresh(self) -> "CriticReviewQuerySet":
        return self.filter(sentiment=Sentiment.FRESH)

    def rotten(self) -> "CriticReviewQuerySet":
        return self.filter(sentiment=Sentiment.ROTTEN)

    def classified(self) -> "CriticReviewQuerySet":
        return self.filter(CLASSIFIED)

    def for_listing(self) -> "CriticReviewQuerySet":
        """Newest first, with what a review card shows. Undated (imported) reviews go last:
        PostgreSQL would otherwise put them first, at the top of every list for good."""
        return self.select_related("critic", "publication").order_by(
            models.F("review_date").desc(nulls_last=True), "-pk"
        )


class CriticReview(models.Model):
    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="critic_reviews")
    critic = models.ForeignKey(
        Critic, on_delete=models.SET_NULL, null=True, blank=True, related_name="reviews"
    )
    publication = models.ForeignKey(
        Publication, on_delete=models.SET_NULL, null=True, blank=True, related_name="reviews"
    )
    url = models.URLField("original review URL", max_length=500, blank=True)
    excerpt = models.TextField(max_length=1000, blank=True)
    original_score = models.CharField(
        max_length=20, blank=True, help_text='As the critic gave it: "3/4", "B+", "7/10".'
    )
    normalized_score = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The original score on a 0-100 scale, when there is one."
    )
    sentiment = models.CharField(max_length=6, choices=Sentiment, blank=True)
    review_date = models.DateField(null=True, blank=True)
    is_published = models.BooleanField("published", default=True)
    is_top_critic = models.BooleanField(
        "Top Critic",
        default=False,
        help_text="Follows the critic's flag; set it here only when the critic is unknown.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CriticReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-review_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sentiment__in=Sentiment.values), name="criticreview_sentiment_valid"
            ),
            models.CheckConstraint(
                condition=Q(normalized_score__isnull=True) | Q(normalized_score__lte=100),
                name="criticreview_normalized_score_range",
            ),
        ]
        indexes = [
            models.Index(
                fields=["film", "is_published", "-review_date"], name="criticreview_film_date_idx"
            ),
            models.Index(fields=["critic", "-review_date"], name="criticreview_critic_idx"),
        ]

    def __str__(self) -> str:
        by = self.critic or self.publication or "Unknown critic"
        return f"{by} on {self.film}"

    @property
    def byline(self) -> str:
        return " · ".join(str(x) for x in (self.critic, self.publication) if x)


class AudienceReviewQuerySet(models.QuerySet):
    def visible(self) -> "AudienceReviewQuerySet":
        return self.filter(is_hidden=False)

    def for_listing(self, *, viewer=None, sort: str = "newest") -> "AudienceReviewQuerySet":
        """What a review card shows, with whether `viewer` marked each one helpful.

        `sort` is "newest" or "helpful" (most helpful first, then newest).
        """
        order = ["-created_at", "-pk"]
        if sort == "helpful":
            order.insert(0, "-helpful_count")
        queryset = self.select_related("user").order_by(*order)
        if viewer is not None and viewer.is_authenticated:
            return queryset.annotate(
                viewer_found_helpful=models.Exists(
                    HelpfulVote.objects.filter(review=models.OuterRef("pk"), user=viewer)
                )
            )
        return queryset.annotate(viewer_found_helpful=models.Value(False))


class AudienceReview(models.Model):
    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="audience_reviews")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="audience_reviews"
    )
    rating = models.DecimalField(
        max_digits=2, decimal_places=1, choices=RATING_CHOICES, null=True, blank=True
    )
    body = models.TextField(max_length=REVIEW_MAX_LENGTH, blank=True)
    has_spoilers = models.BooleanField("contains spoilers", default=False)
    is_hidden = models.BooleanField("hidden by a moderator", default=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Kept by reviews.services with F() as votes come and go; recompute_scores rebuilds it.
    helpful_count = models.PositiveIntegerField(default=0, editable=False)

    objects = AudienceReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["film", "user"], name="audiencereview_one_per_member"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__in=[c for c, _ in RATING_CHOICES]),
                name="audiencereview_rating_half_stars",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=False) | ~Q(body=""),
                name="audiencereview_rating_or_text",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), REVIEW_MAX_LENGTH),
                name="audiencereview_body_length",
            ),
        ]
        indexes = [
            models.Index(
                fields=["film", "is_hidden", "-created_at", "-id"], name="audiencereview_film_idx"
            ),
            models.Index(
                fields=["film", "is_hidden", "-helpful_count", "-created_at", "-id"],
                name="audiencereview_helpful_idx",
            ),
            models.Index(fields=["user", "-created_at", "-id"], name="audiencereview_user_idx"),
            # The home page's latest reviews: visible, with a text and no spoilers.
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(is_hidden=False, has_spoilers=False) & ~Q(body=""),
                name="audiencereview_home_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.film}"

    def get_absolute_url(self) -> str:
        return reverse("reviews:audience_review_detail", kwargs={"pk": self.pk})


class HelpfulVote(models.Model):
    """A member found another member's audience review helpful."""

    review = models.ForeignKey(AudienceReview, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helpful_votes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="helpfulvote_one_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.user} found {self.review} helpful"


class ReportReason(models.TextChoices):
    SPAM = "spam", "Spam or advertising"
    ABUSE = "abuse", "Harassment, hate or abuse"
    SPOILERS = "spoilers", "Unmarked spoilers"
    OFF_TOPIC = "off_topic", "Not about this film"
    OTHER = "other", "Something else"


class ReportQuerySet(models.QuerySet):
    """Members' reports of a review or a post, for the moderators' queue."""

    def open(self) -> "ReportQuerySet":
        return self.filter(resolved_at__isnull=True)

    def file(self, *, reporter, reason: str, details: str, **reported) -> models.Model:
        """File a member's report of the `reported` item, or update the one they filed.

        A report the moderators settled opens again only for a different reason: reporting
        the same thing again does not put it back in the queue.
        """
        report, created = self.get_or_create(
            reporter=reporter, **reported, defaults={"reason": reason, "details": details}
        )
        if not created:
            if report.reason != reason:
                report.resolved_at = report.resolved_by = None
            report.reason, report.details = reason, details
            report.save(update_fields=["reason", "details", "resolved_at", "resolved_by"])
        return report

    def resolve(self, *, moderator) -> int:
        """Mark the open reports as dealt with; returns how many were open."""
        return self.open().update(resolved_at=timezone.now(), resolved_by=moderator)


class Report(models.Model):
    """What every report for the moderators has; each kind adds what it reports, who
    reported it and the reasons to choose from."""

    details = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class ReviewReport(Report):
    """A member asks the moderators to look at an audience review."""

    review = models.ForeignKey(AudienceReview, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_reports"
    )
    reason = models.CharField(max_length=12, choices=ReportReason)

    class Meta(Report.Meta):
        constraints = [
            # A member reports a review once; reporting it again updates that report.
            models.UniqueConstraint(
                fields=["review", "reporter"], name="reviewreport_one_per_member"
            ),
            models.CheckConstraint(
                condition=Q(reason__in=ReportReason.values), name="reviewreport_reason_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.review}"


# The film page charts this many days of a film's score history.
SCORE_HISTORY_DAYS = 365


class ScoreRecordQuerySet(models.QuerySet):
    def for_chart(self) -> "ScoreRecordQuerySet":
        """The days the film page's Score History chart draws, oldest first."""
        since = timezone.localdate() - timedelta(days=SCORE_HISTORY_DAYS - 1)
        return self.filter(day__gte=since).order_by("day")


class ScoreRecord(models.Model):
    """A film's scores as they stood on one day, written by `record_scores` for the history
    chart. Copied from the film's stored fields, so a record never needs the reviews."""

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="score_records")
    day = models.DateField()
    critics_score = models.PositiveSmallIntegerField(null=True, blank=True)
    audience_score = models.PositiveSmallIntegerField(null=True, blank=True)
    critic_classified_count = models.PositiveIntegerField(default=0)
    audience_rating_count = models.PositiveIntegerField(default=0)

    objects = ScoreRecordQuerySet.as_manager()

    class Meta:
        ordering = ["day"]
        constraints = [
            # One record a film and day: the upsert in record_scores targets this, and its index
            # is the one the film page's prefetch (film, day range) reads.
            models.UniqueConstraint(fields=["film", "day"], name="scorerecord_one_per_film_day"),
            models.CheckConstraint(
                condition=Q(critics_score__isnull=True) | Q(critics_score__lte=100),
                name="scorerecord_critics_score_range",
            ),
            models.CheckConstraint(
                condition=Q(audience_score__isnull=True) | Q(audience_score__lte=100),
                name="scorerecord_audience_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.film} on {self.day:%Y-%m-%d}"
