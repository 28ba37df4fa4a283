from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from reviewsite.models import StoredCountsMixin

# Members imported from MovieLens are named "movielens-<userId>"; nobody signs up as one.
MOVIELENS_MEMBER_PREFIX = "movielens-"


class User(StoredCountsMixin, AbstractUser):
    """A member of the site; editors and moderators are members in a group."""

    display_name = models.CharField(max_length=80, blank=True)
    bio = models.TextField(max_length=2000, blank=True)
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    # Their audience reviews that a moderator has not hidden: kept by reviews.tallies, so the
    # profile needs no count of them.
    review_count = models.PositiveIntegerField(default=0, editable=False)

    stored_counts = ("review_count",)

    class Meta(AbstractUser.Meta):
        ordering = ["username"]
        swappable = "AUTH_USER_MODEL"
        # People read "Mina" and "mina" as one name, and mail servers treat addresses alike
        # whatever their case. Members imported without an email address have it blank.
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="user_username_case_insensitive_unique",
                violation_error_message="That username is taken. Please choose another.",
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="user_email_case_insensitive_unique",
                violation_error_message="A member already uses this email address.",
            ),
        ]

    def __str__(self) -> str:
        return self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", kwargs={"username": self.username})

    @property
    def public_name(self) -> str:
        """The name shown on the member's reviews and posts."""
        return self.display_name or self.get_full_name() or self.username
