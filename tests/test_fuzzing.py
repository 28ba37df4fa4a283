"""Fuzzing: hostile values in every form field and query parameter never get a server error.

The inventory below lists every page a visitor or member can GET (with the query parameters its
view reads) and every form they can send (with its fields and the query parameters the view
reads while handling it). The admin is left out. Two tests keep the inventory honest:

* `test_source_reads_no_query_parameter_missing_from_the_inventory` scans the apps' code and the
  templates for every use of `request.GET` and fails on a parameter name the inventory lacks, or
  on a use it cannot read a name from (a form bound to the query string must be listed in
  `GET_FORMS`; a use that only passes the whole query along must be listed in
  `WHOLE_QUERY_USES`).
* `test_views_read_only_the_parameters_the_inventory_lists` walks every page and form with a
  `QueryDict` that records each key a view asks for, which also catches reads the source scan
  cannot see (Django's own views: the sitemap's `p`, the log-out's `next`).

The fuzz tests then send hypothesis-made values (arbitrary text with NUL and odd characters,
10,000+ character strings, numbers out of range, floats, 1e309, empty values, repeated keys,
injection-looking strings, impossible dates, raw `%ff` in query strings, odd multipart bodies)
through the test client, which re-raises any exception a view lets escape. Pages must answer
200, 301, 302, 400 or 404; forms 200 with their errors or a redirect (the few views that answer
a bad POST with 400 are listed). Examples are derandomized, so CI runs the same ones each time.
"""

import re
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.http import QueryDict
from django.utils.encoding import force_bytes
from django.utils.functional import cached_property
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase
from PIL import Image

