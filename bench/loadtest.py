"""A mixed read/write load on `make serve`, for minutes, with no errors; or through a restart of
PostgreSQL, with errors only while it is down.

    make loadtest   (.venv/bin/python -m bench.loadtest [--duration 300] [--restart-postgres])

1. The database `marquee_loadtest` (on BENCH_POSTGRES_URL's server, as for `make bench`) is built
   once with `generate_data --scale 0.05` and reused while it was built so (bench.pages's
   marker); `--rebuild` builds it again. The benchmark members' reviews and helpful votes of
   earlier runs are deleted at the start, so every review of this run is a new one.
2. `make serve` (gunicorn.conf.py, debugging off, persistent connections with health checks) on
   its own port, with the cache in a database of its own on the shared Redis
   (LOADTEST_REDIS_URL, default redis://127.0.0.1:6379/5, emptied at the start), and every
   abuse limit lifted (RATE_LIMIT_* at 10^9, FORUM_FLOOD_SECONDS=0): the load is many
   members at once, not an abuser.
3. `--users` virtual users, each a thread with its own keep-alive connection, for `--duration`
   seconds, each waiting a random 0 to 2 x `--think` seconds between requests. Visitors browse:
   home, browse with filters, film pages, reviews lists, people, forums, threads, news, search
   and its suggestions. `--members` of them log in as generate_data's `bench-member-N` and read
   as members, rate and review films (the form, then its POST with the form's CSRF token), vote
   reviews helpful, start threads and reply. Every review and post carries a token of its own.
4. An error: a 5xx, any other status than the one expected (200; 302 after a POST), a connection
   error or a timeout (`--timeout`, 30 s). Every write answered with its 302 is acknowledged, and
   at the end each must be in the database (its token in a review's or post's text; the vote
   for the review).
5. `--restart-postgres`: at `--restart-at` (half the run), PostgreSQL is stopped (fast mode:
   connections are cut, transactions rolled back), left down `--down-seconds`, and started;
   /tmp/PG_RESTART exists meanwhile, for others who use the same server. Then: errors only from
   when it went down to 10 s after it answered again, every kind of request served again within
   those 10 s, and no acknowledged write missing.

Prints a table (requests by kind, rate, p50/p95/p99, errors), the errors by cause, the writes
acknowledged and found, and the restart's timeline; writes the same to
bench/results/loadtest.json (loadtest-restart.json). Exits 1 on any failure.
"""

import argparse
import http.client
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench import pages

ROOT = pages.ROOT
RESULTS = ROOT / "bench" / "results"
DATABASE = "marquee_loadtest"
REDIS_URL = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/5")
RESTART_FLAG = Path("/tmp/PG_RESTART")
LIFTED = "1000000000"  # every rate limit, so that the load is not throttled
RECOVERY_S = 10.0  # after PostgreSQL answers again, errors may go on this long, and no longer
IDLE_RECONNECT_S = 3.0  # a connection idle this long is replaced: gunicorn's keep-alive is 5 s
TOKEN_RE = re.compile(r"\blt-[0-9a-f]{8}-\d{6}\b")
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# What a visitor and a member do, with weights; each step is one request of a kind (a write is
# two: its form, then the POST).
VISITOR_ACTIONS = {
    "home": 8,
    "browse": 12,
    "film": 20,
    "reviews": 8,
    "person": 7,
    "forums": 6,
    "thread": 10,
    "news": 5,
    "search": 14,
    "suggest": 6,
}
# Writes are about 15% of all requests with 10 members of 24 users: frequent enough
# that every kind of write is tried within seconds of PostgreSQL answering after a restart.
MEMBER_ACTIONS = {
    "film (member)": 24,
    "thread": 10,
    "browse": 6,
    "search": 6,
    "home": 4,
    "review": 12,
    "vote": 10,
    "new thread": 7,
    "reply": 9,
}
# The kinds whose answer is a write's 302, and the ones that are the write's form.
WRITES = {
    "review": "POST review",
    "vote": "POST vote",
    "new thread": "POST thread",
    "reply": "POST reply",
}
FORMS = {"review": "review form", "new thread": "post form", "reply": "post form"}


# ---------------------------------------------------------------------------------------------
# The figures (no server needed: tests/test_loadtest.py).


