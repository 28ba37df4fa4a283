"""Accessibility in Chromium: axe-core finds no serious or critical violation on the main pages,
each page has one h1, landmarks and a working skip link, focus is always visible, and the star
input and the spoiler toggles work with the keyboard alone.

Labels on form controls and alt text on images are left to axe (its `label`, `select-name`,
`button-name`, `image-alt` and `input-image-alt` rules run on every page here).
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client
from playwright.sync_api import Page, expect

from films.models import Credit
from forums.models import MOVIE_FORUM_SLUG, Board
from reviews.models import AudienceReview, Sentiment
from reviews.scores import refresh_film_scores
from tests.factories import (
    ArticleFactory,
    AudienceReviewFactory,
    BoardFactory,
    CreditFactory,
    CriticFactory,
    CriticReviewFactory,
    FilmFactory,
    GenreFactory,
    MemberFactory,
    PersonFactory,
    PhotoFactory,
    PostFactory,
    PublicationFactory,
    ThreadFactory,
)
from tests.tools import missing_tool

pytestmark = pytest.mark.django_db(transaction=True)

AXE_PATH = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

# The pages the checks visit, by name: what `build_site` makes them show.
PAGES = [
    "home",
    "browse",
    "film",
    "critic reviews",
    "audience reviews",
    "person",
    "critic",
    "search",
    "forum index",
    "board",
    "thread",
    "news",
    "article",
    "log in",
    "sign up",
    "profile",
]


def build_site() -> dict[str, str]:
    """A film with credits, photos, critic and audience reviews (one with spoilers), threads
    with posts, and an article; the paths of the pages that show them, by name in PAGES."""
    movie_forum, _ = Board.objects.get_or_create(
        slug=MOVIE_FORUM_SLUG, defaults={"name": "Movie forum", "order": 0}
    )
    general = BoardFactory(name="General discussion", description="Anything about film.")
    drama, thriller = GenreFactory(name="Drama"), GenreFactory(name="Thriller")
    film = FilmFactory(
        title="The Long Goodbye",
        year=1973,
        synopsis="A private eye helps an old friend out of town and into a world of trouble.",
        runtime=112,
        genres=[drama, thriller],
    )
    other = FilmFactory(
        title="Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb",
        year=1964,
        genres=[thriller],
    )
    director = PersonFactory(name="Robert Altman", bio="An American director.")
    lead = PersonFactory(name="Elliott Gould")
    CreditFactory(film=film, person=director, role=Credit.Role.DIRECTOR)
    CreditFactory(film=film, person=lead, character="Philip Marlowe")
    CreditFactory(film=other, person=lead, character="A detective")
    for _ in range(3):
        CreditFactory(film=film)
    PhotoFactory.create_batch(2, film=film)

    publication = PublicationFactory(name="The Daily Reel")
    top_critic = CriticFactory(name="Pauline Marsh", is_top_critic=True, publications=[publication])
    critics = [top_critic, *CriticFactory.create_batch(5)]
    for number, critic in enumerate(critics):
        CriticReviewFactory(
            film=film,
            critic=critic,
            publication=publication,
            sentiment=Sentiment.ROTTEN if number == 5 else Sentiment.FRESH,
            excerpt="A shaggy, funny and sad detective story that takes its time.",
        )
    CriticReviewFactory(film=other, critic=top_critic, publication=publication)

    reviewer = MemberFactory(username="rosa")
    AudienceReviewFactory(
        film=film,
        user=reviewer,
        rating=Decimal("4.5"),
        body="Funny and sad. The cat at the start is ||the whole film in small||.",
    )
    AudienceReviewFactory(
        film=film,
        rating=Decimal("3.0"),
        has_spoilers=True,
        body="I did not expect ||the ending on the bridge||. Worth it.",
    )
    AudienceReviewFactory(film=film, rating=Decimal("2.0"), body="Too slow for me.")
    AudienceReviewFactory(film=other, user=reviewer, rating=Decimal("4.0"), body="Tense.")
    for each in (film, other):
        refresh_film_scores(film=each)

    thread = ThreadFactory(board=movie_forum, film=film, title="That ending", author=reviewer)
    PostFactory(thread=thread, author=reviewer, body="Did anyone see ||the shot|| coming?")
    PostFactory(thread=thread, body="> Did anyone see it coming?\n\nNot at all. **Brilliant**.")
    PostFactory(
        thread=thread,
        body="The restoration notes: https://www.example.com/archive/restorations/"
        "the-long-goodbye-1973-4k-restoration-notes-and-interviews-with-the-crew",
    )
    PostFactory(thread=ThreadFactory(board=general, author=reviewer), author=reviewer)
    article = ArticleFactory(
        title="Altman at fifty",
        lead="Why his seventies films still feel new.",
        body="## The films\n\nThey talk over each other, and it *works*.",
        films=[film],
    )
    ArticleFactory(title="Festival news", films=[other])
    return {
        "home": "/",
        "browse": "/films/",
        "film": film.get_absolute_url(),
        "critic reviews": f"{film.get_absolute_url()}reviews/",
        "audience reviews": f"{film.get_absolute_url()}audience-reviews/",
        "person": lead.get_absolute_url(),
        "critic": top_critic.get_absolute_url(),
        "search": "/search/?q=goodbye",
        "forum index": "/forums/",
        "board": movie_forum.get_absolute_url(),
        "thread": thread.get_absolute_url(),
        "news": "/news/",
        "article": article.get_absolute_url(),
        "log in": "/accounts/login/",
        "sign up": "/accounts/signup/",
        "profile": reviewer.get_absolute_url(),
    }


def make_moderator():
    """A member who may moderate the forums, as the Moderators group allows."""
    moderator = MemberFactory(username="mo", is_staff=True)
    moderator.user_permissions.add(
        Permission.objects.get(content_type__app_label="forums", codename="change_post")
    )
    return moderator


def log_in(page: Page, site: str, user) -> None:
    """The browser carries `user`'s session from now on (no log-in form: it has its own tests)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": site, "httpOnly": True}]
    )


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, from npm; without it the checks are skipped, or fail in CI."""
    if not AXE_PATH.exists():
        missing_tool("axe-core is not installed: run `make browser-tools`")
    return AXE_PATH.read_text()


def axe_violations(page: Page, axe_source: str, impacts=("serious", "critical")) -> list[str]:
    """axe's violations of WCAG 2.x A/AA and best practice with those impacts, one line each.

    The script is evaluated through the DevTools protocol: a <script> tag with it inline would
    be blocked by the site's Content-Security-Policy, as it should be."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    violations = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
            }));
        }""",
        AXE_TAGS,
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']} at {', '.join(v['nodes'])}"
        for v in violations
        if v["impact"] in impacts
    ]


def accessibility_state(page: Page, selector: str, state: str):
    """A state of the element as Chromium gives it to screen readers (e.g. "expanded")."""
    cdp = page.context.new_cdp_session(page)
    document = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": document, "selector": selector})["nodeId"]
    ax_node = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})
    properties = ax_node["nodes"][0].get("properties", [])
    return next((p["value"]["value"] for p in properties if p["name"] == state), None)


FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex='0']"


def focus_by_tab(page: Page, selector: str, limit: int = 150) -> None:
    """Press Tab from the top of the page until the element matching `selector` has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("name", PAGES)