from films.forms import BrowseForm
from films.models import FilmRedirect
from forums import services as forum_services
from forums.models import MOVIE_FORUM_SLUG, Board
from reviews.models import RATING_CHOICES, ReportReason
from reviews.services import submit_audience_review
from tests.factories import (
    ArticleFactory,
    BoardFactory,
    CreditFactory,
    CriticFactory,
    CriticReviewFactory,
    FilmFactory,
    GenreFactory,
    MemberFactory,
    PersonFactory,
    PhotoFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent

# The inventory ---------------------------------------------------------------------------------
# Every GET page: who asks for it, its address ({names} filled from `make_site`) and the query
# parameters its view reads, each with a value that takes the view down its fullest path.
VISITOR, MEMBER, MODERATOR = "visitor", "member", "moderator"


@dataclass(frozen=True)
class Page:
    who: str
    url: str
    params: dict = field(default_factory=dict)


PAGES = {
    "home": Page(VISITOR, "/"),
    "healthz": Page(VISITOR, "/healthz"),
    "ping": Page(VISITOR, "/ping"),
    "robots": Page(VISITOR, "/robots.txt"),
    "sitemap": Page(VISITOR, "/sitemap.xml"),
    "sitemap_section": Page(VISITOR, "/sitemap-films.xml", {"p": "1"}),
    "film_list": Page(
        VISITOR,
        "/films/",
        {
            "genre": "{genre}",
            "decade": "2000",
            "year": "2008",
            "type": "wide",
            "acclaimed": "1",
            "sort": "critics",
            "page": "2",
        },
    ),
    "film_detail": Page(VISITOR, "/films/{film}/", {"critics": "top"}),
    "film_detail_member": Page(MEMBER, "/films/{film}/", {"critics": "top"}),
    # A former slug: the redirect middleware carries the query string along.
    "film_old_slug": Page(VISITOR, "/films/harbour/", {"critics": "top"}),
    "film_cast": Page(VISITOR, "/films/{film}/cast/"),
    "film_photos": Page(VISITOR, "/films/{film}/photos/", {"page": "2"}),
    "person": Page(VISITOR, "/people/{person}/", {"sort": "critics"}),
    "search": Page(VISITOR, "/search/", {"q": "Harbor", "type": "films", "page": "2"}),
    "search_suggest": Page(VISITOR, "/search/suggest/", {"q": "Harbor"}),
    "review_feed": Page(VISITOR, "/feeds/reviews/"),
    "film_critic_reviews": Page(
        VISITOR, "/films/{film}/reviews/", {"tab": "top", "sentiment": "fresh", "page": "2"}
    ),
    "film_review_feed": Page(VISITOR, "/films/{film}/reviews/feed/"),
    "film_audience_reviews": Page(
        MEMBER,
        "/films/{film}/audience-reviews/",
        {"sort": "helpful", "stars": "4", "spoilers": "hide", "page": "2"},
    ),
    "audience_review_form": Page(MEMBER, "/films/{film}/review/"),
    "audience_review_delete": Page(MEMBER, "/films/{film}/review/delete/"),
    "audience_review_detail": Page(VISITOR, "/audience-reviews/{review}/"),
    "audience_review_report": Page(MEMBER, "/audience-reviews/{review}/report/", {"next": "/"}),
    "critic_list": Page(VISITOR, "/critics/", {"top": "1", "page": "2"}),
    "critic": Page(VISITOR, "/critics/{critic}/", {"page": "2"}),
    "publication": Page(VISITOR, "/publications/{publication}/", {"page": "2"}),
    "forums": Page(VISITOR, "/forums/"),
    "following": Page(MEMBER, "/forums/following/", {"page": "2"}),
    "post_permalink": Page(VISITOR, "/forums/posts/{other_post}/"),
    "post_edit": Page(MEMBER, "/forums/posts/{own_post}/edit/"),
    "post_delete": Page(MEMBER, "/forums/posts/{own_post}/delete/"),
    "post_report": Page(MEMBER, "/forums/posts/{other_post}/report/"),
    "post_revisions": Page(MODERATOR, "/forums/posts/{other_post}/revisions/"),
    "reply": Page(MEMBER, "/forums/threads/{thread}/reply/", {"quote": "{other_post}"}),
    "thread_move": Page(MODERATOR, "/forums/threads/{thread}/move/"),
    "thread_unread": Page(MEMBER, "/forums/threads/{thread}/unread/"),
    "thread_latest": Page(VISITOR, "/forums/threads/{thread}/latest/"),
    "board": Page(VISITOR, "/forums/{board}/", {"page": "2"}),
    "thread_new": Page(MEMBER, "/forums/{board}/new/"),
    "thread": Page(MEMBER, "{thread_url}", {"page": "2"}),
    "thread_visitor": Page(VISITOR, "{thread_url}", {"page": "2"}),
    # A former title or board: the thread page redirects with the query string.
    "thread_old_address": Page(VISITOR, "/forums/old-board/{thread}-old-title/", {"page": "2"}),
    "film_discussion": Page(VISITOR, "/films/{film}/discussion/", {"page": "2"}),
    "film_thread_new": Page(MEMBER, "/films/{film}/discussion/new/"),
    "news": Page(VISITOR, "/news/", {"page": "2"}),
    "article": Page(VISITOR, "/news/{article}/"),
    "news_feed": Page(VISITOR, "/feeds/news/"),
    "login": Page(VISITOR, "/accounts/login/", {"next": "/films/"}),
    "signup": Page(VISITOR, "/accounts/signup/", {"next": "/films/"}),
    "password_change": Page(MEMBER, "/accounts/password/change/"),
    "password_change_done": Page(MEMBER, "/accounts/password/change/done/"),
    "password_reset": Page(VISITOR, "/accounts/password/reset/", {"next": "/films/"}),
    "password_reset_done": Page(VISITOR, "/accounts/password/reset/done/"),
    "password_reset_confirm": Page(VISITOR, "/accounts/reset/{uid}/{token}/"),
    "password_reset_complete": Page(VISITOR, "/accounts/reset/done/"),
    "profile_edit": Page(MEMBER, "/accounts/profile/"),
    "profile": Page(VISITOR, "/users/{member}/", {"page": "2"}),
    "profile_posts": Page(VISITOR, "/users/{member}/posts/", {"page": "2"}),
}


@dataclass(frozen=True)
class Form:
    who: str
    url: str
    fields: tuple[str, ...]
    query: tuple[str, ...] = ()  # query parameters the view reads while taking the POST
    statuses: frozenset = frozenset({200, 302})  # besides these, none is expected


FORMS = {
    "signup": Form(
        VISITOR,
        "/accounts/signup/",
        ("username", "email", "password1", "password2", "next"),
        query=("next",),
    ),
    "login": Form(VISITOR, "/accounts/login/", ("username", "password", "next"), ("next",)),
    "logout": Form(MEMBER, "/accounts/logout/", ("next",), ("next",)),
    # Its page links to the log-in page with the `next` it was given.
    "password_reset": Form(VISITOR, "/accounts/password/reset/", ("email",), ("next",)),
    "password_reset_confirm": Form(
        VISITOR, "/accounts/reset/{uid}/set-password/", ("new_password1", "new_password2")
    ),
    "password_change": Form(
        MEMBER, "/accounts/password/change/", ("old_password", "new_password1", "new_password2")
    ),
    "profile_edit": Form(
        MEMBER, "/accounts/profile/", ("display_name", "bio", "avatar", "remove_avatar")
    ),
    "audience_review": Form(MEMBER, "/films/{film}/review/", ("rating", "body", "has_spoilers")),
    "audience_review_delete": Form(MEMBER, "/films/{film}/review/delete/", ()),
    "review_helpful": Form(
        MEMBER, "/audience-reviews/{review}/helpful/", ("helpful", "next"), ("next",)
    ),
    "review_report": Form(
        MEMBER, "/audience-reviews/{review}/report/", ("reason", "details", "next"), ("next",)
    ),
    "thread_new": Form(MEMBER, "/forums/{board}/new/", ("title", "body", "preview")),
    "film_thread_new": Form(MEMBER, "/films/{film}/discussion/new/", ("title", "body", "preview")),
    "reply": Form(MEMBER, "/forums/threads/{thread}/reply/", ("body", "preview"), ("quote",)),
    "post_edit": Form(MEMBER, "/forums/posts/{own_post}/edit/", ("body", "preview")),
    "first_post_edit": Form(
        MEMBER, "/forums/posts/{own_first_post}/edit/", ("title", "body", "preview")
    ),
    "post_delete": Form(MEMBER, "/forums/posts/{own_post}/delete/", ()),
    "post_report": Form(MEMBER, "/forums/posts/{other_post}/report/", ("reason", "details")),
    "thread_follow": Form(
        MEMBER, "/forums/threads/{thread}/follow/", ("following", "next"), ("next",)
    ),
    "post_hide": Form(MODERATOR, "/forums/posts/{other_post}/hide/", ("hidden",)),
    # An unknown action, or a board that is not one, is the client's mistake: 400.
    "thread_moderate": Form(
        MODERATOR,
        "/forums/threads/{thread}/moderate/",
        ("action",),
        statuses=frozenset({302, 400}),
    ),
    "thread_move": Form(
        MODERATOR,
        "/forums/threads/{thread}/move/",
        ("board",),
        statuses=frozenset({200, 302, 400}),
    ),
}

# Forms bound to the whole query string: their fields are the page's parameters.
GET_FORMS = {"BrowseForm": ("film_list", BrowseForm)}
# Uses of request.GET that read no parameter by name: they pass the whole query along.
WHOLE_QUERY_USES = {
    # The page cache compares each parameter sent with the values the page takes.
    ("reviewsite/pagecache.py", "request.GET.getlist(name)"),
    ("reviewsite/pagecache.py", "request.GET\n"),
    # The thread page keeps the query when it redirects to the thread's current address.
    ("forums/views.py", "request.GET.urlencode()"),
    ("forums/views.py", "request.GET else"),
}
PAGE_STATUSES = {200, 301, 302, 400, 404}


def make_site() -> dict[str, str]:
    """One of everything the pages show; returns the values their addresses are made from."""
    member = MemberFactory(username="mina")
    other = MemberFactory(username="otto")
    moderator = MemberFactory(username="mo", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    genre = GenreFactory(name="Drama")
    film = FilmFactory(title="Harbor", genres=[genre])
    FilmRedirect.objects.create(old_slug="harbour", film=film)
    person = PersonFactory(name="Ada Actor")
    CreditFactory(film=film, person=person)
    PhotoFactory(film=film)
    publication = PublicationFactory()
    critic = CriticFactory(publications=[publication])
    CriticReviewFactory(film=film, critic=critic, publication=publication)
    review = submit_audience_review(
        film=film, user=other, rating=RATING_CHOICES[7][0], body="Fine.", has_spoilers=False
    )
    submit_audience_review(
        film=film, user=member, rating=RATING_CHOICES[3][0], body="Meh.", has_spoilers=False
    )
    movie_forum = Board.objects.get(slug=MOVIE_FORUM_SLUG)
    BoardFactory(name="Off Topic")
    thread = forum_services.start_thread(
        board=movie_forum, film=film, author=other, title="The ending", body="Earned?"
    )
    other_post = forum_services.reply(thread=thread, author=other, body="Well...")
    own_post = forum_services.reply(thread=thread, author=member, body="Yes.")
    own_thread = forum_services.start_thread(
        board=movie_forum, author=member, title="Mine", body="First."
    )
    article = ArticleFactory(films=[film])
    return {
        "member": member.username,
        "genre": genre.slug,
        "film": film.slug,
        "person": person.slug,
        "critic": critic.slug,
        "publication": publication.slug,
        "review": str(review.pk),
        "board": movie_forum.slug,
        "board_pk": str(movie_forum.pk),
        "thread": str(thread.pk),
        "thread_url": thread.get_absolute_url(),
        "other_post": str(other_post.pk),
        "own_post": str(own_post.pk),
        "own_first_post": str(own_thread.posts.get().pk),
        "article": article.slug,
        "uid": urlsafe_base64_encode(force_bytes(member.pk)),
        "token": default_token_generator.make_token(member),
    }


def log_in(client, who: str) -> None:
    from accounts.models import User

    if who != VISITOR:
        client.force_login(User.objects.get(username={MEMBER: "mina", MODERATOR: "mo"}[who]))


def fresh_allowances() -> None:
    """Each example starts with the rate limits, flood wait and page cache untouched."""
    cache.clear()


def enter_password_reset(client, site: dict) -> None:
    """The emailed link puts its token in the session and sends on to the form."""
    from accounts.models import User

    # Made now: a token lapses when the member logs in.
    token = default_token_generator.make_token(User.objects.get(username=site["member"]))
    response = client.get(f"/accounts/reset/{site['uid']}/{token}/")
    assert response.status_code == 302


# Hostile values --------------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "%00",
    "\u202e\u200b\ufeff",
    "\U0001f600",
    "ǅİß",
    "\r\nSet-Cookie: x=1",
    "'",
    '"',
    "' OR 1=1 --",
    "1; DROP TABLE films_film; --",
    "<script>alert(1)</script>",
    "{{ 7|add:7 }}{% debug %}",
    "${7*7}",
    "../../../../etc/passwd",
    "\\",
    "//evil.example.com",
    "https://evil.example.com/",
    "javascript:alert(1)",
    "%ff",
    "%",
    "-1",
    "0",
    "00",
    "1",
    "2",
    "-0",
    "1.5",
    "4.0",
    "1e309",
    "-1e309",
    "inf",
    "nan",
    "0x10",
    "1_000",
    "١٢",
    "²",
    str(2**31),
    str(2**63),
    str(2**64),
    "9" * 30,
    "1" * 5000,
    "1869",
    "2101",
    "2024-02-30",
    "0000-00-00",
    "9999-12-31T25:61:61",
    "true",
    "on",
    "None",
    "null",
    "[]",
    "{}",
]
long_text = st.builds(
    lambda unit, count: unit * count,
    st.sampled_from(["a", "\x00", "é", "9", "<", "\U0001d518", "a b "]),
    st.integers(10_000, 12_000),
)
numbers = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats().map(str),
    st.decimals(allow_nan=True).map(str),
)
# Any text but lone surrogates, which no UTF-8 request can carry: NUL and control characters in.
any_text = st.text(st.characters(codec="utf-8"), max_size=40)
# Short strings of the characters that break things most, so that they come up often.
sharp_text = st.text(st.sampled_from("\x00a é<'\"%&=;\r\n\\\u202e"), max_size=12)
scalar = st.one_of(st.sampled_from(NASTY), any_text, sharp_text, numbers, long_text)
# A value, or the same key repeated.
hostile = st.one_of(scalar, st.lists(scalar, min_size=2, max_size=3))


