from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from films.models import Film
from films.slugs import AutoSlugMixin
from reviews.models import Report
from reviewsite.markup import render_markdown

MOVIE_FORUM_SLUG = "movie-forum"
POST_MAX_LENGTH = 20000
TITLE_MAX_LENGTH = 200
# Forum addresses a board's slug would shadow: /forums/following/ is the member's list.
RESERVED_BOARD_SLUGS = {"following"}


class Board(AutoSlugMixin, models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=110, unique=True, blank=True)
    description = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    # Stored counters of the threads and posts others can see, kept by the forum's services.
    thread_count = models.PositiveIntegerField(default=0, editable=False)
    post_count = models.PositiveIntegerField(default=0, editable=False)
    last_thread = models.ForeignKey(
        "Thread",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text="The thread with the board's latest post.",
    )

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forums:board", kwargs={"slug": self.slug})

    def slug_text(self) -> str:
        return self.name if slugify(self.name) not in RESERVED_BOARD_SLUGS else f"{self.name} board"

    def clean(self) -> None:
        if self.slug in RESERVED_BOARD_SLUGS:
            raise ValidationError({"slug": f"“{self.slug}” is taken by a forum page."})


class ThreadQuerySet(models.QuerySet):
    def visible(self) -> "ThreadQuerySet":
        """Threads whose opening post no moderator hid."""
        return self.filter(is_hidden=False)

    def for_listing(self) -> "ThreadQuerySet":
        """Pinned first, then by latest activity, with what a thread row shows."""
        return self.select_related("board", "author", "last_poster").order_by(
            "-is_pinned", "-last_posted_at", "-pk"
        )

    def with_read_state(self, user) -> "ThreadQuerySet":
        """Mark the threads with posts `user` has not read: `is_unread`, and `is_following`.

        A thread the member never opened is unread when it had posts since they joined.
        """
        if not user.is_authenticated:
            return self
        visits = ThreadVisit.objects.filter(thread=OuterRef("pk"), user=user)
        return self.alias(read_at=Subquery(visits.values("last_read_at")[:1])).annotate(
            is_following=Subquery(visits.values("is_following")[:1]),
            is_unread=Case(
                When(
                    Q(read_at__isnull=True, last_posted_at__gt=user.date_joined)
                    | Q(last_posted_at__gt=F("read_at")),
                    then=Value(True),
                ),
                default=Value(False),
            ),
        )


class Thread(models.Model):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="threads")
    film = models.ForeignKey(
        Film, on_delete=models.SET_NULL, null=True, blank=True, related_name="threads"
    )
    title = models.CharField(max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="threads"
    )
    created_at = models.DateTimeField(default=timezone.now)
    is_pinned = models.BooleanField("pinned", default=False)
    is_locked = models.BooleanField("locked", default=False)
    # A moderator hid the opening post, and with it the thread; kept by the forum's services.
    is_hidden = models.BooleanField("hidden by a moderator", default=False, editable=False)
    # Stored counters of the posts others can see, kept by the forum's service functions.
    reply_count = models.PositiveIntegerField(default=0, editable=False)
    last_posted_at = models.DateTimeField(default=timezone.now, editable=False)
    last_poster = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = ThreadQuerySet.as_manager()

    class Meta:
        ordering = ["-is_pinned", "-last_posted_at", "-pk"]
        indexes = [
            models.Index(
                fields=["board", "-is_pinned", "-last_posted_at", "-id"],
                name="thread_board_activity_idx",
            ),
            models.Index(fields=["film", "-last_posted_at"], name="thread_film_activity_idx"),
            models.Index(fields=["board", "-last_posted_at"], name="thread_board_latest_idx"),
            # The home page's active threads.
            models.Index(
                fields=["-last_posted_at", "-id"],
                condition=Q(is_hidden=False),
                name="thread_latest_visible_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "forums:thread",
            kwargs={
                "board": self.board.slug,
                "pk": self.pk,
                "slug": slugify(self.title)[:80] or "thread",
            },
        )

    def get_unread_url(self) -> str:
        return reverse("forums:thread_unread", kwargs={"pk": self.pk})


class PostQuerySet(models.QuerySet):
    def visible(self) -> "PostQuerySet":
        """Posts not hidden by a moderator, in threads not hidden by one."""
        return self.filter(is_hidden=False, thread__is_hidden=False)

    def for_profile(self) -> "PostQuerySet":
        """A member's posts newest first, with the thread (and its board, in its address)."""
        return self.select_related("thread__board").order_by("-created_at", "-pk")


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="posts"
    )
    body = models.TextField(max_length=POST_MAX_LENGTH, help_text="Markdown (CommonMark).")
    # The body as safe HTML, made when the post is saved.
    body_html = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField("hidden by a moderator", default=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["thread", "created_at", "id"], name="post_thread_created_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), POST_MAX_LENGTH),
                name="post_body_length",
            ),
        ]

    def __str__(self) -> str:
        return f"Post {self.pk} in {self.thread}"

    def save(self, *args, **kwargs) -> None:
        self.body_html = render_markdown(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("forums:post", kwargs={"pk": self.pk})


class PostRevision(models.Model):
    """An earlier text of an edited post, kept for the moderators."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(max_length=POST_MAX_LENGTH)
    written_at = models.DateTimeField(help_text="When this text was posted or last edited.")
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-replaced_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.post} as written {self.written_at:%Y-%m-%d %H:%M}"

    @property
    def body_html(self) -> str:
        return render_markdown(self.body)


class PostReportReason(models.TextChoices):
    SPAM = "spam", "Spam or advertising"
    ABUSE = "abuse", "Harassment, hate or abuse"
    SPOILERS = "spoilers", "Unmarked spoilers"
    OFF_TOPIC = "off_topic", "Off topic"
    OTHER = "other", "Something else"


class PostReport(Report):
    """A member asks the moderators to look at a forum post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_reports"
    )
    reason = models.CharField(max_length=12, choices=PostReportReason)

    class Meta(Report.Meta):
        constraints = [
            # A member reports a post once; reporting it again updates that report.
            models.UniqueConstraint(fields=["post", "reporter"], name="postreport_one_per_member"),
            models.CheckConstraint(
                condition=Q(reason__in=PostReportReason.values), name="postreport_reason_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.post}"


class ThreadVisit(models.Model):
    """What a member read of a thread, and whether they follow it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_visits"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="visits")
    last_read_at = models.DateTimeField(
        null=True, blank=True, help_text="The time of the latest post the member has seen."
    )
    is_following = models.BooleanField("following", default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="threadvisit_one_per_member")
        ]
        indexes = [
            models.Index(fields=["user", "is_following"], name="threadvisit_following_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.thread}"
