from contextlib import suppress

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.limits import Allowance, rate_limited, slow_down
from accounts.redirects import next_url
from films.models import HALF_STARS, Film
from reviewsite.paging import StoredCountPaginator

from .forms import AudienceReviewForm, ReviewReportForm
from .models import AudienceReview, Critic, CriticReview, Publication, Sentiment
from .services import (
    HIDDEN_REVIEW_MESSAGE,
    delete_audience_review,
    mark_review_helpful,
    report_audience_review,
    submit_audience_review,
)

REVIEWS_PER_PAGE = 20
TOO_MANY_REVIEWS = (
    "You have posted {limit} reviews in the last hour, the most we take in that time. "
    "Please post this one a little later: what you wrote is still here."
)
CRITICS_PER_PAGE = 50


@require_safe
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
    count = _critic_review_count(film, top=tab == "top", sentiment=sentiment)
    page = StoredCountPaginator(reviews, REVIEWS_PER_PAGE, count=count).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reviews/film_critic_reviews.html",
        {"film": film, "tab": tab, "sentiment": sentiment, "page": page},
    )


def _critic_review_count(film: Film, *, top: bool, sentiment: str | None) -> int:
    """How many of the film's published critic reviews a list shows, from its stored counts."""
    if top:
        total, classified, fresh = (
            film.top_critic_review_count,
            film.top_critic_classified_count,
            film.top_critic_fresh_count,
        )
    else:
        total, classified, fresh = (
            film.critic_review_count,
            film.critic_classified_count,
            film.critic_fresh_count,
        )
    if sentiment == Sentiment.FRESH:
        return fresh
    if sentiment == Sentiment.ROTTEN:
        return classified - fresh
    return total


@require_safe
def film_audience_reviews(request: HttpRequest, slug: str) -> HttpResponse:
    """All visible audience reviews of a film, filtered by stars, spoilers optionally left out."""
    film = get_object_or_404(Film, slug=slug)
    sort = "helpful" if request.GET.get("sort") == "helpful" else "newest"
    reviews = (
        AudienceReview.objects.filter(film=film)
        .visible()
        .for_listing(viewer=request.user, sort=sort)
    )
    # The film's stored counts give the list's length, but for spoiler-free reviews.
    count = film.audience_review_count
    stars = None
    with suppress(ValueError):
        stars = float(request.GET.get("stars", ""))
    if stars in HALF_STARS:
        reviews = reviews.filter(rating=stars)
        count = film.audience_histogram[HALF_STARS.index(stars)]
    else:
        stars = None
    hide_spoilers = request.GET.get("spoilers") == "hide"
    if hide_spoilers:
        reviews = reviews.filter(has_spoilers=False)
        count = None
    page = StoredCountPaginator(reviews, REVIEWS_PER_PAGE, count=count).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reviews/film_audience_reviews.html",
        {
            "film": film,
            "page": page,
            "stars": stars,
            "star_choices": list(reversed(HALF_STARS)),
            "hide_spoilers": hide_spoilers,
            "sort": sort,
        },
    )


