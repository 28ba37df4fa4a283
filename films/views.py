from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from reviews.forms import AudienceReviewForm
from reviews.models import AudienceReview, Critic, CriticReview

from .jsonld import film_json_ld
from .models import FILM_PAGE_CAST_SHOWN, Credit, Film, Person

FILMS_PER_PAGE = 24
HOME_FILMS = 6
PHOTOS_PER_PAGE = 24
SEARCH_RESULTS = 20


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    films = Film.objects.for_cards()
    return render(
        request,
        "films/home.html",
        {
            "recent_films": films.filter(release_date__lte=timezone.localdate()).order_by(
                "-release_date", "pk"
            )[:HOME_FILMS],
            "best_reviewed": films.filter(critics_score__isnull=False).order_by(
                "-critics_score", "-critic_classified_count", "pk"
            )[:HOME_FILMS],
            "latest_critic_reviews": CriticReview.objects.published()
            .for_listing()
            .select_related("film")[:6],
        },
    )


@require_GET
def film_list(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(Film.objects.for_cards().order_by("title", "year", "pk"), FILMS_PER_PAGE)
    return render(
        request, "films/film_list.html", {"page": paginator.get_page(request.GET.get("page"))}
    )


@require_GET
def film_detail(request: HttpRequest, slug: str) -> HttpResponse:
    critics_tab = "top" if request.GET.get("critics") == "top" else "all"
    film = get_object_or_404(
        Film.objects.for_detail(critics_tab=critics_tab, viewer=request.user), slug=slug
    )
    own_review = review_form = None
    if request.user.is_authenticated:
        own_review = (
            AudienceReview.objects.filter(film=film, user=request.user)
            .select_related("user")
            .first()
        )
        if own_review is None and film.is_released:
            review_form = AudienceReviewForm(film=film)
    return render(
        request,
        "films/film_detail.html",
        {
            "film": film,
            "critics_tab": critics_tab,
            "cast_shown": film.cast_credits[:FILM_PAGE_CAST_SHOWN],
            "cast_more": film.cast_credits[FILM_PAGE_CAST_SHOWN:],
            "own_review": own_review,
            "review_form": review_form,
            "json_ld": film_json_ld(film, request),
        },
    )


@require_GET
def film_cast(request: HttpRequest, slug: str) -> HttpResponse:
    film = get_object_or_404(Film, slug=slug)
    credits = list(Credit.objects.filter(film=film).select_related("person"))
    return render(
        request,
        "films/film_cast.html",
        {
            "film": film,
            "cast": [c for c in credits if c.role == Credit.Role.CAST],
            "crew": sorted(
                (c for c in credits if c.role != Credit.Role.CAST),
                key=lambda c: (Credit.Role.values.index(c.role), c.order, c.pk),
            ),
        },
    )


@require_GET
def film_photos(request: HttpRequest, slug: str) -> HttpResponse:
    film = get_object_or_404(Film, slug=slug)
    page = Paginator(film.photos.all(), PHOTOS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "films/film_photos.html", {"film": film, "page": page})


@require_GET
def person_detail(request: HttpRequest, slug: str) -> HttpResponse:
    person = get_object_or_404(Person, slug=slug)
    credits = (
        Credit.objects.filter(person=person)
        .select_related("film")
        .order_by("-film__year", "film__title", "order")
    )
    return render(request, "films/person_detail.html", {"person": person, "credits": credits})


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    results = {}
    if query:
        results = {
            "films": Film.objects.for_cards().filter(title__icontains=query)[:SEARCH_RESULTS],
            "people": Person.objects.filter(name__icontains=query)[:SEARCH_RESULTS],
            "critics": Critic.objects.filter(
                Q(name__icontains=query) | Q(publications__name__icontains=query)
            ).distinct()[:SEARCH_RESULTS],
        }
    return render(request, "films/search.html", {"query": query, "results": results})