def _png(size=(8, 8)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, "navy").save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()
upload = st.builds(
    lambda content, name, kind: SimpleUploadedFile(name, content, content_type=kind),
    st.one_of(
        st.just(PNG),
        st.binary(max_size=200),
        st.builds(lambda n: PNG[:n], st.integers(0, len(PNG))),
        st.just(b"GIF89a" + PNG),
        st.just(b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
    ),
    st.one_of(
        st.sampled_from(["a.png", "../../x.png", "x.php.png", ".png", "a" * 300 + ".png", "é.png"]),
        st.text(st.characters(codec="utf-8", exclude_characters='\r\n"\\'), min_size=1),
    ),
    st.sampled_from(["image/png", "text/html", "application/octet-stream", ""]),
)


def plausible(name: str, site: dict) -> st.SearchStrategy:
    """Values that pass a field's validation now and then, so the fuzz reaches the services."""
    ratings = [str(value) for value, _ in RATING_CHOICES]
    choices = {
        "rating": ratings,
        "reason": list(ReportReason.values),
        "action": ["lock", "unlock", "pin", "unpin"],
        "board": [site["board_pk"], "999999"],
        "helpful": ["0", "1"],
        "following": ["0", "1"],
        "hidden": ["0", "1"],
        "has_spoilers": ["on"],
        "remove_avatar": ["on"],
        "preview": ["1"],
        "next": ["/films/", f"/films/{site['film']}/", "/accounts/login/", "//evil.example.com"],
        "quote": [site["other_post"], site["own_post"]],
        "email": ["mina@example.com", "new@example.com", "MINA@EXAMPLE.COM"],
        "old_password": ["correct horse battery staple"],
    }
    if name in choices:
        return st.sampled_from(choices[name])
    if name == "username":
        return st.from_regex(r"[\w.@+-]{1,30}", fullmatch=True)
    if name == "avatar":
        return upload
    return st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=80)


