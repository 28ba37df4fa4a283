from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from films.models import Film
from films.slugs import AutoSlugMixin


class ArticleQuerySet(models.QuerySet):
    def published(self) -> "ArticleQuerySet":
        return self.filter(published_at__lte=timezone.now()).order_by("-published_at")


class Article(AutoSlugMixin, models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True, blank=True)
    lead = models.CharField(max_length=400, blank=True)
    body = models.TextField(help_text="Markdown.")
    image = models.ImageField(upload_to="news/", blank=True)
    image_alt = models.CharField(max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="Leave empty to keep it a draft."
    )
    films = models.ManyToManyField(Film, blank=True, related_name="articles")

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        indexes = [models.Index(fields=["-published_at"], name="article_published_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news:detail", kwargs={"slug": self.slug})

    def slug_text(self) -> str:
        return self.title