@dataclass
class Result:
    """One request: its kind, when it started and ended (seconds from the run's start), its
    status (None: no answer), and the error it counts as (None: as expected)."""

    kind: str
    start: float
    end: float
    status: int | None
    error: str | None = None


def classify(status: int | None, expected: int, failure: str | None = None) -> str | None:
    """The error a request counts as, or None. `failure` names what went wrong without an
    answer ("timeout", "connection: ...")."""
    if status is None:
        return failure or "no answer"
    if status == expected:
        return None
    return f"HTTP {status}"


def percentile(values: list[float], p: float) -> float | None:
    """The p-th percentile (0-100) of `values`, interpolated between the closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(results: list[Result], seconds: float) -> dict:
    """Requests, rate, latency percentiles (ms) and errors, by kind and in all."""

    def row(items: list[Result]) -> dict:
        latencies = [(r.end - r.start) * 1000 for r in items]
        errors: dict[str, int] = {}
        for r in items:
            if r.error:
                errors[r.error] = errors.get(r.error, 0) + 1
        return {
            "requests": len(items),
            "rps": round(len(items) / seconds, 2) if seconds else 0.0,
            **{
                f"p{p}_ms": None if (v := percentile(latencies, p)) is None else round(v, 1)
                for p in (50, 95, 99)
            },
            "errors": sum(errors.values()),
            "errors_by_cause": dict(sorted(errors.items())),
        }

    kinds: dict[str, list[Result]] = {}
    for r in results:
        kinds.setdefault(r.kind, []).append(r)
    writes = sum(len(v) for k, v in kinds.items() if k.startswith("POST "))
    return {
        "seconds": round(seconds, 1),
        "kinds": {kind: row(items) for kind, items in sorted(kinds.items())},
        "total": row(results),
        "write_share": round(writes / len(results), 3) if results else 0.0,
    }


def restart_check(
    results: list[Result], *, down: float, up: float | None, recovery: float = RECOVERY_S
) -> dict:
    """Whether a run through a restart of PostgreSQL kept to the rules: errors only in requests
    that overlap [down, up + recovery], and every kind served again within `recovery` s of up.

    `recovered` gives each kind's first success among the requests started once PostgreSQL
    answered again, in seconds after `up` (its end); a kind not served by up + recovery fails.
    """
    if up is None:
        return {"ok": False, "problems": ["PostgreSQL never answered again"], "recovered": {}}
    window_end = up + recovery
    outside = [r for r in results if r.error and (r.end < down or r.start > window_end)]
    recovered: dict[str, float | None] = {}
    for kind in sorted({r.kind for r in results}):
        times = [r.end - up for r in results if r.kind == kind and not r.error and r.start >= up]
        recovered[kind] = round(min(times), 2) if times else None
    late = {kind: t for kind, t in recovered.items() if t is None or t > recovery}
    problems = []
    if outside:
        causes: dict[str, int] = {}
        for r in outside:
            key = f"{r.kind}: {r.error}"
            causes[key] = causes.get(key, 0) + 1
        problems.append(
            f"{len(outside)} errors outside the window (down {down:.1f} s to "
            f"up + {recovery:g} s = {window_end:.1f} s): "
            + ", ".join(f"{key} x{n}" for key, n in sorted(causes.items()))
        )
    if late:
        problems.append(
            f"not served within {recovery:g} s of PostgreSQL answering: "
            + ", ".join(
                f"{kind} ({'never' if t is None else f'{t:.1f} s'})" for kind, t in late.items()
            )
        )
    errors = [r for r in results if r.error]
    return {
        "ok": not problems,
        "problems": problems,
        "errors_in_window": len(errors) - len(outside),
        "errors_outside_window": len(outside),
        # When the errors began and ended, in seconds after PostgreSQL went down / answered.
        "first_error_after_down_s": round(min(r.end for r in errors) - down, 2) if errors else None,
        "last_error_after_up_s": round(max(r.end for r in errors) - up, 2) if errors else None,
        "recovered": recovered,
        "full_service_s": (
            None if not recovered or None in recovered.values() else max(recovered.values())
        ),
    }


def writes_check(acknowledged: list[dict], found: dict) -> dict:
    """Every acknowledged write against what the database holds: found["tokens"] (reviews' and
    posts' tokens) and found["votes"] ([review pk, username] pairs)."""
    tokens = set(found.get("tokens", []))
    votes = {tuple(vote) for vote in found.get("votes", [])}
    by_kind: dict[str, dict] = {}
    missing = []
    for write in acknowledged:
        kind = write["kind"]
        present = (
            (write["review"], write["user"]) in votes
            if kind == "vote"
            else write["token"] in tokens
        )
        counts = by_kind.setdefault(kind, {"acknowledged": 0, "found": 0})
        counts["acknowledged"] += 1
        counts["found"] += present
        if not present:
            missing.append(write)
    return {
        "acknowledged": len(acknowledged),
        "found": len(acknowledged) - len(missing),
        "missing": missing,
        "by_kind": dict(sorted(by_kind.items())),
    }


def format_report(report: dict) -> str:
    """The summary table, errors, writes and (for a restart run) the timeline, as text."""
    summary = report["summary"]
    lines = [
        f"{'kind':<16} {'requests':>9} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
        f" {'errors':>7}"
    ]

    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.0f}"

    for kind, row in [*summary["kinds"].items(), ("all", summary["total"])]:
        lines.append(
            f"{kind:<16} {row['requests']:>9,} {row['rps']:>7.1f} {ms(row['p50_ms']):>8}"
            f" {ms(row['p95_ms']):>8} {ms(row['p99_ms']):>8} {row['errors']:>7}"
        )
    lines.append(f"writes: {summary['write_share']:.0%} of the requests")
    causes: dict[str, int] = {}
    for kind, row in summary["kinds"].items():
        for cause, n in row["errors_by_cause"].items():
            causes[f"{cause} ({kind})"] = n
    lines.append(
        "errors: "
        + (", ".join(f"{cause} x{n}" for cause, n in causes.items()) if causes else "none")
    )
    writes = report["writes"]
    lines.append(
        f"writes acknowledged {writes['acknowledged']:,}, found {writes['found']:,}, missing "
        f"{len(writes['missing'])}: "
        + ", ".join(
            f"{kind} {c['found']:,}/{c['acknowledged']:,}" for kind, c in writes["by_kind"].items()
        )
    )
    for write in writes["missing"][:10]:
        lines.append(f"  missing: {write}")
    restart = report.get("restart")
    if restart:
        timeline = restart["timeline"]
        lines.append(
            f"PostgreSQL: stopping at {timeline['down']:.1f} s (stopped "
            f"{timeline['stopped']:.1f} s), starting at {timeline['start']:.1f} s, answered at "
            + ("never" if timeline["up"] is None else f"{timeline['up']:.1f} s")
            + f" (down {timeline.get('down_s', '?')} s)"
        )
        check = restart["check"]
        last = check.get("last_error_after_up_s")
        lines.append(
            f"errors in the window: {check.get('errors_in_window', 0)}, outside it: "
            f"{check.get('errors_outside_window', 0)}; the last error "
            + ("-" if last is None else f"{last:+.1f} s")
            + " from PostgreSQL answering; every kind served again "
            + (
                "(never)"
                if check.get("full_service_s") is None
                else f"{check['full_service_s']:.1f} s after PostgreSQL answered"
            )
        )
        lines.append(
            "  first success after: "
            + ", ".join(
                f"{kind} {'-' if t is None else f'{t:.1f}'}"
                for kind, t in check["recovered"].items()
            )
        )
    lines.append("")
    failures = report["failures"]
    lines.append("FAILED: " + "; ".join(failures) if failures else "PASSED: no failures")
    return "\n".join(lines)


