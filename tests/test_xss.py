"""Every page where members' or editors' text appears, with each known XSS vector in every such
field at once, leaves no markup a browser would run (parsed by tests.html_safety, not grepped).

One world is built per vector: a film, its genre, cast and crew, photo, critic reviews, audience
reviews with spoilers, members whose names and bios are the vector, a board, threads, posts,
reports and an article. Then the pages showing that text are fetched, as a visitor, as the
member who wrote the text, as a moderator and in the admin: the film's pages for every vector,
each other page for a share of them (see GROUPS). Query parameters pages echo get the vector
too, and so do the log-in, sign-up and password-reset forms sent back with errors.
"""

import datetime
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from html import unescape
from types import SimpleNamespace
from urllib.parse import quote, urlencode

import factory
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from films.models import Credit, Film, Genre
from films.search import normalize_query
from forums import services as forum_services
from forums.models import MOVIE_FORUM_SLUG, Board, PostReport
from news.models import Article
from reviews.models import ReviewReport, Sentiment
from reviews.scores import record_scores, refresh_film_scores
from reviews.tallies import rebuild_counts
from tests.factories import (
    ArticleFactory,
    AudienceReviewFactory,
    CreditFactory,
    CriticFactory,
    CriticReviewFactory,
    FilmFactory,
    MemberFactory,
    PersonFactory,
    PhotoFactory,
    PublicationFactory,
)
from tests.html_safety import executable_markup, tags, xss_vectors

pytestmark = pytest.mark.django_db
VECTORS = xss_vectors()
User = get_user_model()


def fit(text: str, model, field: str) -> str:
    """`text` cut to what the field holds, as its form would insist."""
    max_length = model._meta.get_field(field).max_length
    return text[:max_length] if max_length else text


@pytest.fixture(autouse=True)
def _scores_from_one_review(settings):
    """A Critics Score and an Audience Score from this world's few reviews, so the pages show
    the score panels and the film page its Score History chart (the film's title is in it)."""
    settings.SCORES_MIN_CRITIC_REVIEWS = 1
    settings.SCORES_MIN_AUDIENCE_RATINGS = 1
    settings.FORUM_FLOOD_SECONDS = 0


@pytest.fixture
def boss(db):
    """A superuser: a moderator on the site's pages and an editor with every admin page."""
    return MemberFactory(username="boss", is_staff=True, is_superuser=True)


def build_world(vector: str) -> SimpleNamespace:
    """Every text field members and editors fill in, each holding `vector`."""
    genre = Genre.objects.create(name=fit(vector, Genre, "name"))
    film = FilmFactory(
        title=vector,
        synopsis=vector,
        consensus=fit(vector, Film, "consensus"),
        genres=[genre],
        release_date=datetime.date(2008, 5, 2),
        release_type="wide",
    )
    person = PersonFactory(name=vector, bio=vector)
    CreditFactory(film=film, person=person, role=Credit.Role.CAST, character=vector)
    CreditFactory(film=film, person=person, role=Credit.Role.DIRECTOR)
    photo = PhotoFactory(film=film, caption=vector, alt_text=vector)
    publication = PublicationFactory(name=vector)
    critic = CriticFactory(name=vector, bio=vector, is_top_critic=True, publications=[publication])
    critic_review = CriticReviewFactory(
        film=film,
        critic=critic,
        publication=publication,
        excerpt=vector,
        original_score=vector[:20],
    )
    # A review known only by its publication: the JSON-LD names an Organization as its author.
    unsigned_review = CriticReviewFactory(
        film=film, critic=None, publication=publication, excerpt=vector, sentiment=Sentiment.ROTTEN
    )
    # A member with a display name, and one shown by their full name.
    writer = MemberFactory(
        display_name=fit(vector, User, "display_name"),
        bio=vector,
        first_name=fit(vector, User, "first_name"),
    )
    other = MemberFactory(
        first_name=fit(vector, User, "first_name"), last_name=fit(vector, User, "last_name")
    )
    review = AudienceReviewFactory(film=film, user=writer, body=vector, rating=Decimal("4.5"))
    spoiler_review = AudienceReviewFactory(
        film=film,
        user=other,
        body=f"{vector}\n\nThe end: ||{vector}||",
        has_spoilers=True,
        rating=Decimal("2.0"),
    )
    ReviewReport.objects.create(
        review=spoiler_review, reporter=writer, reason="spam", details=vector
    )

    title = vector[:200].strip() or "x"
    board = Board.objects.create(
        name=fit(vector, Board, "name"), description=fit(vector, Board, "description"), order=9
    )
    thread = forum_services.start_thread(board=board, author=writer, title=title, body=vector)
    reply = forum_services.reply(thread=thread, author=other, body=f"Quoting:\n\n{vector}")
    forum_services.edit_post(post=reply, user=other, body=f"{vector}\n\nEdited.")
    film_thread = forum_services.start_thread(
        board=Board.objects.get(slug=MOVIE_FORUM_SLUG),
        author=other,
        title=title,
        body=vector,
        film=film,
    )
    PostReport.objects.create(post=reply, reporter=writer, reason="spam", details=vector)

    article = ArticleFactory(
        title=vector,
        lead=fit(vector, Article, "lead"),
        body=vector,
        image=factory.django.ImageField(width=4, height=3, filename="news.png"),
        image_alt=fit(vector, Article, "image_alt"),
        author=writer,
        films=[film],
    )
    refresh_film_scores(film=film)
    rebuild_counts()
    record_scores(day=timezone.localdate(), films=Film.objects.filter(pk=film.pk))
    film.refresh_from_db()
    return SimpleNamespace(**locals())


