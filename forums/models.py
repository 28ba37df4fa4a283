from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from films.models import Film
from films.slugs import AutoSlugMixin

MOVIE_FORUM_SLUG = "movie-forum"
POST_MAX_LENGTH = 20000


class Board(AutoSlugMixin, models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=110, unique=True, blank=True)
    description = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forums:board", kwargs={"slug": self.slug})


class ThreadQuerySet(models.QuerySet):
    def for_listing(self) -> "ThreadQuerySet":
        """Pinned first, then by latest activity, with what a thread row shows."""
        return self.select_related("board", "author", "last_poster").order_by(
            "-is_pinned", "-last_posted_at", "-pk"
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
    # Stored counters, kept by the forum's service functions.
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
                fields=["board", "-is_pinned", "-last_posted_at"], name="thread_board_activity_idx"
            ),
            models.Index(fields=["film", "-last_posted_at"], name="thread_film_activity_idx"),
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


class PostQuerySet(models.QuerySet):
    def visible(self) -> "PostQuerySet":
        """Posts not hidden by a moderator."""
        return self.filter(is_hidden=False)

    def for_profile(self) -> "PostQuerySet":
        """A member's posts newest first, with the thread (and its board, in its address)."""
        return self.select_related("thread__board").order_by("-created_at", "-pk")


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="posts"
    )
    body = models.TextField(max_length=POST_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField("hidden by a moderator", default=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["thread", "created_at"], name="post_thread_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), POST_MAX_LENGTH),
                name="post_body_length",
            ),
        ]

    def __str__(self) -> str:
        return f"Post {self.pk} in {self.thread}"
