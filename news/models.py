from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from films.models import Film
from films.slugs import AutoSlugMixin
from reviewsite.markup import render_markdown

RELATED_ARTICLES = 3
# The body sits right under the article page's h1: "# Heading" becomes <h2>.
ARTICLE_TOP_HEADING = 2


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"


class ArticleQuerySet(models.QuerySet):
    def published(self) -> "ArticleQuerySet":
        return self.filter(published_at__lte=timezone.now()).order_by("-published_at", "-pk")

    def scheduled(self) -> "ArticleQuerySet":
        return self.filter(published_at__gt=timezone.now())

    def drafts(self) -> "ArticleQuerySet":
        return self.filter(published_at__isnull=True)

    def with_status(self, status: str) -> "ArticleQuerySet":
        return {
            ArticleStatus.DRAFT: self.drafts,
            ArticleStatus.SCHEDULED: self.scheduled,
            ArticleStatus.PUBLISHED: self.published,
        }[ArticleStatus(status)]()

    def without_body(self) -> "ArticleQuerySet":
        """For lists of articles, which show no body."""
        return self.defer("body", "body_html")

    def for_listing(self) -> "ArticleQuerySet":
        """Article cards: byline and the films mentioned, in a fixed number of queries."""
        return (
            self.without_body()
            .select_related("author")
            .prefetch_related(
                models.Prefetch(
                    "films", queryset=Film.objects.only("title", "slug", "year").order_by("title")
                )
            )
        )

    def for_detail(self) -> "ArticleQuerySet":
        """The article page: byline and the mentioned films as cards."""
        return self.select_related("author").prefetch_related(
            models.Prefetch("films", queryset=Film.objects.for_cards().order_by("title"))
        )

    def related_to(self, article: "Article") -> "ArticleQuerySet":
        """Other articles that mention at least one of the films `article` mentions."""
        return self.filter(films__articles=article).exclude(pk=article.pk).without_body().distinct()


class Article(AutoSlugMixin, models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=220,
        unique=True,
        blank=True,
        help_text="The article's address; keep it once published, as links point to it.",
    )
    lead = models.CharField(max_length=400, blank=True)
    body = models.TextField(
        help_text="Markdown: *italic*, **bold**, [a link](https://…), lists, ## headings. "
        "Raw HTML is shown as text, images as links."
    )
    # The body as safe HTML, made when the article is saved.
    body_html = models.TextField(editable=False, default="")
    image = models.ImageField(upload_to="news/", blank=True)
    image_alt = models.CharField(
        "image description",
        max_length=300,
        blank=True,
        help_text="What the image shows, for readers who cannot see it.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text="Leave empty to sign it yourself.",
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Leave empty to keep it a draft; a future time publishes it then.",
    )
    films = models.ManyToManyField(Film, blank=True, related_name="articles")

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["-published_at"], name="article_published_idx")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.body_html = render_markdown(self.body, top_heading=ARTICLE_TOP_HEADING)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("news:detail", kwargs={"slug": self.slug})

    def slug_text(self) -> str:
        return self.title

    @property
    def status(self) -> ArticleStatus:
        if self.published_at is None:
            return ArticleStatus.DRAFT
        if self.published_at > timezone.now():
            return ArticleStatus.SCHEDULED
        return ArticleStatus.PUBLISHED