def field_value(name: str, site: dict) -> st.SearchStrategy:
    return st.one_of(plausible(name, site), hostile)


def query_for(names, site: dict) -> st.SearchStrategy:
    """Some of the page's parameters (and a stranger) with hostile or plausible values."""
    keys = st.sampled_from([*names, "x"]) if names else st.just("x")
    return st.dictionaries(keys, st.one_of(hostile, *(plausible(n, site) for n in names)))


# Fuzzing the pages -----------------------------------------------------------------------------

PAGE_GROUPS = {
    "films": [
        "home",
        "film_list",
        "film_detail",
        "film_detail_member",
        "film_old_slug",
        "film_cast",
        "film_photos",
        "person",
        "search",
        "search_suggest",
        "film_discussion",
        "film_thread_new",
    ],
    "reviews": [
        "review_feed",
        "film_critic_reviews",
        "film_review_feed",
        "film_audience_reviews",
        "audience_review_form",
        "audience_review_delete",
        "audience_review_detail",
        "audience_review_report",
        "critic_list",
        "critic",
        "publication",
    ],
    "forums": [
        "forums",
        "following",
        "post_permalink",
        "post_edit",
        "post_delete",
        "post_report",
        "post_revisions",
        "reply",
        "thread_move",
        "thread_unread",
        "thread_latest",
        "board",
        "thread_new",
        "thread",
        "thread_visitor",
        "thread_old_address",
    ],
    "accounts": [
        "healthz",
        "ping",
        "robots",
        "sitemap",
        "sitemap_section",
        "news",
        "article",
        "news_feed",
        "login",
        "signup",
        "password_change",
        "password_change_done",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "profile_edit",
        "profile",
        "profile_posts",
    ],
}


