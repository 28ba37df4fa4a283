"""Responsive layout in Chromium, on a phone (375px wide) and a desktop (1280px): no page
scrolls sideways, and the layout adapts (navigation, the film page's score panel, review cards,
tables)."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_accessibility import PAGES, build_site, log_in, make_moderator

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}

# What sticks out past the right edge of the window (the outermost such elements), leaving out
# what is inside a box that scrolls or clips sideways (a wide table in its scrolling wrapper).
OVERFLOWING = """() => {
    const width = document.documentElement.clientWidth;
    const clipped = (element) => {
        for (let e = element.parentElement; e && e !== document.body; e = e.parentElement) {
            const overflow = getComputedStyle(e).overflowX;
            if (overflow !== "visible") return true;
        }
        return false;
    };
    const out = [];
    for (const element of document.body.querySelectorAll("*")) {
        const box = element.getBoundingClientRect();
        if (box.width === 0 || box.right <= width + 0.5 || clipped(element)) continue;
        if (out.some((o) => o.element.contains(element))) continue;
        out.push({element, right: Math.round(box.right)});
    }
    return out.slice(0, 5).map(({element, right}) =>
        `${element.outerHTML.slice(0, 100)}... reaches ${right}px of ${width}px`);
}"""


def assert_no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if widths[0] > widths[1]:
        raise AssertionError(
            f"the page is {widths[0]}px wide in a {widths[1]}px window: "
            + "; ".join(page.evaluate(OVERFLOWING))
        )


def box(page: Page, selector: str, index: int = 0) -> dict:
    found = page.locator(selector).nth(index).bounding_box()
    assert found is not None, f"{selector} is not shown"
    return found


@pytest.mark.parametrize("name", PAGES)
def test_no_page_scrolls_sideways_on_a_phone_or_a_desktop(page, site, name):
    path = build_site()[name]
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.goto(site + path)
        assert_no_sideways_scroll(page)
        # A table wider than its box scrolls inside its wrapper, not the page.
        too_wide = page.evaluate(
            """() => [...document.querySelectorAll("main table")].filter((table) => {
                const wrapper = table.parentElement;
                return table.offsetWidth > wrapper.clientWidth
                    && getComputedStyle(wrapper).overflowX !== "auto";
            }).map((table) => table.className)"""
        )
        assert too_wide == []


def test_the_navigation_folds_behind_a_button_on_a_phone(page, site):
    build_site()
    page.set_viewport_size(PHONE)
    page.goto(site + "/")
    toggler = page.get_by_role("button", name="Show navigation")
    films = page.get_by_role("navigation", name="Main").get_by_role("link", name="Films")
    expect(toggler).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(films).to_be_hidden()
    toggler.focus()
    page.keyboard.press("Enter")
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(films).to_be_visible()
    expect(page.get_by_role("searchbox", name="Search films, people and critics")).to_be_visible()
    assert_no_sideways_scroll(page)


def test_the_navigation_is_open_on_a_desktop(page, site):
    build_site()
    page.set_viewport_size(DESKTOP)
    page.goto(site + "/")
    expect(page.get_by_role("button", name="Show navigation")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Main")
    for link in ("Films", "Critics", "Forums", "News", "Log in", "Sign up"):
        expect(nav.get_by_role("link", name=link)).to_be_visible()
    films, sign_up = box(page, "#site-nav .nav-link"), box(page, "#site-nav .btn-accent")
    assert abs(films["y"] - sign_up["y"]) < films["height"]  # in one row


def test_the_film_page_stacks_on_a_phone(page, site):
    paths = build_site()
    page.set_viewport_size(PHONE)
    page.goto(site + paths["film"])
    poster, panel = box(page, ".film-hero-poster"), box(page, ".scores-panel")
    assert poster["y"] + poster["height"] <= panel["y"]  # the scores under the poster
    critics, audience = box(page, ".score-block"), box(page, ".score-block", 1)
    assert critics["y"] + critics["height"] <= audience["y"]  # one score under the other
    assert panel["x"] + panel["width"] <= PHONE["width"]
    # Review cards take the whole width of their section, one under the other.
    grid = box(page, "#critic-reviews .review-grid")
    first, second = (
        box(page, "#critic-reviews .review-card"),
        box(page, "#critic-reviews .review-card", 1),
    )
    assert first["width"] >= grid["width"] - 1
    assert first["y"] + first["height"] <= second["y"]
    audience_card = box(page, "#audience-reviews .review-card")
    assert audience_card["width"] >= box(page, "#audience-reviews .card-body")["width"] - 40
    # The ratings histogram goes above the reviews, not squeezed beside them.
    histogram, reviews = box(page, ".audience-side"), box(page, ".audience-main")
    assert histogram["y"] + histogram["height"] <= reviews["y"]


def test_the_film_page_spreads_out_on_a_desktop(page, site):
    paths = build_site()
    page.set_viewport_size(DESKTOP)
    page.goto(site + paths["film"])
    poster, panel = box(page, ".film-hero-poster"), box(page, ".scores-panel")
    assert poster["x"] + poster["width"] <= panel["x"]  # the scores beside the poster
    assert panel["y"] < poster["y"] + poster["height"]
    critics, audience = box(page, ".score-block"), box(page, ".score-block", 1)
    assert critics["x"] + critics["width"] <= audience["x"]  # the two scores side by side
    first, second = (
        box(page, "#critic-reviews .review-card"),
        box(page, "#critic-reviews .review-card", 1),
    )
    assert first["y"] == second["y"] and first["x"] < second["x"]  # cards in columns
    histogram, reviews = box(page, ".audience-side"), box(page, ".audience-main")
    assert histogram["x"] + histogram["width"] <= reviews["x"]


def test_a_wide_table_scrolls_inside_its_box_on_a_phone(page, site):
    """The forum's board table keeps its columns on a phone and scrolls within its card."""
    paths = build_site()
    page.set_viewport_size(PHONE)
    page.goto(site + paths["forum index"])
    wrapper = page.locator(".board-table").locator("xpath=..")
    expect(wrapper).to_have_css("overflow-x", "auto")
    assert box(page, ".board-table")["width"] >= box(page, ".list-card")["width"] - 48
    assert_no_sideways_scroll(page)


def test_a_moderators_pages_fit_a_phone(page, site):
    """The review form, the reply form and the moderator's tools, and the open navigation with
    the member's own links, all fit 375 pixels."""
    paths = build_site()
    log_in(page, site, make_moderator())
    page.set_viewport_size(PHONE)
    for name in ("film", "thread", "profile"):
        page.goto(site + paths[name])
        page.get_by_role("button", name="Show navigation").click()
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
        if name == "thread":
            expect(page.get_by_role("group", name="Moderator tools")).to_be_visible()
        assert_no_sideways_scroll(page)