def test_each_page_is_accessible(page, site, axe_source, name):
    """axe finds no serious or critical violation of WCAG 2.x A/AA or best practice; the page
    has one h1, the landmarks, and a skip link that takes the keyboard to its main content."""
    path = build_site()[name]
    response = page.goto(site + path)
    assert response.status == 200
    assert axe_violations(page, axe_source) == []
    expect(page.locator("h1")).to_have_count(1)
    expect(page.get_by_role("banner")).to_have_count(1)
    expect(page.get_by_role("navigation", name="Main")).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("contentinfo")).to_have_count(1)
    # The skip link is the first stop of the keyboard, shows when it has focus, and takes the
    # focus to the main content, so the next Tab is inside it.
    skip = page.get_by_role("link", name="Skip to main content")
    assert page.evaluate(f"document.querySelector({FOCUSABLE!r}).matches('.skip-link')")
    if page.evaluate("document.activeElement === document.body"):
        page.keyboard.press("Tab")
    else:  # a form page (log in, sign up) starts in its first field, past what one would skip
        assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
        skip.focus()
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


@pytest.mark.parametrize("name", ["film", "thread"])
def test_a_moderators_pages_have_no_serious_violation(page, site, axe_source, name):
    """With what only members see: the review form, the reply form, the moderator's tools."""
    paths = build_site()
    log_in(page, site, make_moderator())
    page.goto(site + paths[name])
    expect(page.get_by_role("button", name="Log out")).to_be_attached()
    assert axe_violations(page, axe_source) == []


# The look of an element that shows focus: its outline and shadow, and those of the element
# drawn for it when it is itself hidden (the star input's labels, a spoiler's cover).
FOCUS_LOOK = """(element) => {
    const look = (e) => {
        if (!e) return "";
        const s = getComputedStyle(e);
        return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(" ");
    };
    return look(element) + " | " + look(element.nextElementSibling);
}"""


