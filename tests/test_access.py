"""Every URL of the site, walked: each state-changing view wants a CSRF token, sends visitors to
log in, and refuses members acting on others' things or doing moderators' work; the admin
refuses visitors, members and staff without the model's permissions.

ROUTES says, for each URL name, how to build its address and what kind of view it is. A URL
pattern added without a row here fails `test_every_url_pattern_is_in_the_table`, so the walk
stays complete. Each state-changing row carries a valid POST and a check of its effect; the
first test below proves that POST works for the user allowed to send it, so every "nothing
changed" that follows is a real refusal, not a form that was wrong anyway.
"""

import dataclasses
import enum
from collections.abc import Callable, Iterator
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.static import serve

from accounts.models import User
from films.models import Film
from forums import services as forum_services
from forums.models import MOVIE_FORUM_SLUG, Board, Post, PostReport, Thread, ThreadVisit
from reviews.models import AudienceReview, HelpfulVote, ReviewReport
from tests.factories import (
    ArticleFactory,
    AudienceReviewFactory,
    BoardFactory,
    CriticFactory,
    FilmFactory,
    MemberFactory,
    PersonFactory,
    PublicationFactory,
)
from tests.test_admin import ROWS

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # tests.factories.MemberFactory's
NEW_PASSWORD = "a rather longer passphrase 2024"
# An unmasked CSRF secret: sent as the cookie and as the form's token, Django takes it.
CSRF_SECRET = "csrfsecretcsrfsecretcsrfsecret42"
ADMIN_LOGIN = "/admin/login/"


# The things the URLs are about -----------------------------------------------------------------


@dataclasses.dataclass
class World:
    """Two members, a moderator, and something of each member's to act on."""

    member: User  # the member who acts, owner of `own_review` and `own_post`
    other: User  # another member, owner of `other_review` and the thread
    moderator: User
    film: Film  # reviewed by `other` only
    reviewed_film: Film  # reviewed by `member`
    own_review: AudienceReview
    other_review: AudienceReview
    thread: Thread  # started by `other` in the Movie forum; `member` replied, so follows it
    other_post: Post  # the thread's first post
    own_post: Post  # the member's reply, the thread's last post
    board: Board  # another board, to start threads in and move threads to
    extras: dict  # the objects public pages are about

    def user(self, who: str) -> User:
        return getattr(self, who)


@pytest.fixture
def world(member, moderator) -> World:
    other = MemberFactory(username="otto")
    film, reviewed_film = FilmFactory(), FilmFactory()
    thread = forum_services.start_thread(
        board=Board.objects.get(slug=MOVIE_FORUM_SLUG),
        author=other,
        title="Was the ending earned?",
        body="I think so.",
    )
    critic = CriticFactory(publications=[PublicationFactory()])
    return World(
        member=member,
        other=other,
        moderator=moderator,
        film=film,
        reviewed_film=reviewed_film,
        own_review=AudienceReviewFactory(film=reviewed_film, user=member),
        other_review=AudienceReviewFactory(film=film, user=other),
        thread=thread,
        other_post=thread.posts.get(),
        own_post=forum_services.reply(thread=thread, author=member, body="I disagree."),
        board=BoardFactory(),
        extras={
            "person": PersonFactory(),
            "critic": critic,
            "publication": critic.publications.get(),
            "article": ArticleFactory(films=[film]),
        },
    )


# The table -------------------------------------------------------------------------------------


class Kind(enum.Enum):
    PUBLIC = "public page"
    MEMBERS = "members-only page"
    VISITOR_FORM = "state-changing, for visitors"  # its actor is a visitor
    MEMBER_ACTION = "state-changing, any member"
    OWNER_ACTION = "state-changing, the owner only"
    MODERATOR = "moderators only"


@dataclasses.dataclass(frozen=True)
class Refusal:
    """Someone the view must refuse (403 or 404), changing nothing."""

    who: str  # a World user
    why: str


@dataclasses.dataclass(frozen=True)
class Route:
    kind: Kind
    kwargs: Callable[[World], dict] = lambda w: {}
    # A valid POST for the allowed user; None: the view changes nothing.
    data: Callable[[World], dict] | None = None
    # Whether that POST took effect (the client is the one that posted).
    effect: Callable[[World, Client], bool] | None = None
    get: bool = True  # False: POST only, a GET answers 405
    refused: tuple[Refusal, ...] = ()
    # Where the POST goes when not to the URL itself (a GET of the URL first leads there).
    post_url: Callable[[Client, str], str] | None = None
    # A view that needs no log-in although members use it (logging out).
    anyone: bool = False
    # Why a public page answers a POST as it answers a GET, rather than with 405.
    any_method: str = ""

    @property
    def needs_login(self) -> bool:
        return self.kind not in (Kind.PUBLIC, Kind.VISITOR_FORM) and not self.anyone


