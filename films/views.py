from functools import partial

from django.core.paginator import Paginator
from django.db.models import Count, F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from forums.models import Thread
from news.models import Article
from reviews.forms import AudienceReviewForm
from reviews.models import AudienceReview, CriticReview
from reviewsite.pagecache import cache_for_visitors, fragments

from .forms import SORTS, BrowseForm
from .jsonld import film_json_ld
from .models import FILM_CARD_FIELDS, Credit, Film, Genre, Person
from .search import normalize_query, search_critics, search_films, search_people

FILMS_PER_PAGE = 24
HOME_FILMS = 6
HOME_REVIEWS = 6
HOME_THREADS = 6
HOME_ARTICLES = 4
PHOTOS_PER_PAGE = 24
# What a review card's film link does not need.
FILM_TEXT_FIELDS = ("film__synopsis", "film__consensus", "film__audience_histogram")
SEARCH_PREVIEW = 8
SEARCH_PER_PAGE = 24
SUGGESTIONS = 8
SUGGEST_MIN_LENGTH = 2
SEARCHES = {
    "films": ("Films", search_films),
    "people": (
        "People",
        lambda query: search_people(query).annotate(
            film_count=Count("credits__film", distinct=True)
        ),
    ),
    "critics": ("Critics", lambda query: search_critics(query).prefetch_related("publications")),
}
# A person's filmography: sort parameter -> (label, ordering). Unscored films sort last.
FILMOGRAPHY_SORTS = {
    "-year": ("Newest", [F("film__year").desc(nulls_last=True)]),
    "year": ("Oldest", [F("film__year").asc(nulls_last=True)]),
    "critics": ("Critics Score", [F("film__critics_score").desc(nulls_last=True)]),
    "audience": ("Audience Score", [F("film__audience_score").desc(nulls_last=True)]),
}


@require_safe
@cache_for_visitors(params={})
def home(request: HttpRequest) -> HttpResponse:
    films = Film.objects.for_cards()
    today = timezone.localdate()
    return render(
        request,
        "films/home.html",
        {
            "recent_films": films.filter(release_date__lte=today).order_by("-release_date", "pk")[
                :HOME_FILMS
            ],
            "best_by_critics": films.filter(critics_score__isnull=False).order_by(
                *SORTS["critics"].ordering
            )[:HOME_FILMS],
            "best_by_audience": films.filter(audience_score__isnull=False).order_by(
                *SORTS["audience"].ordering
            )[:HOME_FILMS],
            "latest_critic_reviews": CriticReview.objects.published()
            .for_listing()
            .select_related("film")
            .defer(*FILM_TEXT_FIELDS)[:HOME_REVIEWS],
            "latest_audience_reviews": AudienceReview.objects.visible()
            .filter(has_spoilers=False)
            .exclude(body="")
            .exclude(body__contains="||")
            .for_listing()
            .select_related("film")
            .defer(*FILM_TEXT_FIELDS)[:HOME_REVIEWS],
            "active_threads": Thread.objects.visible()
            .select_related("board", "film")
            .order_by("-last_posted_at", "-pk")[:HOME_THREADS],
            "latest_articles": Article.objects.published().without_body()[:HOME_ARTICLES],
        },
    )


@require_safe
@cache_for_visitors()
def film_list(request: HttpRequest) -> HttpResponse:
    form = BrowseForm(request.GET, genres=list(Genre.objects.all()))
    # One address per list of films: empty, invalid and default parameters are dropped, so a
    # shared link is short and a search engine sees each list once.
    page_number = request.GET.get("page", "").lstrip("0")
    if not (page_number.isascii() and page_number.isdigit()) or page_number == "1":
        page_number = ""
    paginator = Paginator(form.apply(Film.objects.for_cards()), FILMS_PER_PAGE)
    if page_number and (len(page_number) > 9 or int(page_number) > paginator.num_pages):
        page_number = str(paginator.num_pages) if paginator.num_pages > 1 else ""
    query = "&".join(
        part for part in (form.canonical_query(), page_number and f"page={page_number}") if part
    )
    if query != request.META.get("QUERY_STRING", ""):
        return redirect(f"{request.path}?{query}" if query else request.path)
    return render(
        request,
        "films/film_list.html",
        {"form": form, "page": paginator.get_page(page_number)},
    )


@require_safe
@cache_for_visitors(params={"critics": {"top"}})
def film_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The film page. Its sections that are the same for everyone come from the fragment
    cache (FRAGMENT_CACHE_SECONDS) while the site's content generation stands, so a member's
    page costs the queries of what is theirs: their review and the reviews' helpful marks."""
    with fragments(request) as fragment_context:
        critics_tab = "top" if request.GET.get("critics") == "top" else "all"
        film = get_object_or_404(Film, slug=slug).load_page(
            critics_tab=critics_tab, viewer=request.user
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
                **fragment_context,
                "film": film,
                "critics_tab": critics_tab,
                "own_review": own_review,
                "review_form": review_form,
                # Made only if the page renders it (not from the fragment cache).
                "json_ld": partial(film_json_ld, film, request),
            },
        )


@require_safe
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


@require_safe
def film_photos(request: HttpRequest, slug: str) -> HttpResponse:
    film = get_object_or_404(Film, slug=slug)
    page = Paginator(film.photos.all(), PHOTOS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "films/film_photos.html", {"film": film, "page": page})


@require_safe
def person_detail(request: HttpRequest, slug: str) -> HttpResponse:
    person = get_object_or_404(Person, slug=slug)
    sort = request.GET.get("sort", "")
    if sort not in FILMOGRAPHY_SORTS:
        sort = "-year"
    credits = (
        Credit.objects.filter(person=person)
        .select_related("film")
        .only("role", "character", "film", *(f"film__{name}" for name in FILM_CARD_FIELDS))
        .order_by(*FILMOGRAPHY_SORTS[sort][1], "film__title", "film_id", "role", "order")
    )
    return render(
        request,
        "films/person_detail.html",
        {
            "person": person,
            "credits": credits,
            "sort": sort,
            "filmography_sorts": [
                (value, label) for value, (label, _) in FILMOGRAPHY_SORTS.items()
            ],
        },
    )


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    query = normalize_query(request.GET.get("q", ""))
    kind = request.GET.get("type", "")
    if kind not in SEARCHES:
        kind = ""
    groups, page = [], None
    if query:
        for name, (label, find) in SEARCHES.items():
            found = find(query)
            if name == kind:
                page = Paginator(found, SEARCH_PER_PAGE).get_page(request.GET.get("page"))
                count, results = page.paginator.count, None
            else:
                count, results = found.count(), found[:SEARCH_PREVIEW]
            groups.append({"name": name, "label": label, "count": count, "results": results})
    return render(
        request,
        "films/search.html",
        {
            "query": query,
            "kind": kind,
            "groups": groups,
            "total": sum(group["count"] for group in groups),
            "page": page,
        },
    )


@require_safe
def search_suggest(request: HttpRequest) -> JsonResponse:
    """Films for the header's search box as someone types; the search page works without it."""
    query = normalize_query(request.GET.get("q", ""))
    films = search_films(query)[:SUGGESTIONS] if len(query) >= SUGGEST_MIN_LENGTH else []
    response = JsonResponse(
        {
            "query": query,
            "films": [
                {
                    "title": film.title,
                    "year": film.year,
                    "url": film.get_absolute_url(),
                    "critics_score": film.critics_score,
                    "audience_score": film.audience_score,
                }
                for film in films
            ],
        }
    )
    response["Cache-Control"] = "public, max-age=60"
    return response
