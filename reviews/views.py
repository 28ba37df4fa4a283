from contextlib import suppress

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from films.models import HALF_STARS, Film

from .models import AudienceReview, Critic, CriticReview, Publication, Sentiment

REVIEWS_PER_PAGE = 20
CRITICS_PER_PAGE = 50


@require_GET
def film_critic_reviews(request: HttpRequest, slug: str) -> HttpResponse:
    """All critic reviews of a film: All Critics / Top Critics, Fresh / Rotten, paginated."""
    film = get_object_or_404(Film, slug=slug)
    tab = "top" if request.GET.get("tab") == "top" else "all"
    sentiment = request.GET.get("sentiment")
    if sentiment not in (Sentiment.FRESH, Sentiment.ROTTEN):
        sentiment = None
    reviews = CriticReview.objects.filter(film=film).published().for_listing()
    if tab == "top":
        reviews = reviews.top_critics()
    if sentiment:
        reviews = reviews.filter(sentiment=sentiment)
    page = Paginator(reviews, REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/film_critic_reviews.html",
        {"film": film, "tab": tab, "sentiment": sentiment, "page": page},
    )


@require_GET
def film_audience_reviews(request: HttpRequest, slug: str) -> HttpResponse:
    """All visible audience reviews of a film, filtered by stars, spoilers optionally left out."""
    film = get_object_or_404(Film, slug=slug)
    reviews = AudienceReview.objects.filter(film=film).visible().for_listing()
    stars = None
    with suppress(ValueError):
        stars = float(request.GET.get("stars", ""))
    if stars in HALF_STARS:
        reviews = reviews.filter(rating=stars)
    else:
        stars = None
    hide_spoilers = request.GET.get("spoilers") == "hide"
    if hide_spoilers:
        reviews = reviews.filter(has_spoilers=False)
    page = Paginator(reviews, REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/film_audience_reviews.html",
        {
            "film": film,
            "page": page,
            "stars": stars,
            "star_choices": list(reversed(HALF_STARS)),
            "hide_spoilers": hide_spoilers,
        },
    )


@require_GET
def critic_list(request: HttpRequest) -> HttpResponse:
    critics = (
        Critic.objects.prefetch_related("publications")
        .annotate(review_count=Count("reviews", filter=Q(reviews__is_published=True)))
        .order_by("name", "pk")
    )
    top_only = request.GET.get("top") == "1"
    if top_only:
        critics = critics.filter(is_top_critic=True)
    page = Paginator(critics, CRITICS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reviews/critic_list.html", {"page": page, "top_only": top_only})


@require_GET
def critic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    critic = get_object_or_404(Critic.objects.prefetch_related("publications"), slug=slug)
    reviews = critic.reviews.published()
    split = reviews.aggregate(
        fresh=Count("pk", filter=Q(sentiment=Sentiment.FRESH)),
        rotten=Count("pk", filter=Q(sentiment=Sentiment.ROTTEN)),
    )
    page = Paginator(reviews.for_listing().select_related("film"), REVIEWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "reviews/critic_detail.html", {"critic": critic, "split": split, "page": page}
    )


@require_GET
def publication_detail(request: HttpRequest, slug: str) -> HttpResponse:
    publication = get_object_or_404(Publication, slug=slug)
    reviews = publication.reviews.published().for_listing().select_related("film")
    page = Paginator(reviews, REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/publication_detail.html",
        {"publication": publication, "page": page, "critics": publication.critics.all()},
    )