def _fresh(user: User) -> User:
    return get_user_model().objects.get(pk=user.pk)


def _logged_in_as(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def _set_password_url(client: Client, url: str) -> str:
    """The reset link puts its token in the session and sends on to the set-password form."""
    response = client.get(url)
    assert response.status_code == 302, response
    return response["Location"]


def _post_kwargs(w: World) -> dict:
    return {"pk": w.own_post.pk}


def _thread_kwargs(w: World) -> dict:
    return {"pk": w.thread.pk}


PUBLIC_ANY_METHOD = "answers any method with the same read-only response"

ROUTES: dict[str, Route] = {
    # reviewsite
    "home": Route(Kind.PUBLIC),
    "healthz": Route(Kind.PUBLIC),
    "ping": Route(Kind.PUBLIC, any_method="the benchmarks' baseline " + PUBLIC_ANY_METHOD),
    "robots_txt": Route(Kind.PUBLIC),
    "sitemap": Route(Kind.PUBLIC, any_method="Django's sitemap view " + PUBLIC_ANY_METHOD),
    "sitemap_section": Route(
        Kind.PUBLIC,
        lambda w: {"section": "films"},
        any_method="Django's sitemap view " + PUBLIC_ANY_METHOD,
    ),
    # films
    "films:list": Route(Kind.PUBLIC),
    "films:detail": Route(Kind.PUBLIC, lambda w: {"slug": w.film.slug}),
    "films:cast": Route(Kind.PUBLIC, lambda w: {"slug": w.film.slug}),
    "films:photos": Route(Kind.PUBLIC, lambda w: {"slug": w.film.slug}),
    "films:person": Route(Kind.PUBLIC, lambda w: {"slug": w.extras["person"].slug}),
    "films:search": Route(Kind.PUBLIC),
    "films:search_suggest": Route(Kind.PUBLIC),
    # reviews
    "reviews:feed": Route(Kind.PUBLIC, any_method="a Django feed " + PUBLIC_ANY_METHOD),
    "reviews:film_critic_reviews": Route(Kind.PUBLIC, lambda w: {"slug": w.film.slug}),
    "reviews:film_feed": Route(
        Kind.PUBLIC,
        lambda w: {"slug": w.film.slug},
        any_method="a Django feed " + PUBLIC_ANY_METHOD,
    ),
    "reviews:film_audience_reviews": Route(Kind.PUBLIC, lambda w: {"slug": w.film.slug}),
    "reviews:audience_review_form": Route(
        Kind.MEMBER_ACTION,
        lambda w: {"slug": w.film.slug},
        data=lambda w: {"rating": "4.5", "body": "Better than I expected."},
        effect=lambda w, c: AudienceReview.objects.filter(film=w.film, user=w.member).exists(),
    ),
    "reviews:audience_review_delete": Route(
        Kind.OWNER_ACTION,
        lambda w: {"slug": w.reviewed_film.slug},
        data=lambda w: {},
        effect=lambda w, c: not AudienceReview.objects.filter(pk=w.own_review.pk).exists(),
        refused=(Refusal("other", "the address names a film, and only one's own review of it"),),
    ),
    "reviews:audience_review_detail": Route(Kind.PUBLIC, lambda w: {"pk": w.other_review.pk}),
    "reviews:audience_review_helpful": Route(
        Kind.MEMBER_ACTION,
        lambda w: {"pk": w.other_review.pk},
        data=lambda w: {"helpful": "1"},
        effect=lambda w, c: HelpfulVote.objects.exists(),
        get=False,
        refused=(Refusal("other", "no vote on one's own review"),),
    ),
    "reviews:audience_review_report": Route(
        Kind.MEMBER_ACTION,
        lambda w: {"pk": w.other_review.pk},
        data=lambda w: {"reason": "spam"},
        effect=lambda w, c: ReviewReport.objects.exists(),
        refused=(Refusal("other", "no report of one's own review"),),
    ),
    "reviews:critic_list": Route(Kind.PUBLIC),
    "reviews:critic": Route(Kind.PUBLIC, lambda w: {"slug": w.extras["critic"].slug}),
    "reviews:publication": Route(Kind.PUBLIC, lambda w: {"slug": w.extras["publication"].slug}),
    # forums
    "forums:index": Route(Kind.PUBLIC),
    "forums:following": Route(Kind.MEMBERS),
    "forums:post": Route(Kind.PUBLIC, lambda w: {"pk": w.other_post.pk}),
    "forums:post_edit": Route(
        Kind.OWNER_ACTION,
        _post_kwargs,
        data=lambda w: {"body": "Edited: I half agree."},
        effect=lambda w, c: Post.objects.get(pk=w.own_post.pk).body == "Edited: I half agree.",
        refused=(
            Refusal("other", "another member's post"),
            Refusal("moderator", "moderators hide posts, they do not rewrite them"),
        ),
    ),
    "forums:post_delete": Route(
        Kind.OWNER_ACTION,
        _post_kwargs,
        data=lambda w: {},
        effect=lambda w, c: not Post.objects.filter(pk=w.own_post.pk).exists(),
        refused=(
            Refusal("other", "another member's post"),
            Refusal("moderator", "moderators hide posts, they do not delete them"),
        ),
    ),
    "forums:post_report": Route(
        Kind.MEMBER_ACTION,
        lambda w: {"pk": w.other_post.pk},
        data=lambda w: {"reason": "spam"},
        effect=lambda w, c: PostReport.objects.exists(),
        refused=(Refusal("other", "no report of one's own post"),),
    ),
    "forums:post_hide": Route(
        Kind.MODERATOR,
        _post_kwargs,
        data=lambda w: {"hidden": "1"},
        effect=lambda w, c: Post.objects.get(pk=w.own_post.pk).is_hidden,
        get=False,
        refused=(
            Refusal("member", "the post's own author is no moderator"),
            Refusal("other", "a member is no moderator"),
        ),
    ),
    "forums:post_revisions": Route(
        Kind.MODERATOR,
        _post_kwargs,
        refused=(
            Refusal("member", "the post's own author is no moderator"),
            Refusal("other", "a member is no moderator"),
        ),
    ),
    "forums:reply": Route(
        Kind.MEMBER_ACTION,
        _thread_kwargs,
        data=lambda w: {"body": "A third opinion."},
        effect=lambda w, c: Post.objects.filter(body="A third opinion.").exists(),
    ),
    "forums:thread_follow": Route(
        Kind.MEMBER_ACTION,
        _thread_kwargs,
        # The member follows the thread since replying to it: the POST stops that.
        data=lambda w: {"following": "0"},
        effect=lambda w, c: (
            not ThreadVisit.objects.filter(
                thread=w.thread, user=w.member, is_following=True
            ).exists()
        ),
        get=False,
    ),
    "forums:thread_moderate": Route(
        Kind.MODERATOR,
        _thread_kwargs,
        data=lambda w: {"action": "lock"},
        effect=lambda w, c: Thread.objects.get(pk=w.thread.pk).is_locked,
        get=False,
        refused=(
            Refusal("other", "the thread's own author is no moderator"),
            Refusal("member", "a member is no moderator"),
        ),
    ),
    "forums:thread_move": Route(
        Kind.MODERATOR,
        _thread_kwargs,
        data=lambda w: {"board": str(w.board.pk)},
        effect=lambda w, c: Thread.objects.get(pk=w.thread.pk).board_id == w.board.pk,
        refused=(
            Refusal("other", "the thread's own author is no moderator"),
            Refusal("member", "a member is no moderator"),
        ),
    ),
    "forums:thread_unread": Route(Kind.PUBLIC, _thread_kwargs),
    "forums:thread_latest": Route(Kind.PUBLIC, _thread_kwargs),
    "forums:board": Route(Kind.PUBLIC, lambda w: {"slug": w.board.slug}),
    "forums:thread_new": Route(
        Kind.MEMBER_ACTION,
        lambda w: {"slug": w.board.slug},
        data=lambda w: {"title": "A new thread", "body": "Let us talk."},
        effect=lambda w, c: Thread.objects.filter(title="A new thread").exists(),
    ),
    "forums:thread": Route(Kind.PUBLIC, lambda w: resolve(w.thread.get_absolute_url()).kwargs),
    "forums:film_discussion": Route(Kind.PUBLIC, lambda w: {"slug": w.film.slug}),
    "forums:film_thread_new": Route(
        Kind.MEMBER_ACTION,
        lambda w: {"slug": w.film.slug},
        data=lambda w: {"title": "About this film", "body": "Let us talk."},
        effect=lambda w, c: Thread.objects.filter(film=w.film).exists(),
    ),
    # news
    "news:list": Route(Kind.PUBLIC),
    "news:detail": Route(Kind.PUBLIC, lambda w: {"slug": w.extras["article"].slug}),
    "news:feed": Route(Kind.PUBLIC, any_method="a Django feed " + PUBLIC_ANY_METHOD),
    # accounts
    "accounts:login": Route(
        Kind.VISITOR_FORM,
        data=lambda w: {"username": w.member.username, "password": PASSWORD},
        effect=lambda w, c: _logged_in_as(c) == str(w.member.pk),
    ),
    "accounts:logout": Route(
        Kind.MEMBER_ACTION,
        data=lambda w: {},
        effect=lambda w, c: _logged_in_as(c) is None,
        get=False,
        anyone=True,  # a visitor's log-out changes nothing
    ),
    "accounts:signup": Route(
        Kind.VISITOR_FORM,
        data=lambda w: {
            "username": "newbie",
            "email": "newbie@example.com",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        effect=lambda w, c: User.objects.filter(username="newbie").exists(),
    ),
    "accounts:password_change": Route(
        Kind.MEMBER_ACTION,
        data=lambda w: {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        effect=lambda w, c: _fresh(w.member).check_password(NEW_PASSWORD),
    ),
    "accounts:password_change_done": Route(Kind.MEMBERS),
    "accounts:password_reset": Route(
        Kind.VISITOR_FORM,
        data=lambda w: {"email": w.member.email},
        effect=lambda w, c: bool(mail.outbox),
    ),
    "accounts:password_reset_done": Route(Kind.PUBLIC),
    "accounts:password_reset_confirm": Route(
        Kind.VISITOR_FORM,
        lambda w: {
            "uidb64": urlsafe_base64_encode(force_bytes(w.member.pk)),
            "token": default_token_generator.make_token(w.member),
        },
        data=lambda w: {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        effect=lambda w, c: _fresh(w.member).check_password(NEW_PASSWORD),
        post_url=_set_password_url,
    ),
    "accounts:password_reset_complete": Route(Kind.PUBLIC),
    "accounts:profile_edit": Route(
        Kind.MEMBER_ACTION,
        data=lambda w: {"display_name": "Mina Renamed", "bio": ""},
        effect=lambda w, c: _fresh(w.member).display_name == "Mina Renamed",
    ),
    "accounts:profile": Route(Kind.PUBLIC, lambda w: {"username": w.other.username}),
    "accounts:profile_posts": Route(Kind.PUBLIC, lambda w: {"username": w.other.username}),
}


def _routes(test: Callable[[str, Route], bool]) -> list[str]:
    return [name for name, route in ROUTES.items() if test(name, route)]


PUBLIC = _routes(lambda n, r: r.kind is Kind.PUBLIC)
STATE_CHANGING = _routes(lambda n, r: r.data is not None)
LOGIN_PAGES = _routes(lambda n, r: r.needs_login and r.get)
LOGIN_POSTS = _routes(lambda n, r: r.needs_login and r.data is not None)
REFUSALS = [
    pytest.param(name, refusal, id=f"{name}-{refusal.who}")
    for name, route in ROUTES.items()
    for refusal in route.refused
]


# Walking the URL patterns ----------------------------------------------------------------------


def _skip_reason(namespace: str, pattern: URLPattern | URLResolver) -> str | None:
    """Why a part of the URL tree is not in ROUTES, or None when it must be."""
    if namespace == "admin":
        return "the admin's own pages: test_the_admin_refuses_... walks each ModelAdmin's URLs"
    if isinstance(pattern, URLResolver) and pattern.app_name == "djdt":
        return "the debug toolbar, installed only with DEBUG"
    if isinstance(pattern, URLPattern) and pattern.callback is serve:
        return "static and media files, served by Django only with DEBUG"
    return None


def site_url_names(patterns=None, namespace: str = "") -> Iterator[str]:
    """The name of every URL pattern the site answers (unnamed ones as their route)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            if _skip_reason(inner, pattern) is None:
                yield from site_url_names(pattern.url_patterns, inner)
        elif _skip_reason(namespace, pattern) is None:
            name = pattern.name or f"<unnamed: {pattern.pattern}>"
            yield f"{namespace}:{name}" if namespace else name


def test_every_url_pattern_is_in_the_table():
    """A URL pattern added to the site must say here what it is, so the walk covers it."""
    names = list(site_url_names())
    assert len(names) == len(set(names)), "two URL patterns share a name"
    assert sorted(set(names) - set(ROUTES)) == [], "URL patterns missing from ROUTES"
    assert sorted(set(ROUTES) - set(names)) == [], "ROUTES lists URLs the site no longer has"


# Helpers ---------------------------------------------------------------------------------------


def url_of(world: World, name: str) -> str:
    return reverse(name, kwargs=ROUTES[name].kwargs(world))


def actor_of(world: World, route: Route) -> User | None:
    """Who may send the route's POST: None for a visitor."""
    return {
        Kind.VISITOR_FORM: None,
        Kind.MEMBER_ACTION: world.member,
        Kind.OWNER_ACTION: world.member,
        Kind.MODERATOR: world.moderator,
    }[route.kind]


def client_for(user: User | None, *, enforce_csrf_checks: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    if user is not None:
        client.force_login(user)
    return client


def post_target(route: Route, client: Client, url: str) -> str:
    return route.post_url(client, url) if route.post_url else url


# Logging a client in writes these; they are not what a view changes.
LOG_IN_BOOKKEEPING = {"sessions", "axes"}


def row_counts() -> dict[str, int]:
    """How many rows each model has, the log-in bookkeeping left out."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in LOG_IN_BOOKKEEPING
    }


def assert_sent_to_log_in(response, *, next_path: str | None = None) -> None:
    assert response.status_code == 302, response
    location = urlsplit(response["Location"])
    assert location.path == reverse(settings.LOGIN_URL), response["Location"]
    next_values = parse_qs(location.query).get("next")
    assert next_values, response["Location"]
    if next_path is not None:
        assert next_values == [next_path]


# Public pages and members' pages ---------------------------------------------------------------


@pytest.mark.parametrize("name", PUBLIC)
def test_a_public_page_is_open_to_visitors(world, name):
    response = Client().get(url_of(world, name))

    assert response.status_code in (200, 301, 302), response
    if response.status_code != 200:
        assert urlsplit(response["Location"]).path != reverse(settings.LOGIN_URL)


@pytest.mark.parametrize("name", PUBLIC)
def test_a_public_page_changes_nothing_when_posted_to(world, name):
    """Public pages are read with GET: a POST is refused, or changes nothing where the view
    answers every method alike (feeds, sitemaps)."""
    route = ROUTES[name]
    url = url_of(world, name)
    client = client_for(world.member)
    before = row_counts()

    response = client.post(url, {"body": "x"})

    if route.any_method:
        assert response.status_code in (200, 301, 302), response
    else:
        assert response.status_code == 405, response
    assert row_counts() == before


@pytest.mark.parametrize("name", LOGIN_PAGES)
def test_a_members_page_sends_visitors_to_log_in(world, name):
    url = url_of(world, name)

    assert_sent_to_log_in(Client().get(url), next_path=url)


# State-changing views --------------------------------------------------------------------------


@pytest.mark.parametrize("name", STATE_CHANGING)
def test_the_allowed_user_posting_with_a_csrf_token_changes_things(world, name):
    """The control for the refusals below: the table's POST, sent as it should be, works."""
    route = ROUTES[name]
    client = client_for(actor_of(world, route), enforce_csrf_checks=True)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    target = post_target(route, client, url_of(world, name))
    assert not route.effect(world, client)

    response = client.post(target, {**route.data(world), "csrfmiddlewaretoken": CSRF_SECRET})

    assert response.status_code in (200, 302), response
    assert route.effect(world, client)


@pytest.mark.parametrize("name", STATE_CHANGING)
def test_a_post_without_a_csrf_token_is_refused(world, name):
    route = ROUTES[name]
    client = client_for(actor_of(world, route), enforce_csrf_checks=True)
    target = post_target(route, client, url_of(world, name))

    response = client.post(target, route.data(world))

    assert response.status_code == 403, response
    assert not route.effect(world, client)


@pytest.mark.parametrize("name", STATE_CHANGING)
def test_a_get_changes_nothing(world, name):
    """State changes only on POST: a GET shows a form or a confirmation, or answers 405."""
    route = ROUTES[name]
    client = client_for(actor_of(world, route))

    response = client.get(url_of(world, name))

    assert response.status_code in ((200, 302) if route.get else (405,)), response
    assert not route.effect(world, client)


@pytest.mark.parametrize("name", LOGIN_POSTS)
def test_a_visitors_post_is_sent_to_log_in(world, name):
    route = ROUTES[name]
    client = Client()

    response = client.post(url_of(world, name), route.data(world))

    assert_sent_to_log_in(response)
    assert not route.effect(world, client)


@pytest.mark.parametrize(("name", "refusal"), REFUSALS)
def test_members_cannot_act_on_others_things_nor_moderate(world, name, refusal):
    """A member editing or deleting another's things, voting on or reporting their own, or
    doing a moderator's work is refused with 403 or 404, and nothing changes."""
    route = ROUTES[name]
    client = client_for(world.user(refusal.who))
    url = url_of(world, name)
    before = row_counts()

    if route.get:
        assert client.get(url).status_code in (403, 404), refusal.why
    if route.data is not None:
        response = client.post(url, route.data(world))
        assert response.status_code in (403, 404), refusal.why
        assert not route.effect(world, client)
    assert row_counts() == before


def test_the_review_and_profile_forms_change_only_the_members_own(world):
    """Their addresses name no one else: another member posting them changes only their own."""
    client = client_for(world.other)
    review_form = reverse("reviews:audience_review_form", kwargs={"slug": world.reviewed_film.slug})
    review = ROUTES["reviews:audience_review_form"].data(world)
    profile = ROUTES["accounts:profile_edit"].data(world)

    assert client.post(review_form, review).status_code == 302
    assert client.post(reverse("accounts:profile_edit"), profile).status_code == 302

    own_review = AudienceReview.objects.get(pk=world.own_review.pk)
    assert (own_review.rating, own_review.body) == (world.own_review.rating, world.own_review.body)
    others_review = AudienceReview.objects.get(film=world.reviewed_film, user=world.other)
    assert others_review.rating == Decimal("4.5")
    assert _fresh(world.member).display_name == world.member.display_name
    assert _fresh(world.other).display_name == profile["display_name"]


# The admin -------------------------------------------------------------------------------------


def _axes(model_name: str) -> Callable[[int], list]:
    return lambda n: [
        apps.get_model("axes", model_name).objects.create(username=f"someone{i}", **extra)
        for i in range(n)
        for extra in [{"failures_since_start": 1} if model_name == "AccessAttempt" else {}]
    ]


ADMIN_ROWS = {
    **ROWS,
    "axes.accessattempt": _axes("AccessAttempt"),
    "axes.accesslog": _axes("AccessLog"),
    "axes.accessfailurelog": _axes("AccessFailureLog"),
}

ADMIN_URLS = [
    pytest.param(
        model._meta.label_lower, pattern.name, sorted(pattern.pattern.converters), id=pattern.name
    )
    for model, model_admin in admin.site._registry.items()
    for pattern in model_admin.urls
    # Unnamed: the old `<id>/` address, which only redirects to the change page.
    if pattern.name is not None
]


def test_every_model_in_the_admin_has_a_row_maker():
    assert {model._meta.label_lower for model in admin.site._registry} == set(ADMIN_ROWS)


def test_the_admin_walk_includes_the_csv_import_and_export():
    names = {param.values[1] for param in ADMIN_URLS}
    for label in ("films_film", "reviews_criticreview"):
        assert {f"{label}_import", f"{label}_process_import", f"{label}_export"} <= names


@pytest.mark.parametrize(("label", "url_name", "kwarg_names"), ADMIN_URLS)
def test_the_admin_refuses_visitors_members_and_staff_without_permissions(
    member, label, url_name, kwarg_names
):
    """Every ModelAdmin URL (change list, add, change, delete, history, CSV import and export,
    a user's password) sends visitors and members who are not staff to the admin's log-in,
    and answers 403 to staff without the model's permissions; nobody here changes a row."""
    obj = ADMIN_ROWS[label](1)[0]
    url = reverse(f"admin:{url_name}", kwargs=dict.fromkeys(kwarg_names, obj.pk))
    staff = MemberFactory(is_staff=True)
    before = row_counts()

    for user in (None, member):
        response = client_for(user).get(url)
        assert response.status_code == 302, (user, response)
        assert response["Location"].startswith(f"{ADMIN_LOGIN}?next="), response["Location"]
    client = client_for(staff)
    # The import's confirmation step takes only POSTs.
    assert client.get(url).status_code == (405 if url_name.endswith("_process_import") else 403)
    assert client.post(url, {}).status_code == 403
    assert row_counts() == before