@pytest.mark.parametrize("name", ["film", "thread"])
def test_every_keyboard_stop_shows_where_the_focus_is(page, site, name):
    """Tab through a member's page: each stop looks different with the focus than without."""
    paths = build_site()
    log_in(page, site, MemberFactory(username="newcomer"))
    page.emulate_media(reduced_motion="reduce")  # Bootstrap's focus rings then show at once
    page.goto(site + paths[name])
    page.evaluate(
        f"""() => {{
            const look = {FOCUS_LOOK};
            window.unfocusedLooks = new Map();
            for (const element of document.querySelectorAll({FOCUSABLE!r}))
                window.unfocusedLooks.set(element, look(element));
        }}"""
    )
    stops = 0
    while stops < 80:
        page.keyboard.press("Tab")
        focused = page.evaluate(
            f"""() => {{
                const element = document.activeElement;
                if (element === document.body) return null;
                const before = window.unfocusedLooks.get(element);
                return {{
                    what: element.outerHTML.slice(0, 120),
                    shows: before !== undefined && before !== ({FOCUS_LOOK})(element),
                }};
            }}"""
        )
        if focused is None:  # past the last stop
            break
        assert focused["shows"], f"no visible focus on {focused['what']}"
        stops += 1
    assert stops > 20


def test_the_star_input_works_with_the_keyboard(page, site):
    """Tab reaches the stars, arrows move the rating by half stars, and the rating is sent."""
    paths = build_site()
    member = MemberFactory(username="newcomer")
    log_in(page, site, member)
    page.goto(site + paths["film"])
    # Tab stops once on the group, at its checked radio: "No rating", last, until one is chosen.
    focus_by_tab(page, "input[name=rating]")
    expect(page.get_by_role("radio", name="No rating")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="0.5 stars")).to_be_checked()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    chosen = page.get_by_role("radio", name="1.5 stars")
    expect(chosen).to_be_focused()
    expect(chosen).to_be_checked()
    # The chosen rating is written under the stars, for those who see them.
    expect(page.locator(".star-input input:checked + label .star-text")).to_have_css(
        "clip-path", "none"
    )
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_role("radio", name="1 star", exact=True)).to_be_checked()
    expect(chosen).not_to_be_checked()
    page.keyboard.press("Enter")  # submits the form, as Enter in a form does
    expect(page.get_by_role("heading", name="Your review")).to_be_visible()
    assert AudienceReview.objects.get(user=member).rating == Decimal("1.0")


def test_a_spoiler_review_opens_and_closes_with_the_keyboard(page, site):
    paths = build_site()
    page.goto(site + paths["audience reviews"])
    spoilers = page.locator("details.spoiler-review")
    text = spoilers.get_by_text("Worth it.")
    expect(text).to_be_hidden()
    focus_by_tab(page, "details.spoiler-review > summary")
    assert accessibility_state(page, "details.spoiler-review > summary", "expanded") is False
    page.keyboard.press("Enter")
    expect(text).to_be_visible()
    assert accessibility_state(page, "details.spoiler-review > summary", "expanded") is True
    page.keyboard.press("Space")
    expect(text).to_be_hidden()
    assert accessibility_state(page, "details.spoiler-review > summary", "expanded") is False


OPEN_SPOILER = ".spoiler-toggle:not(details *)"  # not in a closed review with spoilers


@pytest.mark.parametrize(
    ("name", "secret"), [("thread", "the shot"), ("audience reviews", "the whole film in small")]
)
def test_inline_spoilers_open_and_close_with_the_keyboard(page, site, name, secret):
    """A `||spoiler||` in a post or a review is a checkbox: Space shows it and hides it again,
    and a screen reader hears the spoiler only once it is shown."""
    paths = build_site()
    page.goto(site + paths[name])
    toggle = page.locator(OPEN_SPOILER).first
    expect(toggle).to_have_accessible_name(re.compile(r"^Spoiler\b.*select to reveal$"))
    expect(toggle).not_to_be_checked()
    expect(page.get_by_text(secret)).to_be_hidden()
    focus_by_tab(page, OPEN_SPOILER)
    expect(toggle).to_be_focused()
    page.keyboard.press("Space")
    expect(toggle).to_be_checked()
    expect(page.get_by_text(secret)).to_be_visible()
    expect(toggle).to_have_accessible_name(secret)
    page.keyboard.press("Space")
    expect(toggle).not_to_be_checked()
    expect(page.get_by_text(secret)).to_be_hidden()
