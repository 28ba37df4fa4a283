"""RSS feeds of critic reviews: the latest across the site, and the latest of one film."""

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import escape

from films.models import Film

from .models import CriticReview, CriticReviewQuerySet

FEED_ITEMS = 30


class LatestCriticReviewsFeed(Feed):
    """The latest published critic reviews on the site, newest first."""

    def title(self) -> str:
        return f"Latest critic reviews | {settings.SITE_NAME}"

    def link(self) -> str:
        return reverse("home")

    def description(self) -> str:
        return f"The latest critic reviews on {settings.SITE_NAME}, Fresh or Rotten."

    def reviews(self) -> CriticReviewQuerySet:
        return CriticReview.objects.published().for_listing().select_related("film")

    def items(self) -> CriticReviewQuerySet:
        return self.reviews()[:FEED_ITEMS]

    def item_title(self, review: CriticReview) -> str:
        # Readers take a title as HTML, so it is escaped as Feed.item_title escapes by default.
        title = str(review)
        if review.sentiment:
            title = f"{title}: {review.get_sentiment_display()}"
        return escape(title)

    def item_description(self, review: CriticReview) -> str:
        # Readers render a description as HTML: the excerpt is the critic's plain text.
        text = escape(review.excerpt) if review.excerpt else "No excerpt available."
        if review.original_score:
            text = f"{text} (Original score: {escape(review.original_score)})"
        return text

    def item_link(self, review: CriticReview) -> str:
        # The fragment makes each review's link, and so its guid, unique.
        url = reverse("reviews:film_critic_reviews", kwargs={"slug": review.film.slug})
        return f"{url}#critic-review-{review.pk}"

    def item_pubdate(self, review: CriticReview) -> datetime.datetime:
        if review.review_date:
            return datetime.datetime.combine(review.review_date, datetime.time.min)
        return review.created_at

    def item_author_name(self, review: CriticReview) -> str | None:
        return review.byline or None


class FilmCriticReviewsFeed(LatestCriticReviewsFeed):
    """One film's latest published critic reviews, newest first."""

    def get_object(self, request: HttpRequest, slug: str) -> Film:
        # Film.DoesNotExist makes the feed answer 404.
        return Film.objects.only("title", "year", "slug").get(slug=slug)

    def title(self, film: Film) -> str:
        return f"{film}: critic reviews | {settings.SITE_NAME}"

    def link(self, film: Film) -> str:
        return reverse("reviews:film_critic_reviews", kwargs={"slug": film.slug})

    def description(self, film: Film) -> str:
        return f"The latest critic reviews of {film} on {settings.SITE_NAME}."

    def items(self, film: Film) -> CriticReviewQuerySet:
        return self.reviews().filter(film=film)[:FEED_ITEMS]
