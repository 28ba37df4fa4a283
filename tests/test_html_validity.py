"""The main pages are valid HTML: the W3C Nu checker (vnu-jar, from npm) finds no error in them.

Each page is rendered by the test client with realistic content and written to a file; the
checker runs once over all of them, as the JVM takes seconds to start. Without java or the jar
the test is skipped, and with CI=true it fails instead.
"""

import json
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from films.models import Credit, Film
from forums.models import MOVIE_FORUM_SLUG, Board
from forums.services import reply, start_thread
from reviews.scores import refresh_film_scores
from tests.factories import (
    ArticleFactory,
    AudienceReviewFactory,
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
from tests.tools import missing_tool

pytestmark = pytest.mark.django_db

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_command() -> list[str]:
    """How to run the Nu checker; skips the test without it, or fails it in CI."""
    java = shutil.which("java")
    if java and VNU_JAR.is_file():
        return [java, "-jar", str(VNU_JAR)]
    missing_tool(f"the Nu checker needs java and {VNU_JAR} (`make browser-tools`)")


@dataclass
class Site:
    """A site with something on every page, and the addresses of its main pages."""

    member: object
    film: Film
    urls: dict[str, str]


def build_site() -> Site:
    """Content as a real catalog has it: a film with poster, credits, photos, enough critic
    and audience reviews for both scores, spoilers, a discussion with a quote, and news."""
    drama, thriller = GenreFactory(name="Drama"), GenreFactory(name="Thriller")
    film = FilmFactory(
        title="The Long Night",
        year=2019,
        synopsis="A lighthouse keeper waits out a storm & remembers.",
        rating=Film.Rating.PG13,
        runtime=118,
        release_date=date(2019, 10, 4),
        release_type=Film.ReleaseType.WIDE,
        studio="Harbor Pictures",
        consensus="Moody and gripping.",
        poster="posters/the-long-night.jpg",
        genres=[drama, thriller],
    )
    FilmFactory(title="Harbor Lights", year=2021, genres=[drama])
    director = PersonFactory(
        name="Ada Director", bio="A director of quiet films.", photo="people/ada.jpg"
    )
    CreditFactory(film=film, person=director, role=Credit.Role.DIRECTOR)
    CreditFactory(film=film, person=PersonFactory(name="Wes Writer"), role=Credit.Role.WRITER)
    for i in range(8):
        CreditFactory(film=film, person=PersonFactory(name=f"Actor {i}"), order=i)
    PhotoFactory(film=film, alt_text="The lighthouse at dusk")
    paper = PublicationFactory(name="The Daily Reel")
    critic = CriticFactory(
        name="Tess Top", is_top_critic=True, bio="Writes about film.", publications=[paper]
    )
    for i in range(7):
        CriticReviewFactory(
            film=film,
            critic=critic if i == 0 else CriticFactory(),
            publication=paper,
            sentiment="fresh" if i < 5 else "rotten",
            excerpt=f"Excerpt number {i}: a careful, moving film.",
            original_score="3/4" if i == 0 else "",
            normalized_score=75 if i == 0 else None,
        )
    member = MemberFactory(username="mina", bio="I watch everything twice.")
    AudienceReviewFactory(
        film=film, user=member, rating=Decimal("4.5"), body="Great, but ||the dog dies|| sadly."
    )
    AudienceReviewFactory(film=film, body="The twist: he was a ghost.", has_spoilers=True)
    for i in range(22):
        AudienceReviewFactory(film=film, rating=Decimal("4.0") if i < 15 else Decimal("2.0"))
    refresh_film_scores(film=film)

    board, _ = Board.objects.get_or_create(
        slug=MOVIE_FORUM_SLUG, defaults={"name": "Movie forum", "order": 0}
    )
    thread = start_thread(
        board=board,
        author=member,
        title="That ending, explained",
        body="What did the **last shot** mean? See [the trailer](https://example.com/t).",
        film=film,
    )
    other = MemberFactory(username="bo")
    reply(thread=thread, author=other, body="> What did the last shot mean?\n\nThe storm passed.")
    article = ArticleFactory(
        title="Behind the storm",
        lead="How the lighthouse was built.",
        body="# The set\n\nA *real* lighthouse.\n\n## The storm\n\nA wind machine.",
        image="news/storm.jpg",
        image_alt="A lighthouse under construction",
        films=[film],
    )
    slug = film.slug
    return Site(
        member=member,
        film=film,
        urls={
            "home": "/",
            "browse": "/films/",
            "film": film.get_absolute_url(),
            "film, top critics": f"{film.get_absolute_url()}?critics=top",
            "critic reviews": f"/films/{slug}/reviews/",
            "audience reviews": f"/films/{slug}/audience-reviews/",
            "person": director.get_absolute_url(),
            "critic": critic.get_absolute_url(),
            "search": "/search/?q=long+night",
            "search, nothing found": "/search/?q=zzyzx",
            "forum index": "/forums/",
            "board": board.get_absolute_url(),
            "thread": thread.get_absolute_url(),
            "news": "/news/",
            "article": article.get_absolute_url(),
            "log in": "/accounts/login/",
            "sign up": "/accounts/signup/",
            "profile": f"/users/{member.username}/",
        },
    )


# Pages only a member sees: (name, address, status), the address given the site's film.
MEMBER_PAGES = [
    ("film with the review form", "/films/{slug}/", 200),
    ("profile edit", "/accounts/profile/", 200),
    ("new thread", "/forums/" + MOVIE_FORUM_SLUG + "/new/", 200),
    ("new thread about the film", "/films/{slug}/discussion/new/", 200),
]
ERROR_PAGES = [("404", "/no-such-page/", 404), ("500", "/broken/", 500)]


def render_pages(client, tmp_path: Path) -> dict[Path, str]:
    """Every page checked, written to a file: file -> the page's address."""
    site = build_site()
    pages = [(name, url, 200) for name, url in site.urls.items()]
    written: dict[Path, str] = {}

    def save(name: str, url: str, status: int) -> None:
        response = client.get(url)
        assert response.status_code == status, (name, url)
        path = tmp_path / f"{len(written):02d}-{name.replace(' ', '-').replace(',', '')}.html"
        path.write_bytes(response.content)
        written[path] = url

    for page in pages:
        save(*page)
    client.raise_request_exception = False
    for name, url, status in ERROR_PAGES:
        save(name, url, status)
    # A member who has not reviewed the film yet gets the review form.
    client.force_login(MemberFactory(username="newcomer"))
    for name, url, status in MEMBER_PAGES:
        save(name, url.format(slug=site.film.slug), status)
    return written


def nu_messages(files: list[Path]) -> list[dict]:
    result = subprocess.run(
        [*vnu_command(), "--format", "json", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(result.stdout)["messages"]


def describe(message: dict, pages: dict[Path, str]) -> str:
    path = Path(message.get("url", "").removeprefix("file:"))
    page = pages.get(path, path.name)
    where = f"{page} line {message.get('lastLine', '?')}"
    return f"{where}: {message['message']}\n    {message.get('extract', '').strip()!r}"


@pytest.mark.urls("tests.test_error_pages")
def test_the_main_pages_are_valid_html(client, tmp_path):
    vnu_command()  # skip before rendering anything when the checker is missing
    pages = render_pages(client, tmp_path)
    messages = nu_messages(list(pages))
    errors = [m for m in messages if m["type"] in ("error", "non-document-error")]
    # Warnings and notes are reported (with -s), one line a kind, not failed on.
    notes = Counter(f"{m['type']}: {m['message']}" for m in messages if m not in errors)
    for note, count in notes.most_common():
        print(f"vnu {note} ({count}x)")
    if errors:
        pytest.fail(
            "The Nu checker found errors:\n" + "\n".join(describe(m, pages) for m in errors),
            pytrace=False,
        )


def test_without_the_checker_the_test_is_skipped_but_fails_in_ci(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        vnu_command()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        vnu_command()