def failures_of(report: dict) -> list[str]:
    """What makes the run fail: errors (outside the restart's window, when there is one),
    missing writes, a restart that broke the rules."""
    failures = []
    restart = report.get("restart")
    errors = report["summary"]["total"]["errors"]
    if restart:
        failures += restart["check"]["problems"]
    elif errors:
        failures.append(f"{errors} errors")
    if report["writes"]["missing"]:
        failures.append(f"{len(report['writes']['missing'])} acknowledged writes missing")
    if not report["writes"]["acknowledged"]:
        failures.append("no write was acknowledged")
    return failures


# ---------------------------------------------------------------------------------------------
# Inside Django (through bench.pages.django_call, in a subprocess).


def discover(members: int) -> dict:
    """What the virtual users ask for: pages, search queries, and what members write to."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.urls import reverse
    from django.utils import timezone

    from films.forms import SORTS, BrowseForm, decade_choices
    from films.models import Film, Genre, Person
    from films.synthetic import BENCH_MEMBER_PREFIX, BENCH_PASSWORD, HOT_FILM_SLUG
    from films.views import FILMS_PER_PAGE
    from forums.models import Board, Thread
    from news.models import Article
    from reviews.models import AudienceReview

    rng = random.Random(7)
    films = list(Film.objects.order_by("pk").values_list("slug", "title"))
    genres = list(Genre.objects.all())
    decades = [value for value, _ in decade_choices()][:6]
    browse = set()
    for _ in range(60):
        params = {"sort": rng.choice(list(SORTS))}
        if rng.random() < 0.6:
            params["genre"] = rng.choice(genres).slug
        if rng.random() < 0.3:
            params["decade"] = rng.choice(decades)
        if rng.random() < 0.15:
            params["acclaimed"] = "on"
        if rng.random() < 0.2:
            params["page"] = "2"
        form = BrowseForm(params, genres=genres)
        form.is_valid()
        query = form.canonical_query()
        page = "page=2" if params.get("page") else ""
        # Page 2 only of lists that have one: the view sends a page past the end back.
        if page and form.apply(Film.objects.all()).count() <= FILMS_PER_PAGE:
            page = ""
        full = "&".join(part for part in (query, page) if part)
        browse.add(reverse("films:list") + (f"?{full}" if full else ""))
    film_paths = [reverse("films:detail", args=[slug]) for slug, _ in films]
    hot = reverse("films:detail", args=[HOT_FILM_SLUG])
    sample = rng.sample(films, min(60, len(films)))
    reviews_lists = [
        reverse(name, args=[slug])
        for slug, _ in sample
        for name in ("reviews:film_critic_reviews", "reviews:film_audience_reviews")
    ]
    people = list(
        Person.objects.annotate(n=Count("credits"))
        .filter(n__gt=0)
        .order_by("-n", "pk")
        .values_list("slug", "name")[:80]
    )
    words = sorted({word for _, title in films for word in title.split() if len(word) > 3})
    queries = (
        [title for _, title in rng.sample(films, min(40, len(films)))]
        + rng.sample(words, min(40, len(words)))
        + [name.split()[-1] for _, name in people[:30]]
        + [word[:4] for word in rng.sample(words, min(20, len(words)))]
        + ["the", "love night", "zzqx nothing matches", "2019", "l'été"]
    )
    threads = Thread.objects.visible().filter(is_locked=False).select_related("board")
    thread_rows = list(threads.order_by("-reply_count", "pk")[:60])
    board_slugs = list(Board.objects.order_by("order", "pk").values_list("slug", flat=True))
    articles = [a.get_absolute_url() for a in Article.objects.published()[:20]]
    User = get_user_model()
    usernames = [f"{BENCH_MEMBER_PREFIX}{n}" for n in range(1, members + 1)]
    existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    for username in usernames:
        if username not in existing:
            User.objects.create_user(username=username, password=BENCH_PASSWORD)
    today = timezone.localdate()
    reviewable = list(
        Film.objects.exclude(release_date__gt=today).order_by("pk").values_list("slug", flat=True)
    )
    votable = list(
        AudienceReview.objects.visible()
        .exclude(user__username__startswith=BENCH_MEMBER_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)[:5000]
    )
    return {
        "visitor": {
            "home": [reverse("home")],
            "browse": sorted(browse),
            "film": [hot] * 10 + film_paths,
            "reviews": reviews_lists,
            "person": [reverse("films:person", args=[slug]) for slug, _ in people],
            "forums": [reverse("forums:index")]
            + [reverse("forums:board", args=[slug]) for slug in board_slugs],
            "thread": [thread.get_absolute_url() for thread in thread_rows],
            "news": [reverse("news:list"), *articles],
            "search": [reverse("films:search") + "?" + urlencode({"q": q}) for q in queries],
            "suggest": [
                reverse("films:search_suggest") + "?" + urlencode({"q": q[:5]}) for q in queries
            ],
        },
        "member": {
            "film (member)": [hot] * 5 + film_paths,
        },
        "review_paths": [reverse("reviews:audience_review_form", args=[s]) for s in reviewable],
        "vote_paths": {
            str(pk): reverse("reviews:audience_review_helpful", args=[pk])
            for pk in rng.sample(votable, min(400, len(votable)))
        },
        "new_thread_paths": [reverse("forums:thread_new", args=[slug]) for slug in board_slugs],
        "reply_paths": [reverse("forums:reply", args=[thread.pk]) for thread in thread_rows],
        "members": usernames,
        "password": BENCH_PASSWORD,
    }


def reset() -> dict:
    """Delete the benchmark members' reviews (bench.pages) and helpful votes of earlier runs."""
    from films.synthetic import BENCH_MEMBER_PREFIX
    from reviews.models import AudienceReview, HelpfulVote
    from reviews.services import sync_helpful_counts

    done = pages.reset_reviews()
    votes = HelpfulVote.objects.filter(user__username__startswith=BENCH_MEMBER_PREFIX)
    review_ids = list(votes.values_list("review_id", flat=True).distinct())
    done["votes_deleted"] = votes.delete()[0]
    if review_ids:
        sync_helpful_counts(reviews=AudienceReview.objects.filter(pk__in=review_ids))
    return done