@require_safe
def audience_review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One audience review on a page of its own: the address reports and votes point to."""
    review = get_object_or_404(
        AudienceReview.objects.for_listing(viewer=request.user).select_related("film"), pk=pk
    )
    if review.is_hidden and review.user_id != request.user.pk:
        raise Http404("This review was hidden by a moderator.")
    return render(request, "reviews/audience_review_detail.html", {"review": review})


@login_required
@require_http_methods(["GET", "POST"])
def audience_review_form(request: HttpRequest, slug: str) -> HttpResponse:
    """Rate and review a film, or edit one's review of it: one review per member and film.

    Over the hourly limit the form comes back with what the member wrote and HTTP 429, so no
    review is lost to the limit.
    """
    film = get_object_or_404(Film, slug=slug)
    own_review = AudienceReview.objects.filter(film=film, user=request.user).first()
    context = {"film": film, "own_review": own_review}
    if own_review and own_review.is_hidden:
        status = 403 if request.method == "POST" else 200
        return render(request, "reviews/audience_review_form.html", context, status=status)
    initial = {}
    if own_review:
        initial = {
            "rating": own_review.rating,
            "body": own_review.body,
            "has_spoilers": own_review.has_spoilers,
        }
    form = AudienceReviewForm(request.POST or None, film=film, initial=initial)
    status = 200
    if form.is_valid():
        allowance = Allowance(request, "review")
        if allowance.granted:
            submit_audience_review(film=film, user=request.user, **form.cleaned_data)
            messages.success(
                request,
                "Your review was updated." if own_review else "Thanks! Your review is posted.",
            )
            return redirect(f"{film.get_absolute_url()}#your-review")
        form.add_error(None, TOO_MANY_REVIEWS.format(limit=allowance.limit))
        status = 429
    return render(
        request, "reviews/audience_review_form.html", {**context, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def audience_review_delete(request: HttpRequest, slug: str) -> HttpResponse:
    """Delete one's own review of a film, after a confirmation page."""
    film = get_object_or_404(Film, slug=slug)
    own_review = get_object_or_404(AudienceReview, film=film, user=request.user)
    if own_review.is_hidden:
        raise PermissionDenied(HIDDEN_REVIEW_MESSAGE)
    if request.method == "POST":
        delete_audience_review(review=own_review)
        messages.success(request, "Your review was deleted.")
        return redirect(f"{film.get_absolute_url()}#audience-reviews")
    return render(
        request, "reviews/audience_review_delete.html", {"film": film, "review": own_review}
    )


def _visible_review(pk: int) -> AudienceReview:
    return get_object_or_404(AudienceReview.objects.visible().select_related("film"), pk=pk)


@require_POST
def audience_review_helpful(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark another member's review helpful (helpful=1), or take the vote back (helpful=0)."""
    review = _visible_review(pk)
    back = next_url(request, review.get_absolute_url())
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    if not Allowance(request, "vote").granted:
        return slow_down(request)
    mark_review_helpful(
        review=review, user=request.user, helpful=request.POST.get("helpful") != "0"
    )
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("report")
def audience_review_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask the moderators to look at a review: a reason from a short list, and details."""
    review = _visible_review(pk)
    if review.user_id == request.user.pk:
        raise PermissionDenied("You cannot report your own review.")
    back = next_url(request, review.get_absolute_url())
    form = ReviewReportForm(request.POST or None)
    if form.is_valid():
        report_audience_review(review=review, reporter=request.user, **form.cleaned_data)
        messages.success(request, "Thanks. The moderators will look at this review.")
        return redirect(back)
    return render(
        request,
        "reviews/audience_review_report.html",
        {"review": review, "form": form, "next": back},
    )


@require_safe
def critic_list(request: HttpRequest) -> HttpResponse:
    critics = Critic.objects.prefetch_related("publications").order_by("name", "pk")
    top_only = request.GET.get("top") == "1"
    if top_only:
        critics = critics.filter(is_top_critic=True)
    page = Paginator(critics, CRITICS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reviews/critic_list.html", {"page": page, "top_only": top_only})


@require_safe
def critic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    critic = get_object_or_404(Critic.objects.prefetch_related("publications"), slug=slug)
    reviews = critic.reviews.published().for_listing().select_related("film")
    page = StoredCountPaginator(reviews, REVIEWS_PER_PAGE, count=critic.review_count).get_page(
        request.GET.get("page")
    )
    return render(request, "reviews/critic_detail.html", {"critic": critic, "page": page})


@require_safe
def publication_detail(request: HttpRequest, slug: str) -> HttpResponse:
    publication = get_object_or_404(Publication, slug=slug)
    reviews = publication.reviews.published().for_listing().select_related("film")
    page = StoredCountPaginator(reviews, REVIEWS_PER_PAGE, count=publication.review_count).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reviews/publication_detail.html",
        {"publication": publication, "page": page, "critics": publication.critics.all()},
    )
