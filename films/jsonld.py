"""schema.org `Movie` JSON-LD for the film page.

Shaped for Google's rich results: the Movie carousel needs `name` and `image`; its
`aggregateRating` and `review` follow the review snippet rules
(https://developers.google.com/search/docs/appearance/structured-data/movie and
.../review-snippet): an AggregateRating needs `ratingValue` and `ratingCount` or `reviewCount`
(more than zero, so a film without a score gets none), a Review needs an `author` with a `name`
and a `reviewRating` with a `ratingValue`; `bestRating` and `worstRating` are given whenever the
scale is not Google's default of 1 to 5.
"""

import json

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from reviews.models import Sentiment

# The escapes of django.utils.html.json_script: the JSON can't close its <script> element.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def film_json_ld(film, request: HttpRequest) -> SafeString:
    data = {
        "@context": "https://schema.org",
        "@type": "Movie",
        "name": film.title,
        "url": request.build_absolute_uri(film.get_absolute_url()),
    }
    if film.year:
        data["dateCreated"] = str(film.year)
    if film.release_date:
        data["datePublished"] = film.release_date.isoformat()
    if film.synopsis:
        data["description"] = film.synopsis
    if film.poster:
        data["image"] = request.build_absolute_uri(film.poster.url)
    if film.rating and film.rating != film.Rating.NR:
        data["contentRating"] = film.rating
    if film.runtime:
        data["duration"] = f"PT{film.runtime}M"
    genres = [g.name for g in film.page_genres]
    if genres:
        data["genre"] = genres
    directors = [{"@type": "Person", "name": c.person.name} for c in film.directors]
    if directors:
        data["director"] = directors
    actors = [{"@type": "Person", "name": c.person.name} for c in film.cast_credits]
    if actors:
        data["actor"] = actors
    if film.critics_score is not None:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": film.critics_score,
            "bestRating": 100,
            "worstRating": 0,
            "reviewCount": film.critic_classified_count,
            "name": "Critics Score",
        }
    reviews = []
    for review in list(film.preview_critic_reviews)[:3]:  # the list the page shows
        author = review.critic or review.publication
        rating = review_rating(review)
        if not review.excerpt or author is None or rating is None:
            continue  # a Review needs its author and its rating
        kind = "Person" if review.critic else "Organization"
        item = {
            "@type": "Review",
            "reviewBody": review.excerpt,
            "author": {"@type": kind, "name": str(author)},
            "reviewRating": rating,
        }
        if review.publication:
            item["publisher"] = {"@type": "Organization", "name": review.publication.name}
        if review.review_date:
            item["datePublished"] = review.review_date.isoformat()
        reviews.append(item)
    if reviews:
        data["review"] = reviews
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_ESCAPES))


def review_rating(review) -> dict | None:
    """A critic review's Rating: the original score on its 0-100 scale when the editors entered
    one, else its sentiment on the scale the Critics Score counts (fresh 1, rotten 0); None for
    an unclassified review without a score."""
    if review.normalized_score is not None:
        value, best = review.normalized_score, 100
    elif review.sentiment in (Sentiment.FRESH, Sentiment.ROTTEN):
        value, best = int(review.sentiment == Sentiment.FRESH), 1
    else:
        return None
    return {"@type": "Rating", "ratingValue": value, "bestRating": best, "worstRating": 0}
