"""Browser tests: Playwright drives Debian's chromium against the site on a live server.

`make test` installs chromium (`make browser-tools`); without it these tests are skipped, and
with CI=true they fail instead. Each test gets a fresh page whose console is watched: a script
error or anything the Content-Security-Policy blocks fails the test.
"""

import os
import shutil

import pytest
from playwright.sync_api import Page

from tests.tools import missing_tool

# Playwright's sync API runs an event loop in this thread, and Django refuses database calls
# from a thread with a running loop unless told they are safe; here they are, as nothing else
# runs on that loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_NAMES = ("chromium", "chromium-browser")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    executable = next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
    if executable is None:
        missing_tool("Debian's chromium is not installed: run `make browser-tools`")
    return {**browser_type_launch_args, "executable_path": executable}


@pytest.fixture
def site(live_server, transactional_db) -> str:
    """The live server's address, e.g. http://localhost:41234."""
    return live_server.url


@pytest.fixture(autouse=True)
def page_problems(request):
    """Fail a browser test whose page logged a script error or a policy violation; the list
    of them, for a test that expects one (and clears it)."""
    if "page" not in request.fixturenames:
        yield []
        return
    page: Page = request.getfixturevalue("page")
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
    yield problems
    assert problems == [], problems