def fetch(client, *, url: str, method: str = "get", data=None, status: int = 200) -> str:
    """The page at `url` (redirects followed), checked: it answered and nothing in it runs."""
    response = getattr(client, method)(url, data, follow=True)
    assert response.status_code == status, url
    page = response.content.decode()
    assert executable_markup(page) == [], url
    return page


def head(page: str) -> dict:
    """The page's <title> as shown, its meta description and Open Graph properties, and its
    JSON-LD blocks parsed: all as a browser and a crawler read them."""
    found = {"json_ld": []}
    for tag, attributes, text in tags(page):
        attributes = dict(attributes)
        if tag == "title" and "title" not in found:
            found["title"] = unescape(text)
        elif tag == "meta" and "content" in attributes:
            key = attributes.get("property") or attributes.get("name")
            found[key] = attributes["content"]
        elif tag == "script" and attributes.get("type") == "application/ld+json":
            found["json_ld"].append(json.loads(text))
    return found


def film_pages(w) -> list[str]:
    film = w.film.get_absolute_url()
    return [
        film,
        f"{film}?critics=top",
        f"{film}cast/",
        f"{film}photos/",
        f"{film}reviews/",
        f"{film}reviews/?tab=top",
        f"{film}reviews/?sentiment=rotten",
        f"{film}audience-reviews/",
        f"{film}audience-reviews/?spoilers=hide",
        f"{film}audience-reviews/?sort=helpful&stars=2.0",
        f"{film}discussion/",
    ]


def visitor_pages(w) -> list[str]:
    q = normalize_query(w.vector)
    return [
        "/",
        "/films/",
        f"/films/?genre={w.genre.slug}",
        w.review.get_absolute_url(),
        w.spoiler_review.get_absolute_url(),
        w.person.get_absolute_url(),
        f"{w.person.get_absolute_url()}?sort=critics",
        w.critic.get_absolute_url(),
        "/critics/",
        "/critics/?top=1",
        w.publication.get_absolute_url(),
        w.writer.get_absolute_url(),
        reverse("accounts:profile_posts", args=[w.writer.username]),
        w.other.get_absolute_url(),
        reverse("accounts:profile_posts", args=[w.other.username]),
        *(f"/search/?{urlencode({'q': q, 'type': kind})}" for kind in ("films", "people")),
        f"/search/?{urlencode({'q': q, 'type': 'critics'})}",
        "/news/",
        w.article.get_absolute_url(),
        "/forums/",
        w.board.get_absolute_url(),
        w.thread.get_absolute_url(),
        w.film_thread.get_absolute_url(),
        reverse("forums:post", args=[w.reply.pk]),
    ]