def found_writes(path: str) -> dict:
    """Which of the acknowledged writes listed in the JSON file `path` the database holds."""
    from forums.models import Post
    from reviews.models import AudienceReview, HelpfulVote

    acknowledged = json.loads(Path(path).read_text())
    runs = sorted({w["token"].rsplit("-", 1)[0] for w in acknowledged if "token" in w})
    tokens = set()
    for run in runs:
        for model in (AudienceReview, Post):
            for body in model.objects.filter(body__contains=run).values_list("body", flat=True):
                tokens.update(TOKEN_RE.findall(body))
    votes = set()
    wanted = {(w["review"], w["user"]) for w in acknowledged if w["kind"] == "vote"}
    for review, user in HelpfulVote.objects.filter(
        review_id__in={review for review, _ in wanted}
    ).values_list("review_id", "user__username"):
        if (review, user) in wanted:
            votes.add((review, user))
    return {"tokens": sorted(tokens), "votes": sorted(votes)}


# ---------------------------------------------------------------------------------------------
# The load.


class Client:
    """One virtual user's keep-alive connection, and its cookies when it is a member."""

    def __init__(self, port: int, timeout: float, cookie: str = "") -> None:
        self.port = port
        self.timeout = timeout
        self.cookie = cookie
        self.connection: http.client.HTTPConnection | None = None
        self.last_used = 0.0

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def request(
        self, method: str, path: str, body: dict | None = None
    ) -> tuple[int | None, str, str | None]:
        """(status, body, failure): status None with what went wrong when no answer came."""
        if self.connection is not None and time.monotonic() - self.last_used > IDLE_RECONNECT_S:
            self.close()  # the server may be closing it as we send (its keep-alive timeout)
        if self.connection is None:
            self.connection = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=self.timeout
            )
        headers = {"Cookie": self.cookie} if self.cookie else {}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except TimeoutError:
            self.close()
            return None, "", "timeout"
        except (OSError, http.client.HTTPException) as error:
            self.close()
            return None, "", f"connection: {type(error).__name__}"
        self.last_used = time.monotonic()
        if response.will_close:
            self.close()
        return response.status, text, None


