"""The browser tests' own machinery: chromium loads a page of the live server, with its styles
and scripts, and a page the policy would block is caught."""

import pytest

from tests.factories import FilmFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_home_page_loads_with_its_styles_and_scripts(page, site):
    FilmFactory(title="Refusenik")
    page.goto(site + "/")
    assert page.title().startswith("Marquee")
    background = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert background != "rgba(0, 0, 0, 0)"  # site.css applied
    assert page.evaluate("typeof bootstrap") == "object"  # Bootstrap's script ran


def test_the_browser_enforces_the_policy_and_the_tests_notice(page, site, page_problems):
    page.goto(site + "/accounts/login/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.append(script);
        }"""
    )
    assert page.evaluate("window.injected") is None
    assert any("Content Security Policy" in problem for problem in page_problems)
    page_problems.clear()