def echo_pages(w) -> list[str]:
    """Pages with the vector in each query parameter they read."""
    v = w.vector

    def query(*names: str) -> str:
        return "?" + urlencode(dict.fromkeys(names, v))

    film = w.film.get_absolute_url()
    return [
        f"/search/{query('q', 'type', 'page')}",
        f"/films/{query('genre', 'decade', 'year', 'type', 'acclaimed', 'sort', 'page')}",
        f"{film}{query('critics')}",
        f"{film}photos/{query('page')}",
        f"{film}reviews/{query('tab', 'sentiment', 'page')}",
        f"{film}audience-reviews/{query('stars', 'sort', 'spoilers', 'page')}",
        f"{w.person.get_absolute_url()}{query('sort')}",
        f"/critics/{query('top', 'page')}",
        f"{w.critic.get_absolute_url()}{query('page')}",
        f"{w.writer.get_absolute_url()}{query('page')}",
        f"/news/{query('page')}",
        f"{w.board.get_absolute_url()}{query('page')}",
        f"{w.thread.get_absolute_url()}{query('page')}",
        f"/accounts/login/{query('next')}",
        f"/accounts/signup/{query('next')}",
        f"/accounts/password/reset/{query('next')}",
        f"/accounts/login/?next=/films/{quote(v)}",
    ]


def writer_pages(w) -> list[str]:
    """What the member who wrote the text sees: their own review and posts, in forms too."""
    film = w.film.get_absolute_url()
    return [
        film,
        f"{film}review/",
        "/accounts/profile/",
        f"{reverse('reviews:audience_review_report', args=[w.spoiler_review.pk])}"
        f"?{urlencode({'next': w.vector})}",
        reverse("forums:post_report", args=[w.reply.pk]),
        f"{reverse('forums:reply', args=[w.thread.pk])}?quote={w.reply.pk}",
        reverse("forums:post_edit", args=[w.thread.posts.first().pk]),
        reverse("forums:thread_new", args=[w.board.slug]),
        "/forums/following/",
    ]


def moderator_pages(w) -> list[str]:
    return [
        w.thread.get_absolute_url(),
        reverse("forums:post_revisions", args=[w.reply.pk]),
        reverse("forums:thread_move", args=[w.thread.pk]),
    ]


def admin_pages(w) -> list[str]:
    """Each edited object's change form and its model's list, searched for it too."""
    objects = [
        w.film, w.genre, w.person, w.film.credits.first(), w.photo, w.publication, w.critic,
        w.critic_review, w.review, w.spoiler_review.reports.first(), w.writer, w.other,
        w.board, w.thread, w.reply, w.reply.reports.first(), w.article,
    ]  # fmt: skip
    pages = []
    for obj in objects:
        label = f"admin:{obj._meta.app_label}_{obj._meta.model_name}"
        changelist = reverse(f"{label}_changelist")
        pages += [reverse(f"{label}_change", args=[obj.pk]), changelist]
        pages.append(f"{changelist}?{urlencode({'q': w.vector})}")
    pages += ["/admin/axes/accessattempt/", "/admin/axes/accessfailurelog/", "/admin/"]
    return pages


def check_film_head(page: str, w, *, tab: str) -> None:
    """The film page's title, description and Open Graph tags say what they mean, and its
    JSON-LD is JSON the vector did not cut short: the film, its people and its reviews."""
    found = head(page)
    assert 'class="score-chart"' in page  # the title is in the chart's SVG <title> too
    assert found["title"] == f"{w.film} | Marquee"
    assert found["description"] == Truncator(w.film.synopsis).chars(160)
    assert found["og:title"] == str(w.film)
    (data,) = found["json_ld"]
    assert data["name"] == w.film.title
    assert data["description"] == w.film.synopsis
    assert data["genre"] == [w.genre.name]
    assert data["director"] == [{"@type": "Person", "name": w.person.name}]
    assert data["actor"] == [{"@type": "Person", "name": w.person.name}]
    reviews = [
        (r["reviewBody"], r["author"]["name"], r["publisher"]["name"]) for r in data["review"]
    ]
    expected = [(w.vector, w.critic.name, w.publication.name)]
    if tab == "all":
        expected.insert(0, (w.vector, w.publication.name, w.publication.name))
    assert sorted(reviews) == sorted(expected)


def check_feed(client, *, url: str, vector: str) -> None:
    """An RSS feed is well-formed XML; titles and descriptions, which readers show as HTML,
    hold the vector escaped, as text."""
    response = client.get(url)
    assert response.status_code == 200, url
    channel = ET.fromstring(response.content).find("channel")
    items = list(channel.iter("item"))
    assert items, url
    for item in items:
        for field in ("title", "description"):
            text = item.findtext(field) or ""
            assert executable_markup(text) == [], (url, field)
        # Escaped once: a reader shows the vector's characters, not markup and not "&lt;".
        shown = unescape(item.findtext("title") + item.findtext("description"))
        assert vector.strip()[:20] in shown or "<" not in vector, url