@dataclass
class User:
    """A virtual user: a visitor, or a member with their login."""

    index: int
    found: dict
    args: argparse.Namespace
    t0: float
    deadline: float
    run_id: str
    username: str = ""
    cookie: str = ""
    csrf: str = ""
    results: list[Result] = field(default_factory=list)
    acknowledged: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"{self.run_id}-{self.index}")
        self.client = Client(self.args.port, self.args.timeout, self.cookie)
        self.reviews_made = 0
        paths = self.found["review_paths"]
        # Each member walks a stretch of its own through the films: no film reviewed twice.
        members = max(1, self.args.members)
        self.review_order = (
            paths[self.index * len(paths) // members :]
            + paths[: self.index * len(paths) // members]
        )
        self.writes = 0

    @property
    def is_member(self) -> bool:
        return bool(self.username)

    def now(self) -> float:
        return time.monotonic() - self.t0

    def call(
        self, kind: str, method: str, path: str, body: dict | None = None, expect: int = 200
    ) -> tuple[Result, str]:
        start = self.now()
        status, text, failure = self.client.request(method, path, body)
        result = Result(kind, start, self.now(), status, None)
        result.error = classify(status, expect, failure)
        self.results.append(result)
        return result, text

    def token(self) -> str:
        self.writes += 1
        return f"lt-{self.run_id}-{self.index * 10_000 + self.writes:06d}"

    def form_token(self, text: str) -> str:
        match = CSRF_RE.search(text)
        return match.group(1) if match else self.csrf

    def step(self) -> None:
        actions = MEMBER_ACTIONS if self.is_member else VISITOR_ACTIONS
        action = self.rng.choices(list(actions), weights=list(actions.values()))[0]
        if action == "review" and self.reviews_made >= len(self.review_order):
            action = "vote"
        if action == "review":
            path = self.review_order[self.reviews_made]
            self.reviews_made += 1
            form, text = self.call(FORMS[action], "GET", path)
            if form.error:
                return
            token = self.token()
            rating = self.rng.choice(["", *(f"{n / 2:.1f}" for n in range(1, 11))])
            body = {
                "csrfmiddlewaretoken": self.form_token(text),
                "rating": rating,
                "body": f"Seen for the load test ({token}): a fair evening out.",
            }
            if self.rng.random() < 0.1:
                body["has_spoilers"] = "on"
            result, _ = self.call(WRITES[action], "POST", path, body, expect=302)
            if not result.error:
                self.acknowledged.append({"kind": "review", "token": token, "path": path})
        elif action == "vote":
            review, path = self.rng.choice(list(self.found["vote_paths"].items()))
            body = {"csrfmiddlewaretoken": self.csrf, "helpful": "1"}
            result, _ = self.call(WRITES[action], "POST", path, body, expect=302)
            if not result.error:
                self.acknowledged.append(
                    {"kind": "vote", "review": int(review), "user": self.username}
                )
        elif action in ("new thread", "reply"):
            paths = self.found["new_thread_paths" if action == "new thread" else "reply_paths"]
            path = self.rng.choice(paths)
            form, text = self.call(FORMS[action], "GET", path)
            if form.error:
                return
            token = self.token()
            body = {
                "csrfmiddlewaretoken": self.form_token(text),
                "body": f"A word from the load test ({token}): *still* talking about it.",
            }
            if action == "new thread":
                body["title"] = f"Load test thread {token}"
            result, _ = self.call(WRITES[action], "POST", path, body, expect=302)
            if not result.error:
                self.acknowledged.append({"kind": action, "token": token, "path": path})
        else:
            group = self.found["member" if action in self.found["member"] else "visitor"]
            self.call(action, "GET", self.rng.choice(group[action]))

    def run(self) -> None:
        try:
            while self.now() < self.deadline:
                self.step()
                time.sleep(self.rng.uniform(0, 2 * self.args.think))
        finally:
            self.client.close()


class PostgresRestart(threading.Thread):
    """Stops PostgreSQL at `at` seconds into the run, starts it `down_s` later, and notes when
    it went down, was started and answered again (seconds from the run's start)."""

    def __init__(self, t0: float, at: float, down_s: float) -> None:
        super().__init__(daemon=True)
        self.t0, self.at, self.down_s = t0, at, down_s
        self.timeline: dict = {"down": None, "stopped": None, "start": None, "up": None}
        self.error: str | None = None
        clusters = sorted(Path("/etc/postgresql").glob("*/main"))
        if not clusters:
            pages.fail("no PostgreSQL cluster in /etc/postgresql to restart")
        self.version = clusters[-1].parent.name

    def ctl(self, action: str) -> subprocess.Popen:
        return subprocess.Popen(
            ["pg_ctlcluster", "--skip-systemctl-redirect", self.version, "main", action],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def finish(self, process: subprocess.Popen, action: str) -> None:
        output, _ = process.communicate(timeout=180)
        if process.returncode:
            self.error = f"pg_ctlcluster {action} failed ({process.returncode}): {output}"

    def answers(self) -> bool:
        import psycopg2

        try:
            connection = psycopg2.connect(f"{pages.POSTGRES_URL}/{DATABASE}", connect_timeout=2)
        except psycopg2.Error:
            return False
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return True
        except psycopg2.Error:
            return False
        finally:
            connection.close()

    def now(self) -> float:
        return round(time.monotonic() - self.t0, 2)

    def run(self) -> None:
        time.sleep(max(0.0, self.at - self.now()))
        RESTART_FLAG.write_text(f"bench.loadtest restarts PostgreSQL (pid {os.getpid()})\n")
        try:
            self.timeline["down"] = self.now()
            print(f"[{self.now():6.1f} s] stopping PostgreSQL", flush=True)
            self.finish(self.ctl("stop"), "stop")
            self.timeline["stopped"] = self.now()
            time.sleep(self.down_s)
            self.timeline["start"] = self.now()
            print(f"[{self.now():6.1f} s] starting PostgreSQL", flush=True)
            # pg_ctl waits until the server is ready, and returns some time after: when it first
            # answers is watched meanwhile.
            starting = self.ctl("start")
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if self.answers():
                    self.timeline["up"] = self.now()
                    print(f"[{self.now():6.1f} s] PostgreSQL answers", flush=True)
                    break
                time.sleep(0.05)
            self.finish(starting, "start")
        finally:
            RESTART_FLAG.unlink(missing_ok=True)
            if self.timeline["start"] is None:  # interrupted while down: start it again
                self.finish(self.ctl("start"), "start")


def log_in_all(port: int, usernames: list[str], password: str) -> list[tuple[str, str]]:
    return [pages.log_in(port, name, password) for name in usernames]


def run_load(args: argparse.Namespace, found: dict, logins: list[tuple[str, str]]) -> dict:
    run_id = f"{random.getrandbits(32):08x}"
    t0 = time.monotonic()
    users = []
    for index in range(args.users):
        user = User(index, found, args, t0, args.duration, run_id)
        if index < args.members:
            user.username = found["members"][index]
            user.cookie, user.csrf = logins[index]
            user.client.cookie = user.cookie
        users.append(user)
    restart = None
    if args.restart_postgres:
        restart = PostgresRestart(t0, args.restart_at or args.duration / 2, args.down_seconds)
        restart.start()
    threads = [threading.Thread(target=user.run, daemon=True) for user in users]
    for thread in threads:
        thread.start()
    next_progress = 30.0
    try:
        while any(thread.is_alive() for thread in threads):
            time.sleep(1)
            elapsed = time.monotonic() - t0
            if elapsed >= next_progress and elapsed < args.duration:
                next_progress += 30
                done = sum(len(user.results) for user in users)
                errors = sum(1 for user in users for r in list(user.results) if r.error)
                print(f"[{elapsed:6.1f} s] {done:,} requests, {errors} errors", flush=True)
        if restart is not None:
            restart.join(timeout=180)
    finally:
        if restart is not None and restart.is_alive():  # interrupted: never leave it down
            restart.finish(restart.ctl("start"), "start")
            RESTART_FLAG.unlink(missing_ok=True)
    seconds = time.monotonic() - t0
    results = sorted((r for user in users for r in user.results), key=lambda r: r.start)
    acknowledged = [w for user in users for w in user.acknowledged]
    return {
        "run_id": run_id,
        "seconds": seconds,
        "results": results,
        "acknowledged": acknowledged,
        "restart": restart,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=300, help="seconds of load (300)")
    parser.add_argument("--users", type=int, default=24, help="virtual users (24)")
    parser.add_argument("--members", type=int, default=10, help="of them, members (10)")
    parser.add_argument(
        "--think", type=float, default=0.25, help="mean seconds between a user's requests (0.25)"
    )
    parser.add_argument("--timeout", type=float, default=30, help="a request's timeout (30 s)")
    parser.add_argument("--scale", type=float, default=0.05, help="generate_data's scale (0.05)")
    parser.add_argument("--rebuild", action="store_true", help="Build the database anew.")
    parser.add_argument("--port", type=int, default=8098, help="the server's port (8098)")
    parser.add_argument(
        "--restart-postgres", action="store_true", help="Restart PostgreSQL halfway through."
    )
    parser.add_argument("--restart-at", type=float, help="seconds into the run (half of it)")
    parser.add_argument(
        "--down-seconds", type=float, default=5, help="PostgreSQL stays down this long (5)"
    )
    args = parser.parse_args()
    if not 0 <= args.members <= min(args.users, 200):
        parser.error("--members: between 0 and --users (at most 200)")
    if args.restart_at is not None and not 0 < args.restart_at < args.duration - 20:
        parser.error("--restart-at: within the run, at least 20 s before its end")
    if pages.answers("127.0.0.1", args.port):
        pages.fail(f"something already listens on port {args.port}: pick another --port")
    host = urlsplit(pages.POSTGRES_URL).hostname
    if args.restart_postgres and host not in ("127.0.0.1", "localhost"):
        pages.fail("--restart-postgres restarts this machine's PostgreSQL only")

    limits = (
        "RATE_LIMIT_REVIEWS",
        "RATE_LIMIT_VOTES",
        "RATE_LIMIT_FORUM_POSTS",
        "RATE_LIMIT_REPORTS",
    )
    lifted = dict.fromkeys(limits, LIFTED)
    env = pages.site_env(REDIS_URL, DATABASE, FORUM_FLOOD_SECONDS="0", **lifted)
    database = pages.prepare_database(
        env, scale=args.scale, seed=None, rebuild=args.rebuild, database=DATABASE
    )
    reset = pages.django_call(env, "reset", module="loadtest")
    print(
        f"Deleted {reset['deleted']} reviews and {reset['votes_deleted']} helpful votes of "
        "earlier runs",
        flush=True,
    )
    found = pages.django_call(env, "discover", module="loadtest", members=max(args.members, 1))
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # this run's own Redis database: a cold cache
    print(
        "Limits lifted for the load test: "
        + ", ".join(f"{name}={value}" for name, value in lifted.items())
        + ", FORUM_FLOOD_SECONDS=0",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="bench-loadtest-") as tmp:
        log = Path(tmp) / "server.log"
        server = pages.Server(env, args.port, log)
        print(f"Starting `make serve` on port {args.port}", flush=True)
        server.start()
        try:
            print(f"{server.describe()}; logging {args.members} members in", flush=True)
            logins = log_in_all(args.port, found["members"][: args.members], found["password"])
            print(
                f"{args.users} users ({args.members} members) for {args.duration:g} s"
                + (
                    f"; PostgreSQL restarts at {args.restart_at or args.duration / 2:g} s"
                    if args.restart_postgres
                    else ""
                ),
                flush=True,
            )
            load = run_load(args, found, logins)
        finally:
            server.stop()
            server_log = log.read_text()
        ack_file = Path(tmp) / "acknowledged.json"
        ack_file.write_text(json.dumps(load["acknowledged"]))
        stored = pages.django_call(env, "found_writes", module="loadtest", path=str(ack_file))

    summary = summarize(load["results"], load["seconds"])
    report = {
        "benchmark": "loadtest",
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "run_id": load["run_id"],
        "settings": {
            key: getattr(args, key)
            for key in ("duration", "users", "members", "think", "timeout", "scale")
        },
        "database": {"name": DATABASE, **database},
        "limits_lifted": {**lifted, "FORUM_FLOOD_SECONDS": "0"},
        "summary": summary,
        "writes": writes_check(load["acknowledged"], stored),
    }
    restart = load["restart"]
    if restart is not None:
        timeline = dict(restart.timeline)
        if timeline["start"] is not None and timeline["down"] is not None:
            timeline["down_s"] = round((timeline["up"] or timeline["start"]) - timeline["down"], 1)
        check = restart_check(load["results"], down=timeline["down"], up=timeline["up"])
        if restart.error:
            check["problems"].append(restart.error)
            check["ok"] = False
        report["restart"] = {"timeline": timeline, "check": check}
    report["failures"] = failures_of(report)
    tracebacks = server_log.count("Traceback")
    if tracebacks:
        report["server_log_tracebacks"] = tracebacks
    print()
    print(format_report(report))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / ("loadtest-restart.json" if restart else "loadtest.json")
    report["server_log_tail"] = server_log[-5000:]
    report["errors"] = [asdict(r) for r in load["results"] if r.error][:5000]
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nWrote {out.relative_to(ROOT)}")
    sys.exit(1 if report["failures"] else 0)


if __name__ == "__main__":
    main()
