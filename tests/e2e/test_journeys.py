"""The issue's five journeys, done in chromium as people do them: clicking, typing and, for the
rating, the keyboard alone; each step checked against what the page then shows."""

import datetime
import importlib
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from PIL import Image
from playwright.sync_api import Page, Route, expect

from films.models import Credit, Photo
from forums import services
from forums.models import MOVIE_FORUM_SLUG, Board
from reviews.scores import refresh_film_scores
from tests.factories import (
    AudienceReviewFactory,
    CreditFactory,
    CriticReviewFactory,
    FilmFactory,
    MemberFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"
GROUPS = importlib.import_module("accounts.migrations.0002_create_groups")


def staff_group(name: str) -> Group:
    """The group as the data migration makes it (transactional tests empty the table)."""
    if name == "Editors":
        pairs = GROUPS.codenames(GROUPS.EDITOR_MODELS, ["add", "change", "delete", "view"])
        pairs += GROUPS.codenames(GROUPS.EDITOR_VIEW_ONLY, ["view"])
    else:
        pairs = GROUPS.codenames(GROUPS.MODERATOR_CHANGE, ["change", "view"])
    wanted = Q(pk__in=[])
    for app_label, codename in pairs:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    group, _ = Group.objects.get_or_create(name=name)
    group.permissions.set(Permission.objects.filter(wanted))
    return group


def movie_forum() -> Board:
    board, _ = Board.objects.get_or_create(
        slug=MOVIE_FORUM_SLUG, defaults={"name": "Movie forum", "order": 0}
    )
    return board


def log_in(page: Page, site: str, username: str) -> None:
    page.goto(site + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_role("textbox", name=re.compile(r"^Password\W*$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def serve_media(page: Page) -> None:
    """Uploaded files, which the live server does not serve, from the test's media folder."""

    def handle(route: Route) -> None:
        name = route.request.url.split("/media/", 1)[1].split("?")[0]
        path = Path(settings.MEDIA_ROOT) / name
        if path.is_file():
            route.fulfill(body=path.read_bytes())
        else:
            route.fulfill(status=404)

    page.route(re.compile(r"/media/"), handle)


def test_a_visitor_goes_from_home_to_a_film_its_reviews_and_a_person(page, site):
    film = FilmFactory(title="Refusenik", year=2008, release_date=datetime.date(2008, 6, 5))
    CreditFactory(film=film, person=PersonFactory(name="Laura Bialis"), role=Credit.Role.DIRECTOR)
    CreditFactory(film=film, person=PersonFactory(name="Yuli Edelstein"), character="Himself")
    for n in range(5):
        CriticReviewFactory(film=film, excerpt=f"Review number {n}.", sentiment="fresh")
    refresh_film_scores(film=film)

    page.goto(site + "/")
    recent = page.get_by_role("region", name="In theaters and recent releases")
    recent.get_by_role("link", name=re.compile("Refusenik")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Refusenik (2008)")
    scores = page.get_by_role("region", name="Scores")
    expect(scores).to_contain_text("100%")
    expect(scores).to_contain_text("5 reviews")

    page.get_by_role("link", name="All critic reviews").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Critic reviews")
    for n in range(5):
        expect(page.get_by_text(f"Review number {n}.")).to_be_visible()

    page.get_by_role("link", name="Refusenik (2008)").click()
    page.get_by_role("region", name="Cast").get_by_role("link", name="Yuli Edelstein").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Yuli Edelstein")
    filmography = page.get_by_role("region", name="Filmography")
    expect(filmography.get_by_role("link", name="Refusenik")).to_be_visible()
    expect(filmography).to_contain_text("as Himself")


def test_a_new_member_signs_up_rates_by_keyboard_reviews_edits_and_deletes(page, site):
    film = FilmFactory(title="Refusenik", year=2008)
    for _ in range(19):  # one rating short of an Audience Score
        AudienceReviewFactory(film=film, rating=Decimal("4.0"), body="")
    refresh_film_scores(film=film)
    scores = page.get_by_role("region", name="Scores")
    own = page.locator("#your-review")

    page.goto(site + film.get_absolute_url())
    expect(scores).to_contain_text("Not enough ratings yet")
    expect(scores).to_contain_text("19 ratings")
    page.get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign up")
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_role("textbox", name=re.compile(r"^Password\W*$")).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()

    # Back on the film, signed in: rate it with the keyboard alone.
    expect(page.get_by_role("heading", level=1)).to_have_text("Refusenik (2008)")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_role("heading", name="Rate and review Refusenik")).to_be_visible()
    for _ in range(200):
        if page.evaluate("document.activeElement.name") == "rating":
            break
        page.keyboard.press("Tab")
    # Tab stops on the chosen radio of the group: "No rating" until a member picks stars.
    expect(page.get_by_role("radio", name="No rating")).to_be_focused()
    expect(page.get_by_role("radio", name="No rating")).to_be_checked()
    page.keyboard.press("ArrowRight")  # from the last radio round to the first: half a star
    expect(page.get_by_role("radio", name="0.5 stars")).to_be_checked()
    expect(page.get_by_text("0.5 stars")).to_be_visible()  # the chosen rating, in words
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="2 stars")).to_be_focused()
    expect(page.get_by_role("radio", name="2 stars")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Your review")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Post your review")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("main").get_by_role("status")).to_have_text(
        "Thanks! Your review is posted."
    )
    expect(own.get_by_role("heading", name="Your review")).to_be_visible()
    expect(own.get_by_role("img", name="2 stars out of 5")).to_be_visible()
    expect(scores).to_contain_text("95%")
    expect(scores).to_contain_text("20 ratings")

    # Write a review, then change it.
    own.get_by_role("link", name="Edit your review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit your review")
    expect(page.get_by_role("radio", name="2 stars")).to_be_checked()
    page.get_by_label("Your review").fill("Slow to start, but it stayed with me.")
    page.get_by_role("button", name="Save changes").click()
    expect(own).to_contain_text("Slow to start, but it stayed with me.")

    own.get_by_role("link", name="Edit your review").click()
    page.get_by_label("Your review").fill("It stayed with me for weeks.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("main").get_by_role("status")).to_have_text("Your review was updated.")
    expect(own).to_contain_text("It stayed with me for weeks.")
    expect(own).not_to_contain_text("Slow to start")
    expect(own).to_contain_text("(edited)")

    # Delete it, confirming on the page the site asks on.
    own.get_by_role("link", name="Delete your review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your review?")
    page.get_by_role("button", name="Delete my review").click()
    expect(page.get_by_role("main").get_by_role("status")).to_have_text("Your review was deleted.")
    expect(page.get_by_text("It stayed with me for weeks.")).to_have_count(0)
    expect(page.get_by_role("heading", name="Rate and review Refusenik")).to_be_visible()
    expect(scores).to_contain_text("Not enough ratings yet")
    expect(scores).to_contain_text("19 ratings")


def test_a_member_starts_a_thread_from_a_film_and_another_replies_with_a_quote(page, site):
    movie_forum()
    film = FilmFactory(title="Refusenik", year=2008)
    MemberFactory(username="ana")
    MemberFactory(username="ben")

    log_in(page, site, "ana")
    page.goto(site + film.get_absolute_url())
    page.get_by_role("link", name="Discuss Refusenik on our Movie forum!").click()
    expect(page.get_by_text("Nobody has started a discussion about Refusenik yet.")).to_be_visible()
    page.get_by_role("link", name="Start a thread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a thread about Refusenik")
    page.get_by_label("Title").fill("The archive footage")
    page.get_by_label("Your post").fill("Where did they find the **1970s** footage?")
    page.get_by_role("button", name="Post thread").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("The archive footage")
    first = page.get_by_role("article", name=re.compile(r"^ana\b"))
    expect(first.get_by_role("strong")).to_have_text("1970s")  # Markdown, rendered
    page.get_by_role("link", name="Refusenik (2008)").click()
    expect(page.get_by_role("region", name="Discussion Forum")).to_contain_text(
        "The archive footage"
    )

    page.get_by_role("button", name="Log out").click()
    log_in(page, site, "ben")
    page.goto(site + film.get_absolute_url())
    page.get_by_role("region", name="Discussion Forum").get_by_role(
        "link", name="The archive footage"
    ).click()
    page.get_by_role("link", name="Quote this post by ana").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reply to “The archive footage”")
    body = page.get_by_label("Your post")
    expect(body).to_have_value(re.compile(r"^> \[ana wrote\]\(.*\):\n>\n> Where did they find"))
    body.press("Control+End")  # below the quote, as a person would type
    body.press_sequentially("A TV station's archive, the credits say.")
    page.get_by_role("button", name="Post reply").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("The archive footage")
    reply = page.get_by_role("article", name=re.compile(r"^ben\b"))
    quote = reply.get_by_role("blockquote")
    expect(quote).to_contain_text("Where did they find the 1970s footage?")
    expect(quote.get_by_role("link", name="ana wrote")).to_be_visible()
    expect(reply).to_contain_text("A TV station's archive, the credits say.")
    expect(page.get_by_text("1 reply", exact=True)).to_be_visible()


def watch(page: Page) -> list[str]:
    """What `page_problems` records for the test's own page, for another page."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    return problems


def test_a_moderator_hides_a_post_and_visitors_no_longer_see_it(page, site, browser, request):
    staff_group("Moderators").user_set.add(MemberFactory(username="mo", is_staff=True))
    starter, troll = MemberFactory(username="ana"), MemberFactory(username="troll")
    thread = services.start_thread(
        board=movie_forum(), author=starter, title="Best scene?", body="The airport, for me."
    )
    services.reply(thread=thread, author=troll, body="Buy cheap watches at example.com")

    visitor_context = browser.new_context()
    request.addfinalizer(visitor_context.close)
    visitor = visitor_context.new_page()
    visitor_problems = watch(visitor)
    visitor.goto(site + thread.get_absolute_url())  # the page is now in the cache
    expect(visitor.get_by_text("Buy cheap watches")).to_be_visible()

    log_in(page, site, "mo")
    page.goto(site + thread.get_absolute_url())
    spam = page.get_by_role("article", name=re.compile(r"^troll\b"))
    spam.get_by_role("button", name="Hide post").click()

    expect(page.get_by_role("main").get_by_role("status")).to_have_text("The post is hidden.")
    expect(spam.get_by_text("Hidden by a moderator")).to_be_visible()
    expect(spam.get_by_role("button", name="Restore post")).to_be_visible()
    expect(spam).to_contain_text("Buy cheap watches")  # moderators still read it

    visitor.reload()
    hidden = visitor.get_by_role("article", name=re.compile(r"^troll\b"))
    expect(hidden).to_contain_text("This post was hidden by a moderator.")
    expect(visitor.get_by_text("Buy cheap watches")).to_have_count(0)
    expect(visitor.get_by_text("The airport, for me.")).to_be_visible()
    assert visitor_problems == []


def test_an_editor_adds_a_film_with_a_credit_and_a_photo_and_finds_it_on_the_site(
    page, site, tmp_path
):
    staff_group("Editors").user_set.add(MemberFactory(username="edie", is_staff=True))
    PersonFactory(name="Yuli Edelstein")
    still = tmp_path / "still.png"
    Image.new("RGB", (640, 360), "teal").save(still)
    serve_media(page)

    page.goto(site + "/admin/")
    page.get_by_label("Username:").fill("edie")
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.get_by_role("row", name=re.compile(r"^Films\b")).get_by_role("link", name="Add").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add film")
    page.get_by_label("Title:").fill("Ship of Souls")
    page.get_by_label("Year:").press_sequentially("2024")
    expect(page.get_by_label("Slug:")).to_have_value("ship-of-souls-2024")

    # The credit: the person picked by typing part of the name (the admin's autocomplete).
    # The admin's inline tables label their fields by column heading only, so the cells are
    # found by their field names.
    credit = page.get_by_role("group", name="Credits").locator("tr.form-row").first
    credit.get_by_role("combobox").first.click()
    page.keyboard.type("Edel")  # into the picker's search box, which has the focus
    page.get_by_role("option", name="Yuli Edelstein").click()
    credit.locator("select[name$='-role']").select_option(label="Cast")
    credit.locator("input[name$='-character']").fill("Himself")

    photo = page.get_by_role("group", name="Photos").locator("tr.form-row").first
    with page.expect_file_chooser() as chooser:
        photo.get_by_role("button", name="Choose File").click()
    chooser.value.set_files(still)
    photo.locator("input[name$='-alt_text']").fill("A crowd waving flags at an airport.")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text(re.compile("was added successfully"))).to_be_visible()
    assert Photo.objects.get(film__title="Ship of Souls").image.name.endswith(".webp")

    page.get_by_role("link", name="View site").click()
    search = page.get_by_role("banner").get_by_role("search")
    search.get_by_label("Search films, people and critics").fill("Ship of Souls")
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Results for “Ship of Souls”")
    page.get_by_role("link", name=re.compile("Ship of Souls")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ship of Souls (2024)")
    cast = page.get_by_role("region", name="Cast")
    expect(cast.get_by_role("link", name="Yuli Edelstein")).to_be_visible()
    expect(cast).to_contain_text("Himself")
    picture = page.get_by_role("region", name="Ship of Souls Photos").get_by_role(
        "img", name="A crowd waving flags at an airport."
    )
    picture.scroll_into_view_if_needed()  # it loads lazily
    expect(picture).to_have_js_property("complete", True)
    assert picture.evaluate("image => image.naturalWidth") > 0  # the WebP decodes