def check_search(client, w) -> None:
    """The search page lists the film, the person and the critic the vector names."""
    query = normalize_query(w.vector)
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert executable_markup(response.content.decode()) == []
    if query == w.vector:  # no line breaks or runs of spaces, which searching folds
        assert response.context["total"] >= 3


def check_article_head(client, w) -> None:
    found = head(fetch(client, url=w.article.get_absolute_url()))
    assert found["title"] == f"{w.article.title} | Marquee"
    assert found["description"] == w.article.lead
    assert found["og:title"] == w.article.title
    assert found["og:description"] == w.article.lead
    assert found["og:image:alt"] == w.article.image_alt


def check_xml(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, url
    ET.fromstring(response.content)  # well-formed


def check_suggestions(client, vector: str) -> None:
    """The search box's suggestions are JSON that no browser will read as a page."""
    response = client.get("/search/suggest/", {"q": vector})
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert json.loads(response.content)["query"] == normalize_query(vector)


def other_checks(w) -> list[tuple[str, Callable]]:
    """(who looks, check taking the client) for every page but the film's, in a fixed order:
    the same length whatever the vector, so a page's share of the vectors is fixed too."""
    v = w.vector
    checks = [("visitor", partial(fetch, url=url)) for url in visitor_pages(w) + echo_pages(w)]
    checks += [
        ("visitor", partial(check_article_head, w=w)),
        ("visitor", partial(check_search, w=w)),
        *(
            ("visitor", partial(check_feed, url=url, vector=v))
            for url in (
                "/feeds/reviews/",
                f"{w.film.get_absolute_url()}reviews/feed/",
                "/feeds/news/",
            )
        ),
        *(
            ("visitor", partial(check_xml, url=url))
            for url in ("/sitemap.xml", "/sitemap-films.xml", "/sitemap-threads.xml")
        ),
        ("visitor", partial(check_suggestions, vector=v)),
        # The forms that come back with what was typed: a refused log-in, sign-up and reset.
        (
            "visitor",
            partial(
                fetch,
                url="/accounts/login/",
                method="post",
                data={"username": v, "password": "wrong", "next": v},
            ),
        ),
        (
            "visitor",
            partial(
                fetch,
                url="/accounts/signup/",
                method="post",
                data={"username": v, "email": v, "password1": v, "password2": "x", "next": v},
            ),
        ),
        (
            "visitor",
            partial(fetch, url="/accounts/password/reset/", method="post", data={"email": v}),
        ),
    ]
    checks += [("writer", partial(fetch, url=url)) for url in writer_pages(w)]
    checks += [
        # A profile sent back for a bio that is too long shows the vector in both fields.
        (
            "writer",
            partial(
                fetch,
                url="/accounts/profile/",
                method="post",
                data={"display_name": v, "bio": v * (2001 // len(v) + 1)},
            ),
        ),
        (
            "writer",
            partial(
                fetch,
                url=reverse("forums:reply", args=[w.thread.pk]),
                method="post",
                data={"body": v, "preview": "1"},
            ),
        ),
    ]
    checks += [("staff", partial(fetch, url=url)) for url in moderator_pages(w) + admin_pages(w)]
    return checks


# Each vector goes to every film page (with its JSON-LD and head checked) and to one group in
# GROUPS of the other pages, the group chosen by the vector's position: every page still gets
# at least 20 vectors (test_every_page_gets_at_least_20_vectors) and the file runs in about two
# minutes on two workers, rather than the quarter hour that every vector on each of the ~150
# pages takes (that full run passed too, when this file was written: set GROUPS = 1 to repeat).
GROUPS = max(1, len(VECTORS) // 20)


def test_every_page_gets_at_least_20_vectors():
    assert len(VECTORS) >= 100
    for group in range(GROUPS):
        assert len(range(group, len(VECTORS), GROUPS)) >= 20


@pytest.mark.parametrize("index", range(len(VECTORS)))
def test_no_vector_runs_on_any_page(client, boss, index):
    w = build_world(VECTORS[index])
    for url in film_pages(w):
        page = fetch(client, url=url)
        if url in (w.film.get_absolute_url(), f"{w.film.get_absolute_url()}?critics=top"):
            check_film_head(page, w, tab="top" if "critics" in url else "all")
    users = {"visitor": None, "writer": w.writer, "staff": boss}
    logged_in = "visitor"
    for position, (who, check) in enumerate(other_checks(w)):
        if position % GROUPS != index % GROUPS:
            continue
        if who != logged_in:
            client.force_login(users[who])
            logged_in = who
        check(client)
