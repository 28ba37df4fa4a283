"""Screenshots of the main pages, as people see them: `make screenshots`.

    .venv/bin/python -m bench.screenshots [--out docs/screenshots]

Builds the demo site (`load_demo_data`) in a temporary SQLite database and media folder, serves
it with `runserver` (debugging on, so uploads are served too) on a free port, and has Debian's
chromium (through Playwright) save each main page at desktop (1280 wide) and phone (375 wide)
size as a visitor, the film page with its review form as a member, and the admin's film form as
an editor. The pictures go to docs/screenshots/{desktop,phone}/<page>.png; the README shows some.
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SIZES = {"desktop": (1280, 900), "phone": (375, 812)}
PASSWORD = "demo-password-123"  # load_demo_data's accounts
# Pages whose whole length is worth showing; the others are shown as the first screen.
FULL_PAGE = {"film", "thread"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def page_addresses(env: dict) -> dict[str, str]:
    """The demo site's main pages, found in its database."""
    code = """
from films.models import Film, Person
from forums.models import Thread
from news.models import Article
from reviews.models import Critic
from accounts.models import User
# The demo film with the most to show: scores, photos, cast, reviews and threads.
film = (
    Film.objects.exclude(critics_score=None).exclude(audience_score=None)
    .filter(photos__isnull=False, threads__isnull=False)
    .order_by("-audience_rating_count", "-critic_review_count").first()
)
thread = Thread.objects.filter(film=film).order_by("-reply_count").first()
person = film.credits.select_related("person").first().person
critic = Critic.objects.filter(reviews__film=film).first() or Critic.objects.first()
member = User.objects.filter(audience_reviews__isnull=False).first()
for name, url in [
    ("home", "/"),
    ("browse", "/films/"),
    ("film", film.get_absolute_url()),
    ("seed-film", "/films/refusenik-2008/"),
    ("critic-reviews", f"/films/{film.slug}/reviews/"),
    ("audience-reviews", f"/films/{film.slug}/audience-reviews/"),
    ("person", person.get_absolute_url()),
    ("critic", critic.get_absolute_url()),
    ("search", "/search/?q=the"),
    ("forums", "/forums/"),
    ("thread", thread.get_absolute_url()),
    ("news", "/news/"),
    ("article", Article.objects.published().first().get_absolute_url()),
    ("profile", member.get_absolute_url()),
    ("log-in", "/accounts/login/"),
    ("sign-up", "/accounts/signup/"),
]:
    print("PAGE", name, url)
"""
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"Could not find the demo pages:\n{done.stderr}")
    lines = [
        line.split(" ", 2)[1:] for line in done.stdout.splitlines() if line.startswith("PAGE ")
    ]
    return dict(lines)


def log_in(page, base: str, username: str, *, admin: bool = False) -> None:
    page.goto(base + ("/admin/login/" if admin else "/accounts/login/"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form [type=submit]").last.click()
    page.wait_for_load_state("networkidle")


def take(browser, base: str, pages: dict[str, str], out: Path) -> list[Path]:
    saved = []

    def shoot(page, kind: str, name: str) -> None:
        path = out / kind / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=path, full_page=name in FULL_PAGE, animations="disabled")
        saved.append(path)

    for kind, (width, height) in SIZES.items():
        # Reduced motion: Bootstrap scrolls smoothly to an anchor otherwise, mid-picture.
        context = browser.new_context(
            viewport={"width": width, "height": height}, reduced_motion="reduce"
        )
        page = context.new_page()
        for name, url in pages.items():
            page.goto(base + url)
            shoot(page, kind, name)
        log_in(page, base, "member")
        page.goto(base + pages["film"] + "#your-review")
        shoot(page, kind, "film-member")
        context.close()

    width, height = SIZES["desktop"]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    log_in(page, base, "editor", admin=True)
    page.goto(base + "/admin/")
    shoot(page, "desktop", "admin")
    page.goto(base + "/admin/films/film/?q=refusenik")
    page.locator("#result_list tbody th a").first.click()
    shoot(page, "desktop", "admin-film")
    context.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sys.exit("Playwright is missing: run `make install`.")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("Debian's chromium is missing: run `make browser-tools`.")

    with tempfile.TemporaryDirectory(prefix="marquee-screenshots-") as scratch:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{scratch}/site.sqlite3",
            "MEDIA_ROOT": f"{scratch}/media",
            "DJANGO_DEBUG": "1",
            "REDIS_URL": "",
            "S3_BUCKET": "",  # never the real bucket: the demo pictures go to the scratch folder
        }
        manage = [sys.executable, "manage.py"]
        print("Building the demo site", flush=True)
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [*manage, "load_demo_data"], cwd=ROOT, env=env, check=True, capture_output=True
        )
        pages = page_addresses(env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(base + "/ping")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium)
                saved = take(browser, base, pages, args.out)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    for path in saved:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