def test_every_page_is_in_a_fuzzed_group():
    grouped = [name for names in PAGE_GROUPS.values() for name in names]
    assert sorted(grouped) == sorted(PAGES)


def assert_page_answers(response, what: str) -> None:
    assert response.status_code in PAGE_STATUSES, (what, response.status_code)


class PageFuzzTests(HypothesisTestCase):
    """Each example asks for every page of a group with hostile query parameters."""

    @classmethod
    def setUpTestData(cls):
        cls.site = make_site()

    def _fuzz_group(self, group: str, data) -> None:
        fresh_allowances()
        as_member = data.draw(st.booleans(), label="visitor pages as a member")
        logged_in = None
        for name in PAGE_GROUPS[group]:
            page = PAGES[name]
            who = MEMBER if page.who == VISITOR and as_member else page.who
            if who != logged_in:
                self.client.logout()
                log_in(self.client, who)
                logged_in = who
            url = page.url.format(**self.site)
            params = data.draw(query_for(list(page.params), self.site), label=name)
            assert_page_answers(self.client.get(url, params), f"{url} {params!r}")

    @settings(max_examples=15, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def test_film_pages(self, data):
        self._fuzz_group("films", data)

    @settings(max_examples=15, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def test_review_pages(self, data):
        self._fuzz_group("reviews", data)

    @settings(max_examples=15, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def test_forum_pages(self, data):
        self._fuzz_group("forums", data)

    @settings(max_examples=15, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def test_account_and_news_pages(self, data):
        self._fuzz_group("accounts", data)

    # Raw query strings: what a browser or a script may send that urlencode() never makes.
    raw_query = st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "page",
                    "q",
                    "sort",
                    "next",
                    "=",
                    "&",
                    ";",
                    "%",
                    "%ff",
                    "%fe%ff",
                    "%00",
                    "%c3",
                    "%c3%28",
                    "%e2%82",
                    "%zz",
                    "+",
                    "%2B",
                    "%26",
                    "%3D",
                    "[]",
                    "1",
                    "\u00e9",
                ]
            ),
            st.binary(min_size=1, max_size=8).map(lambda b: "".join(f"%{x:02x}" for x in b)),
        ),
        max_size=12,
    ).map("".join)

    @settings(max_examples=20, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def test_raw_query_strings(self, data):
        fresh_allowances()
        names = data.draw(st.lists(st.sampled_from(sorted(PAGES)), min_size=6, max_size=6))
        for name in names:
            page = PAGES[name]
            self.client.logout()
            log_in(self.client, page.who)
            # Named parameters with raw, possibly non-UTF-8, values, then anything at all.
            param = data.draw(st.sampled_from([*page.params, "x"]))
            for query in (f"{param}={data.draw(self.raw_query)}", data.draw(self.raw_query)):
                url = f"{page.url.format(**self.site)}?{query}"
                assert_page_answers(self.client.get(url), url)

    @settings(max_examples=20, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    @given(
        pk=st.one_of(st.integers(0, 10**40), st.just(2**63), st.just(2**31)),
        slug=st.from_regex(r"[-a-zA-Z0-9_]{1,60}", fullmatch=True),
        username=st.text(st.characters(codec="utf-8"), min_size=1, max_size=40),
        segment=st.text(st.characters(codec="utf-8"), min_size=1, max_size=60),
    )
    def test_odd_addresses(self, pk, slug, username, segment):
        """Numbers out of range, unknown slugs, names and reset links find nothing: 404s."""
        fresh_allowances()
        for url in (
            f"/audience-reviews/{pk}/",
            f"/forums/posts/{pk}/",
            f"/forums/threads/{pk}/latest/",
            f"/forums/{slug}/{pk}-{slug}/",
            f"/films/{slug}/",
            f"/films/{slug}/audience-reviews/",
            f"/people/{slug}/",
            f"/news/{slug}/",
            f"/sitemap-{slug}.xml",
            f"/users/{quote(username, safe='')}/",
            f"/accounts/reset/{quote(segment, safe='')}/{quote(segment, safe='')}/",
        ):
            assert_page_answers(self.client.get(url), url)


# Fuzzing the forms -----------------------------------------------------------------------------


class FormFuzzTests(HypothesisTestCase):
    """Each form, as the member it is for, with hostile fields and query parameters."""

    @classmethod
    def setUpTestData(cls):
        cls.site = make_site()

    def _post(self, name: str, fields: dict, query: dict):
        form = FORMS[name]
        fresh_allowances()
        log_in(self.client, form.who)
        if name == "password_reset_confirm":
            enter_password_reset(self.client, self.site)
        url = form.url.format(**self.site)
        if query:
            url += "?" + "&".join(
                f"{quote(k)}={quote(v)}"
                for k, values in query.items()
                for v in (values if isinstance(values, list) else [values])
            )
        response = self.client.post(url, fields)
        assert response.status_code in form.statuses, (name, fields, query, response.status_code)
        return response


def _form_test(name: str):
    form = FORMS[name]

    @settings(max_examples=15, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def test(self, data):
        fields = data.draw(
            st.fixed_dictionaries(
                {},
                optional={n: field_value(n, self.site) for n in form.fields} | {"extra": hostile},
            ),
            label="fields",
        )
        query = data.draw(query_for(list(form.query), self.site), label="query")
        self._post(name, fields, query)

    test.__name__ = f"test_{name}_form"
    return test


for _name in FORMS:
    setattr(FormFuzzTests, f"test_{_name}_form", _form_test(_name))


class MultipartFuzzTests(HypothesisTestCase):
    """Request bodies no browser would send: broken multipart, odd encodings, bad headers."""

    @classmethod
    def setUpTestData(cls):
        cls.site = make_site()

    part = st.builds(
        lambda disposition, headers, content: (
            b"Content-Disposition: " + disposition + b"\r\n" + headers + b"\r\n" + content
        ),
        st.one_of(
            st.sampled_from(
                [
                    b'form-data; name="body"',
                    b'form-data; name="avatar"; filename="a.png"',
                    b'form-data; name="avatar"; filename="../../etc/passwd"',
                    b'form-data; name="avatar"; filename="\x00.png"',
                    b"form-data; name*=UTF-8''%ff%fe",
                    b"form-data; name=\"title\"; filename*=UTF-8''%c3%28",
                    b"form-data",
                    b"attachment",
                    b'form-data; name="\xff\xfe"',
                    b"",
                ]
            ),
            st.binary(max_size=40),
        ),
        st.sampled_from(
            [
                b"",
                b"Content-Type: image/png\r\n",
                b"Content-Type: text/plain; charset=nonexistent\r\n",
                b"Content-Transfer-Encoding: base64\r\n",
                b"Content-Type: text/plain; charset=utf-16\r\n",
                b"X: " + b"y" * 5000 + b"\r\n",
            ]
        ),
        st.one_of(st.binary(max_size=100), st.just(PNG), st.just(b"=?utf-8?b?///=?=")),
    )
    body = st.one_of(
        st.binary(max_size=300),
        st.builds(
            lambda parts, end: b"--B\r\n" + b"\r\n--B\r\n".join(parts) + end,
            st.lists(part, min_size=1, max_size=4),
            st.sampled_from([b"\r\n--B--\r\n", b"", b"\r\n--B", b"--B--", b"\r\n--C--\r\n"]),
        ),
    )
    content_type = st.sampled_from(
        [
            "multipart/form-data; boundary=B",
            "multipart/form-data",
            "multipart/form-data; boundary=",
            "multipart/form-data; boundary=" + "B" * 300,
            "multipart/form-data; boundary=B; charset=nonexistent",
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=nonexistent",
            "application/x-www-form-urlencoded; charset=utf-16",
            "text/plain",
            "application/json",
        ]
    )

    @settings(max_examples=60, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def test_odd_bodies(self, data):
        fresh_allowances()
        name = data.draw(st.sampled_from(sorted(FORMS)), label="form")
        form = FORMS[name]
        log_in(self.client, form.who)
        if name == "password_reset_confirm":
            enter_password_reset(self.client, self.site)
        body = data.draw(self.body, label="body")
        content_type = data.draw(self.content_type, label="content type")
        # generic() sends the bytes as they are (post() would re-encode them by the charset).
        url = form.url.format(**self.site)
        response = self.client.generic("POST", url, body, content_type=content_type)
        # A body Django cannot parse is a 400 from the request itself.
        assert response.status_code in form.statuses | {400}, (name, response.status_code)


# The classics, everywhere ----------------------------------------------------------------------
# Hypothesis rarely puts one exact value in one exact parameter; these go into every parameter of
# every page and every field of every form, so that none is missed (a NUL reaching a query on
# PostgreSQL, a number past the database's integers, a value past a column's length).
SWEEP = {
    "nul": "\x00",
    "nul-inside": "a\x00b",
    "long": "é" * 10_001,
    "long-digits": "9" * 10_000,  # past Python's 4,300-digit limit for int()
    "overflow": "1e309",
    "negative": "-1",
    "huge": str(2**64),
    "empty": "",
    "repeated": ["2", "\x00"],
    "not-ascii-digits": "²١",
    "raw-ff": "%ff",  # sent as it is in the query string: not UTF-8
    "raw-nul": "%00",
    "raw-broken": "%c3%28%",
}


def _query_string(names, value) -> str:
    raw = isinstance(value, str) and value.startswith("%")
    values = value if isinstance(value, list) else [value]
    return "&".join(
        f"{quote(n)}={value if raw else quote(v)}" for n in [*names, "x"] for v in values
    )


@pytest.mark.parametrize("value", SWEEP.values(), ids=SWEEP.keys())
def test_every_parameter_and_field_takes_the_classic_hostile_values(client, value):
    site = make_site()
    for name, page in PAGES.items():
        client.logout()
        log_in(client, page.who)
        fresh_allowances()
        url = f"{page.url.format(**site)}?{_query_string(page.params, value)}"
        assert_page_answers(client.get(url), name)
    for name, form in FORMS.items():
        client.logout()
        log_in(client, form.who)
        fresh_allowances()
        if name == "password_reset_confirm":
            enter_password_reset(client, site)
        url = f"{form.url.format(**site)}?{_query_string(form.query, value)}"
        fields = dict.fromkeys(form.fields, value)
        response = client.post(url, fields)
        assert response.status_code in form.statuses, (name, response.status_code)


# Keeping the inventory honest ------------------------------------------------------------------

SOURCE_DIRS = ("accounts", "films", "reviews", "forums", "news", "reviewsite")
NAMED_READ = re.compile(
    r"""request\.GET(?:\.get|\.getlist|\.pop)?\s*[\[(]\s*["'](?P<name>[^"']+)["']"""
)
CONTAINED = re.compile(r"""["'](?P<name>[^"']+)["']\s+(?:not\s+)?in\s+$""")
FORM_BOUND = re.compile(r"(?P<form>\w+)\(\s*request\.GET\b")
TEMPLATE_READ = re.compile(r"request\.GET\.(?P<name>\w+)")


def inventory_params() -> set[str]:
    return {p for page in PAGES.values() for p in page.params} | {
        q for form in FORMS.values() for q in form.query
    }


def test_source_reads_no_query_parameter_missing_from_the_inventory():
    known = inventory_params()
    unknown, unexplained = [], []
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            source = path.read_text()
            for use in re.finditer(r"request\.GET\b", source):
                line_start = source.rfind("\n", 0, use.start()) + 1
                line_end = source.find("\n", use.end())
                line = source[line_start:line_end]
                rest = source[use.start() : line_end + 1]
                before = line[: use.start() - line_start]
                named = NAMED_READ.match(rest) or CONTAINED.search(before)
                if named:
                    if named["name"] not in known:
                        unknown.append(f"{relative}: {named['name']}")
                elif (bound := FORM_BOUND.search(line)) and bound["form"] in GET_FORMS:
                    page_name, form_class = GET_FORMS[bound["form"]]
                    missing = set(form_class.base_fields) - set(PAGES[page_name].params)
                    unknown.extend(f"{relative}: {bound['form']}.{f}" for f in sorted(missing))
                elif not any(
                    relative == file and rest.startswith(fragment)
                    for file, fragment in WHOLE_QUERY_USES
                ):
                    unexplained.append(f"{relative}: {line.strip()}")
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.is_file():
            for name in TEMPLATE_READ.findall(path.read_text()):
                if name not in known:
                    unknown.append(f"{path.relative_to(ROOT)}: {name}")
    assert not unknown, f"Query parameters read but not in the fuzz inventory: {unknown}"
    assert not unexplained, f"Uses of request.GET the inventory check cannot read: {unexplained}"


class RecordingQueryDict(QueryDict):
    """A query string that notes every key a view asks it for."""

    asked: set[str] = set()

    def __getitem__(self, key):
        RecordingQueryDict.asked.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        RecordingQueryDict.asked.add(key)
        return super().__contains__(key)

    def _getlist(self, key, *args, **kwargs):
        RecordingQueryDict.asked.add(key)
        return super()._getlist(key, *args, **kwargs)


def _recording_get(request):
    return RecordingQueryDict(request.environ.get("QUERY_STRING", ""), encoding=request._encoding)


@pytest.fixture
def recorded_queries():
    recording = cached_property(_recording_get)
    recording.__set_name__(WSGIRequest, "GET")
    with mock.patch.object(WSGIRequest, "GET", recording):
        yield RecordingQueryDict.asked


def test_views_read_only_the_parameters_the_inventory_lists(client, recorded_queries):
    site = make_site()
    surprises = {}

    def check(what, allowed, method, url, data=None):
        recorded_queries.clear()
        fresh_allowances()
        response = method(url, data)
        assert response.status_code < 500, what
        if extra := recorded_queries - set(allowed):
            surprises[what] = sorted(extra)

    for name, page in PAGES.items():
        client.logout()
        log_in(client, page.who)
        url = page.url.format(**site)
        params = {k: v.format(**site) for k, v in page.params.items()}
        check(name, page.params, client.get, url)
        check(name, page.params, client.get, url, params)
    for name, form in FORMS.items():
        client.logout()
        log_in(client, form.who)
        if name == "password_reset_confirm":
            enter_password_reset(client, site)
        url = form.url.format(**site)
        check(f"POST {name}", form.query, client.post, url, {})
    assert not surprises, f"Views read query parameters the fuzz inventory lacks: {surprises}"


def test_the_inventory_check_sees_an_unlisted_parameter(client, recorded_queries):
    """The recorder is not blind: a read of a parameter shows up."""
    client.get("/search/", {"q": "x"})
    assert {"q", "type"} <= recorded_queries


# Regressions the fuzzing found -----------------------------------------------------------------


@pytest.mark.parametrize("bad_next", ["a b", "films", "home", "?page=2"])
def test_a_next_that_is_not_an_address_falls_back_to_the_default(client, member, bad_next):
    """`redirect()` took a bare word for a view's name: NoReverseMatch, a server error."""
    review = submit_audience_review(
        film=FilmFactory(), user=MemberFactory(), rating=None, body="Fine.", has_spoilers=False
    )
    thread = forum_services.start_thread(
        board=Board.objects.get(slug=MOVIE_FORUM_SLUG), author=member, title="T", body="B"
    )
    client.force_login(member)
    response = client.post(f"/audience-reviews/{review.pk}/helpful/", {"next": bad_next})
    assert response["Location"] == review.get_absolute_url()
    response = client.post(f"/forums/threads/{thread.pk}/follow/?next={quote(bad_next)}")
    assert response["Location"] == thread.get_absolute_url()
    client.logout()
    password = "a long unusual passphrase 71"
    signup = {"username": "newbie", "email": "newbie@example.com", "next": bad_next}
    response = client.post(
        "/accounts/signup/", {**signup, "password1": password, "password2": password}
    )
    assert response["Location"] == "/"


def test_an_over_long_username_is_refused_before_django_axes_records_it(client, member):
    """Django never checked the log-in name's length: axes stored it in a 255-character column,
    which PostgreSQL refuses with a server error (SQLite takes it)."""
    from axes.models import AccessAttempt

    response = client.post("/accounts/login/", {"username": "a" * 300, "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not AccessAttempt.objects.exists()


def test_a_quote_number_past_any_post_opens_an_empty_reply(client, member):
    """`?quote=` with thousands of digits made int() raise past Python's 4,300-digit limit."""
    thread = forum_services.start_thread(
        board=Board.objects.get(slug=MOVIE_FORUM_SLUG), author=member, title="T", body="B"
    )
    client.force_login(member)
    for number in ("9" * 5000, str(2**64)):
        response = client.get(f"/forums/threads/{thread.pk}/reply/", {"quote": number})
        assert response.status_code == 200
        assert response.context["form"]["body"].value() in (None, "")
