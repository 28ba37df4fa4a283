"""Load-test the site's pages as `make serve` serves them, on a PostgreSQL database at scale 1.

    make bench      (.venv/bin/python -m bench.pages [--scale 1] [--duration 10] ...)

1. The database `marquee_bench` (BENCH_POSTGRES_URL names the server, as for
   bench.import_movielens) is built once with `generate_data --scale S` and reused while the
   marker it carries (a comment on the database: scale, seed and a hash of the generator) matches;
   `--rebuild` builds it again. `--demo` fills it with `load_demo_data` instead, for a quick try.
   Reviews left by the benchmark's members are deleted (and their films rescored) at the start.
2. A Redis of its own (port 6390) for the site's cache, and two server configurations, each
   started with `make serve` (gunicorn.conf.py, debugging off) on port 8097 and stopped after:
   *uncached*, PAGE_CACHE_SECONDS=0 and FRAGMENT_CACHE_SECONDS=0, every page rendered in full;
   *members*, the film pages asked for by a logged-in member, with their shared parts from the
   fragment cache; *cached*, PAGE_CACHE_SECONDS=300, for the pages visitors get from the cache.
   All have REDIS_URL, so they differ only in these two caches, and each measures its own bare
   view (asked for without a session), the baseline its pages are compared with.
3. wrk (Debian's; installed with apt-get when missing), driven by bench/pages.lua, from another
   process. Every page is warmed up (each worker thread serves it a few times), then runs twice,
   `--duration` seconds each, and the server is let finish what a run left queued before the
   next starts. At peak: as fast as the server answers on `--connections` keep-alive
   connections, the throughput. At half that rate: requests on a fixed schedule (open loop, as
   wrk2 would; wrk2 is not in Debian), the latency the target is about. wrk times a request
   from when it is sent, so one sent late because no connection was free would hide its wait:
   late starts are counted, and a run with more than 1% of them is flagged "(late)". At a low
   rate the schedule runs on fewer connections, so that none idles into the server's keep-alive
   timeout. An answer with another status than expected (200; 302 for a posted review) is an
   error, as are wrk's socket errors and timeouts (10 s).
4. The gunicorn workers' memory (RSS from /proc) is sampled every half second; growth is each
   worker's from the end of the warm-up to the end of the configuration's runs.

Prints the machine, a table per configuration and the targets met or not, and writes the same to
bench/results/pages.json. The load generator, the server, PostgreSQL and Redis share the machine's
CPUs: absolute numbers are this machine's, the ratios to the bare view are the comparable part.
"""

import argparse
import hashlib
import http.client
import json
import math
import os
import platform
import re
import runpy
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "pages.json"
LUA_SCRIPT = ROOT / "bench" / "pages.lua"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE = "marquee_bench"
MARKER_PREFIX = "marquee-bench "
SECRET_KEY = "bench-only-secret-key-not-for-production"
# gunicorn's settings as `make serve` will start it (the environment is the server's).
GUNICORN = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
GENERATOR_FILES = ("films/synthetic.py", "films/management/commands/generate_data.py")

# The targets of the issue, reported met or not.
HOT_UNCACHED_MIN_RATIO = 0.15  # hot film page, uncached, of the bare view's requests a second
HOT_CACHED_MIN_RATIO = 0.60  # hot film page, cached for visitors
P95_AT_HALF_MAX_MS = 100.0  # every page's p95 at half its peak throughput
MEMORY_GROWTH_MAX = 0.10  # a worker's memory from the end of the warm-up to the end

BUSY_LOAD_AVERAGE = 0.5  # over this when the run starts, other work is sharing the CPUs
WARMUP_PER_THREAD = 4  # requests of each page a worker thread serves in the warm-up, at least
MAX_WARMUP_S = 20

BARE_VIEW = "bare"
HOT_FILM = "hot_film"
POST_REVIEW = "post_review"


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    path: str
    expect: int = 200  # the status every answer must have
    cookie: str = ""  # a member's cookies: the page as that member gets it

    @property
    def posts(self) -> bool:
        return self.key == POST_REVIEW


@dataclass(frozen=True)
class Config:
    name: str
    page_cache_seconds: int
    pages: tuple[str, ...]  # page keys, in the order they run
    fragment_cache_seconds: int = 0
    as_member: bool = False  # pages but the bare view are asked for by a logged-in member


CONFIGS = (
    Config(
        "uncached",
        0,
        (
            BARE_VIEW,
            "healthz",
            HOT_FILM,
            "typical_film",
            "home",
            "browse",
            "search",
            "thread_first",
            "thread_last",
            # Last: its reviews change what the other pages show.
            POST_REVIEW,
        ),
    ),
    # The film page as members get it: never from the page cache, its shared parts from the
    # fragment cache.
    Config(
        "members",
        0,
        (BARE_VIEW, HOT_FILM, "typical_film"),
        fragment_cache_seconds=300,
        as_member=True,
    ),
    Config("cached", 300, (BARE_VIEW, HOT_FILM, "home", "browse"), fragment_cache_seconds=300),
)


# ---------------------------------------------------------------------------------------------
# Reading wrk's output and the figures made from it (no server needed: tests/test_bench.py).


def parse_wrk(stdout: str) -> dict:
    """One run's figures from wrk's output, as bench/pages.lua's done() printed them.

    Latencies in milliseconds. `errors` counts socket errors, timeouts and every answer with
    another status than expected (wrk's own count, "Non-2xx or 3xx responses", is among them).
    """
    line = next((line for line in stdout.splitlines() if line.startswith("BENCH-RESULT ")), None)
    if line is None:
        raise ValueError(f"no BENCH-RESULT line in wrk's output:\n{stdout}")
    raw = json.loads(line.removeprefix("BENCH-RESULT "))
    seconds = raw["duration_us"] / 1e6
    socket_errors = {k: v for k, v in raw["errors"].items() if k != "status"}
    percentiles = raw["latency_us"]["percentiles"]
    return {
        "requests": raw["requests"],
        "seconds": round(seconds, 3),
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": round(percentiles["50"] / 1000, 2),
        "p90_ms": round(percentiles["90"] / 1000, 2),
        "p95_ms": round(percentiles["95"] / 1000, 2),
        "p99_ms": round(percentiles["99"] / 1000, 2),
        "max_ms": round(raw["latency_us"]["max"] / 1000, 2),
        "errors": sum(socket_errors.values()) + max(raw["unexpected"], raw["errors"]["status"]),
        "socket_errors": socket_errors,
        "unexpected_statuses": raw["unexpected_statuses"],
        "late_starts": raw["late"],
        "max_lag_ms": round(raw["max_lag_ms"], 1),
        "next_post": raw.get("next_post"),
    }


def ratio(rps: float, bare_rps: float) -> float | None:
    """A page's requests a second as a share of the bare view's."""
    return round(rps / bare_rps, 3) if bare_rps else None


def schedule_kept(run: dict, rate: float) -> bool:
    """Whether a run on a schedule sent its requests on time: late starts under 1%, and the
    rate it reached within 5% of the one asked."""
    return run["late_starts"] <= 0.01 * max(run["requests"], 1) and run["rps"] >= 0.95 * rate


def half_rate_connections(rate: float, *, keepalive: float, most: int) -> int:
    """Connections for a run on a schedule at `rate` requests a second.

    Each waits about connections / rate seconds for its next slot; kept under half the server's
    keep-alive, the server never closes one as wrk sends on it (errors no client behind a proxy
    would meet). Enough all the same for requests of up to a second or so to overlap.
    """
    return max(2, min(most, math.floor(rate * keepalive / 2)))


def memory_summary(samples: list[dict[int, int]]) -> dict:
    """The workers' memory over a run, from RSS samples ({pid: kB}) taken after the warm-up.

    Growth is each worker's from its first sample to its last (a worker replaced in between is
    reported, as its memory is not comparable); the largest is the one the target is about.
    """
    samples = [sample for sample in samples if sample]
    if not samples:
        return {"samples": 0}
    first, last = samples[0], samples[-1]
    kept = sorted(set(first) & set(last))
    growth = {pid: (last[pid] - first[pid]) / first[pid] for pid in kept if first[pid]}
    return {
        "samples": len(samples),
        "workers": len(last),
        "start_total_mb": round(sum(first.values()) / 1024, 1),
        "end_total_mb": round(sum(last.values()) / 1024, 1),
        "peak_total_mb": round(max(sum(sample.values()) for sample in samples) / 1024, 1),
        "peak_worker_mb": round(max(max(sample.values()) for sample in samples) / 1024, 1),
        "max_growth": round(max(growth.values()), 4) if growth else None,
        "replaced_workers": len(set(first) ^ set(last)) // 2 if set(first) != set(last) else 0,
    }


def evaluate_targets(configs: list[dict]) -> list[dict]:
    """Each target of the issue with the measured value and whether it is met."""
    by_name = {config["name"]: config for config in configs}
    targets = []

    def hot_ratio(name: str) -> float | None:
        pages = {page["key"]: page for page in by_name.get(name, {}).get("pages", [])}
        return pages[HOT_FILM]["ratio"] if HOT_FILM in pages else None

    for name, minimum in (("uncached", HOT_UNCACHED_MIN_RATIO), ("cached", HOT_CACHED_MIN_RATIO)):
        value = hot_ratio(name)
        if value is not None:
            targets.append(
                {
                    "target": f"hot film page, {name}: ≥ {minimum:.0%} of the bare view's req/s",
                    "value": f"{value:.1%}",
                    "met": value >= minimum,
                }
            )
    slow = [
        f"{page['label']} ({config['name']}) {page['half']['p95_ms']:.0f} ms"
        for config in configs
        for page in config["pages"]
        if page["half"]["p95_ms"] >= P95_AT_HALF_MAX_MS
    ]
    slipped = [
        f"{page['label']} ({config['name']})"
        for config in configs
        for page in config["pages"]
        if not page["half_schedule_kept"]
    ]
    value = "; ".join(slow) if slow else "all under"
    if slipped:
        # Requests that waited for a free connection were timed from when they went out.
        value += f"; not shown where the schedule slipped: {', '.join(slipped)}"
    targets.append(
        {
            "target": f"every page: p95 < {P95_AT_HALF_MAX_MS:.0f} ms at half its peak req/s",
            "value": value,
            "met": not slow and not slipped,
            **({"schedule_not_kept": slipped} if slipped else {}),
        }
    )
    errors = {
        f"{page['label']} ({config['name']})": page["peak"]["errors"] + page["half"]["errors"]
        for config in configs
        for page in config["pages"]
    }
    failing = {label: count for label, count in errors.items() if count}
    targets.append(
        {
            "target": "zero errors",
            "value": ", ".join(f"{label}: {count}" for label, count in failing.items()) or "none",
            "met": not failing,
        }
    )
    for config in configs:
        growth = config["memory"].get("max_growth")
        targets.append(
            {
                "target": f"worker memory flat, {config['name']}: growth ≤ {MEMORY_GROWTH_MAX:.0%}",
                "value": "not measured" if growth is None else f"{growth:+.1%}",
                "met": growth is not None and growth <= MEMORY_GROWTH_MAX,
            }
        )
    return targets


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def format_report(report: dict) -> str:
    """The report as Markdown: the machine, a table per configuration, the targets."""
    machine = report["machine"]
    lines = [
        f"# Page benchmark, {report['at']}",
        "",
        f"Machine: {machine['cpu']}, {machine['cpus']} CPUs, {machine['ram_gb']} GB RAM; "
        f"PostgreSQL {machine['postgresql']}, Redis {machine['redis']}, "
        f"Python {machine['python']}, {machine['wrk']}.",
        f"Database: {report['database']['describe']}.",
        f"Load: wrk, {report['settings']['threads']} thread(s), "
        f"{report['settings']['connections']} connections, {report['settings']['duration']} s "
        "at peak, then as long at half the peak's rate on a fixed schedule (on fewer "
        "connections at a low rate, so none idles into the server's keep-alive timeout).",
    ]
    for config in report["configs"]:
        memory = config["memory"]
        lines += [
            "",
            f"## {config['name']} (PAGE_CACHE_SECONDS={config['page_cache_seconds']}, "
            f"FRAGMENT_CACHE_SECONDS={config.get('fragment_cache_seconds', 0)}; "
            f"{config['server']})",
            "",
            "| page | req/s | vs bare | p50 | p95 | p99 | errors "
            "| half rate | p50 | p95 | p99 | errors |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for page in config["pages"]:
            peak, half = page["peak"], page["half"]
            share = "—" if page["ratio"] is None else f"{page['ratio']:.0%}"
            flag = "" if page["half_schedule_kept"] else " (late)"
            lines.append(
                f"| {page['label']} | {peak['rps']:,.0f} | {share} | {_ms(peak['p50_ms'])} "
                f"| {_ms(peak['p95_ms'])} | {_ms(peak['p99_ms'])} | {peak['errors']} "
                f"| {half['rps']:,.0f}{flag} | {_ms(half['p50_ms'])} | {_ms(half['p95_ms'])} "
                f"| {_ms(half['p99_ms'])} | {half['errors']} |"
            )
        if memory.get("samples"):
            lines += [
                "",
                f"Workers' memory (RSS): largest worker {memory['peak_worker_mb']} MB, all "
                f"{memory['workers']} together at most {memory['peak_total_mb']} MB; from the "
                f"warm-up's end to the last run {memory['start_total_mb']} → "
                f"{memory['end_total_mb']} MB, largest growth of a worker "
                f"{memory['max_growth']:+.1%}"
                + (
                    f"; {memory['replaced_workers']} worker(s) replaced"
                    if memory["replaced_workers"]
                    else ""
                )
                + ".",
            ]
    lines += [
        "",
        "Latencies in ms; vs bare: the page's req/s over the bare view's in the same "
        "configuration; (late): the half-rate run could not keep its schedule.",
        "",
        "## Targets",
        "",
    ]
    for target in report["targets"]:
        mark = "met" if target["met"] else "NOT MET"
        lines.append(f"- {mark}: {target['target']} — {target['value']}")
    for note in report.get("notes", []):
        lines.append(f"- note: {note}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Inside Django (run in a subprocess by `django_call`): finding the pages, resetting reviews.


def discover(
    *, demo: bool, hot_film: str | None, hot_thread: str | None, members: int, films: int
) -> dict:
    """The benchmark's pages in this database, and the members and films for posting reviews.

    The hot film and thread are generate_data's, or in demo data the most reviewed film and the
    longest thread. Creates the benchmark's members where they are missing (demo data has none).
    """
    import math as _math

    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.urls import reverse
    from django.utils import timezone

    from films.models import Film, Genre
    from films.synthetic import BENCH_MEMBER_PREFIX, BENCH_PASSWORD
    from forums.models import Post, Thread
    from reviews.models import AudienceReview

    HOT_FILM_SLUG = HOT_THREAD_TITLE = None
    if not demo:
        from films.synthetic import HOT_FILM_SLUG, HOT_THREAD_TITLE

    hot_slug = hot_film or HOT_FILM_SLUG
    if hot_slug:
        hot = Film.objects.get(slug=hot_slug)
    else:  # a demo database: the film with the most reviews
        hot = Film.objects.order_by("-critic_review_count", "-audience_rating_count", "pk")[0]
    others = Film.objects.exclude(pk=hot.pk).order_by(
        "audience_rating_count", "critic_review_count", "pk"
    )
    typical = others[others.count() // 2]  # the median film by ratings
    genre = (
        Genre.objects.annotate(film_count=Count("films")).order_by("-film_count", "slug").first()
    )
    browse = reverse("films:list") + "?" + urlencode({"genre": genre.slug, "sort": "critics"})
    search = reverse("films:search") + "?" + urlencode({"q": typical.title})

    title = hot_thread or HOT_THREAD_TITLE
    thread = (
        Thread.objects.get(title=title)
        if title
        else Thread.objects.order_by("-reply_count", "pk").first()
    )
    from forums.views import POSTS_PER_PAGE

    posts = Post.objects.filter(thread=thread).count()
    last_page = max(1, _math.ceil(posts / POSTS_PER_PAGE))
    thread_path = thread.get_absolute_url()

    User = get_user_model()
    usernames = [f"{BENCH_MEMBER_PREFIX}{n}" for n in range(1, members + 1)]
    existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    for username in usernames:
        if username not in existing:
            User.objects.create_user(username=username, password=BENCH_PASSWORD)

    today = timezone.localdate()
    post_films = (
        Film.objects.exclude(pk__in=[hot.pk, typical.pk])
        .exclude(release_date__gt=today)
        .order_by("pk")
        .values_list("slug", flat=True)[:films]
    )
    return {
        "catalogue": {
            "films": Film.objects.count(),
            "ratings": AudienceReview.objects.filter(rating__isnull=False).count(),
        },
        "pages": {
            BARE_VIEW: None,  # decided against the running server
            "healthz": reverse("healthz"),
            HOT_FILM: hot.get_absolute_url(),
            "typical_film": typical.get_absolute_url(),
            "home": reverse("home"),
            "browse": browse,
            "search": search,
            "thread_first": thread_path,
            "thread_last": f"{thread_path}?page={last_page}" if last_page > 1 else thread_path,
        },
        "hot_film": {
            "slug": hot.slug,
            "critic_reviews": hot.critic_review_count,
            "ratings": hot.audience_rating_count,
        },
        "typical_film": {
            "slug": typical.slug,
            "critic_reviews": typical.critic_review_count,
            "ratings": typical.audience_rating_count,
        },
        "thread": {"title": thread.title, "posts": posts, "pages": last_page},
        "members": usernames,
        "password": BENCH_PASSWORD,
        "post_paths": [reverse("reviews:audience_review_form", args=[slug]) for slug in post_films],
    }


def reset_reviews() -> dict:
    """Delete the benchmark members' reviews and rescore their films, so a run posts anew."""
    from django.db import transaction

    from films.synthetic import BENCH_MEMBER_PREFIX
    from reviews.models import AudienceReview
    from reviews.scores import refresh_scores
    from reviews.tallies import Tallies

    with transaction.atomic():
        reviews = AudienceReview.objects.filter(user__username__startswith=BENCH_MEMBER_PREFIX)
        film_ids = sorted(set(reviews.values_list("film_id", flat=True)))
        tallies = Tallies().audience_reviews(reviews)
        deleted = reviews.delete()[1].get("reviews.AudienceReview", 0)
        tallies.refresh()
    if film_ids:
        refresh_scores(film_ids=film_ids)
    return {"deleted": deleted, "films_rescored": len(film_ids)}


# ---------------------------------------------------------------------------------------------
# The harness: the database, Redis, the server, wrk.


def fail(message: str) -> None:
    sys.exit(f"bench.pages: {message}")


def site_env(redis_url: str, database: str = DATABASE, **extra: str) -> dict:
    """The environment of everything that runs the site here, whatever .env says."""
    return {
        **os.environ,
        "DATABASE_URL": f"{POSTGRES_URL}/{database}",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "REDIS_URL": redis_url,
        **extra,
    }


def django_call(env: dict, function: str, *, module: str = "pages", **kwargs) -> dict:
    """Call a function of this module (or of another in bench/) inside Django, in a
    subprocess; its JSON result."""
    code = (
        "import json, os, sys, django\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'reviewsite.settings')\n"
        "django.setup()\n"
        f"from bench import {module}\n"
        f"result = {module}.{function}(**json.loads(sys.argv[1]))\n"
        "print('BENCH-RESULT ' + json.dumps(result))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(kwargs)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH-RESULT ")]
    if done.returncode or not lines:
        fail(f"{function} failed:\n{done.stdout}{done.stderr}")
    return json.loads(lines[-1].removeprefix("BENCH-RESULT "))


def manage(env: dict, *args: str, quiet: bool = True) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=quiet,
        text=True,
        check=False,
    )
    if done.returncode:
        fail(f"manage.py {' '.join(args)} failed:\n{done.stdout or ''}{done.stderr or ''}")


def apt_install(command: str, package: str) -> None:
    """Install a Debian package for a missing command, as the project does (never by hand)."""
    if shutil.which(command):
        return
    if os.geteuid() != 0:
        fail(f"{command} is missing: install it with `sudo apt-get install -y {package}`")
    print(f"Installing {package} (apt-get install -y {package})", flush=True)
    install = ["apt-get", "install", "-y", "-q", package]
    if subprocess.run(install, check=False).returncode:
        subprocess.run(["apt-get", "update", "-q"], check=True)
        subprocess.run(install, check=True)


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def ensure_postgres() -> None:
    """Start the machine's PostgreSQL cluster, as .ci/run does, when nothing answers."""
    parts = urlsplit(POSTGRES_URL)
    host, port = parts.hostname or "127.0.0.1", parts.port or 5432
    if answers(host, port):
        return
    clusters = sorted(Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").exists() else []
    if not clusters or host not in ("127.0.0.1", "localhost"):
        fail(f"PostgreSQL does not answer on {host}:{port} (BENCH_POSTGRES_URL)")
    print("Starting PostgreSQL", flush=True)
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", clusters[0].name, "main", "start"],
        check=False,
    )
    for _ in range(30):
        if answers(host, port):
            return
        time.sleep(1)
    fail(f"PostgreSQL does not answer on {host}:{port}")


def postgres(sql: str, params: tuple = (), database: str = "postgres"):
    import psycopg2

    connection = psycopg2.connect(f"{POSTGRES_URL}/{database}")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone() if cursor.description else None
            return row[0] if row else None
    finally:
        connection.close()


def wanted_marker(*, scale: float | None, seed: int | None) -> str:
    """What the database must have been built as to be reused: data, scale, seed, generator."""
    if scale is None:
        return MARKER_PREFIX + json.dumps({"data": "demo"})
    digest = hashlib.sha256()
    for name in GENERATOR_FILES:
        path = ROOT / name
        digest.update(path.read_bytes() if path.exists() else b"")
    return MARKER_PREFIX + json.dumps(
        {"data": "synthetic", "scale": scale, "seed": seed, "generator": digest.hexdigest()[:12]}
    )


def prepare_database(
    env: dict,
    *,
    scale: float | None,
    seed: int | None,
    rebuild: bool,
    database: str = DATABASE,
) -> dict:
    """Reuse `database` (`marquee_bench`) if it was built as asked, else build it; migrate it
    either way. `env` must name the same database (site_env's `database`)."""
    ensure_postgres()
    marker = wanted_marker(scale=scale, seed=seed)
    current = postgres(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        (database,),
    )
    reused = current == marker and not rebuild
    if reused:
        print(f"Reusing database {database} ({marker.removeprefix(MARKER_PREFIX)})", flush=True)
        manage(env, "migrate", "--noinput")
    else:
        print(f"Building database {database} ({marker.removeprefix(MARKER_PREFIX)})", flush=True)
        postgres(f"DROP DATABASE IF EXISTS {database}")
        postgres(f"CREATE DATABASE {database}")
        manage(env, "migrate", "--noinput")
        started = time.perf_counter()
        if scale is None:
            manage(env, "load_demo_data")
        else:
            seed_args = ["--seed", str(seed)] if seed is not None else []
            manage(env, "generate_data", "--scale", f"{scale:g}", *seed_args, quiet=False)
        print(f"Built in {time.perf_counter() - started:.0f} s", flush=True)
        # Marked only once complete: an interrupted build is built again next time.
        postgres(f"COMMENT ON DATABASE {database} IS %s", (marker,))
    return {"marker": json.loads(marker.removeprefix(MARKER_PREFIX)), "reused": reused}


class Redis:
    """A Redis of the benchmark's own, with nothing saved to disk."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        if answers("127.0.0.1", self.port):
            fail(f"something already listens on port {self.port}: pick another --redis-port")
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(50):
            if answers("127.0.0.1", self.port):
                return
            time.sleep(0.1)
        fail("redis-server did not start")

    def flush(self) -> None:
        import redis

        redis.Redis.from_url(self.url).flushdb()

    def page_cache(self) -> tuple[int, bytes | None]:
        """The site's page cache (reviewsite/pagecache.py): how many pages it keeps, and its
        generation, which every write to what visitors see moves on."""
        import redis

        client = redis.Redis.from_url(self.url)
        keys = list(client.scan_iter(match="*pagecache:*"))
        generation = [key for key in keys if key.endswith(b"pagecache:generation")]
        return len(keys) - len(generation), client.get(generation[0]) if generation else None

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The command may hold spaces and parentheses; the fields after its last ")" do not.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def rss_kb(pid: int) -> int | None:
    try:
        for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class Server:
    """`make serve` on its own port, in a process group of its own, stopped by its id."""

    def __init__(self, env: dict, port: int, log: Path) -> None:
        self.env = {**env, "PORT": str(port)}
        self.port = port
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                # `-o .env`: no .env copied from .env.example; the environment says it all.
                ["make", "--no-print-directory", "--old-file=.env", "serve"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 180  # migrate and collectstatic come first
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                fail(f"`make serve` stopped:\n{self.log.read_text()[-3000:]}")
            if self.status("/healthz") == 200 and len(self.workers()) >= 1:
                time.sleep(1)  # let every worker finish booting
                return
            time.sleep(0.5)
        fail(f"the server did not answer in time:\n{self.log.read_text()[-3000:]}")

    def status(self, path: str, headers: dict | None = None) -> int | None:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            response.read()
            connection.close()
            return response.status
        except (OSError, http.client.HTTPException):
            return None

    def master(self) -> int | None:
        """gunicorn's master: the first process under `make` that runs gunicorn."""
        children = _children()
        pending = list(children.get(self.process.pid, []))
        while pending:
            pid = pending.pop(0)
            if "gunicorn" in _cmdline(pid):
                return pid
            pending += children.get(pid, [])
        return None

    def workers(self) -> list[int]:
        master = self.master()
        return sorted(_children().get(master, [])) if master else []

    def describe(self) -> str:
        text = self.log.read_text()
        worker = next(
            (
                line.rsplit(":", 1)[1].strip()
                for line in text.splitlines()
                if "Using worker" in line
            ),
            "?",
        )
        return (
            f"gunicorn, {len(self.workers())} {worker} workers, {GUNICORN['threads']} thread(s) "
            "each"
        )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # the group this harness started
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def cpu_ticks(pids: list[int]) -> int:
    """CPU time the processes have used, in clock ticks."""
    total = 0
    for pid in pids:
        try:
            fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def wait_idle(server: "Server", timeout: float = 300) -> float:
    """Wait until the server has finished what the last run left it; the seconds waited.

    When wrk stops, the requests it sent are still queued in the server, which works them off
    for a client that is gone: the next run would start behind them. Idle is a second in which
    the workers use (almost) no CPU and no query of theirs runs.
    """
    started = time.monotonic()
    quiet_ticks = os.sysconf("SC_CLK_TCK") * 0.05  # 5% of a CPU over the half second
    previous, quiet = cpu_ticks(server.workers()), 0
    while time.monotonic() - started < timeout:
        time.sleep(0.5)
        current = cpu_ticks(server.workers())
        busy = current - previous > quiet_ticks
        previous = current
        active = postgres(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND state = 'active'",
            (DATABASE,),
        )
        quiet = 0 if busy or active else quiet + 1
        if quiet >= 2:
            break
    return round(time.monotonic() - started, 1)


class MemorySampler(threading.Thread):
    """The gunicorn workers' RSS every half second, while `recording`."""

    def __init__(self, server: Server) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.samples: list[dict[int, int]] = []
        self.recording = False
        self.finished = threading.Event()

    def run(self) -> None:
        while not self.finished.wait(0.5):
            if self.recording:
                sample = {pid: rss_kb(pid) for pid in self.server.workers()}
                self.samples.append({pid: kb for pid, kb in sample.items() if kb})

    def stop(self) -> list[dict[int, int]]:
        self.recording = False
        self.finished.set()
        self.join()
        return self.samples


def log_in(port: int, username: str, password: str) -> tuple[str, str]:
    """Log a member in over HTTP: (their Cookie header, their CSRF token)."""

    def cookies_from(response: http.client.HTTPResponse) -> dict[str, str]:
        jar = SimpleCookie()
        for value in response.headers.get_all("Set-Cookie") or []:
            jar.load(value)
        return {name: morsel.value for name, morsel in jar.items()}

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/accounts/login/")
    response = connection.getresponse()
    response.read()
    cookies = cookies_from(response)
    form = urlencode(
        {"csrfmiddlewaretoken": cookies["csrftoken"], "username": username, "password": password}
    )
    connection.request(
        "POST",
        "/accounts/login/",
        body=form,
        headers={
            "Cookie": f"csrftoken={cookies['csrftoken']}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 302:
        fail(f"logging {username} in answered {response.status}, not a redirect")
    cookies.update(cookies_from(response))
    cookie = f"csrftoken={cookies['csrftoken']}; sessionid={cookies['sessionid']}"
    return cookie, cookies["csrftoken"]


def write_posts_file(path: Path, logins: list[tuple[str, str]], post_paths: list[str]) -> None:
    lines = [f"M\t{cookie}\t{csrf}" for cookie, csrf in logins]
    lines += [f"F\t{film_path}" for film_path in post_paths]
    path.write_text("\n".join(lines) + "\n")


def connection_spread(port: int) -> list[int]:
    """How many of the open connections to the server each worker holds, most first.

    gthread workers keep a connection for its life, and one worker may take most of a burst
    of new ones: a fast page's throughput then depends on how they fell (see the JSON).
    """
    done = subprocess.run(
        ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
        check=False,
    )
    counts: dict[str, int] = {}
    for line in done.stdout.splitlines():
        for pid in re.findall(r"pid=(\d+)", line)[:1]:
            counts[pid] = counts.get(pid, 0) + 1
    return sorted(counts.values(), reverse=True)


class Wrk:
    def __init__(self, port: int, args: argparse.Namespace, posts_file: Path) -> None:
        self.port = port
        self.args = args
        self.posts_file = posts_file
        self.next_post = 0  # posted reviews go on from here, so no (member, film) pair repeats

    def run(
        self, page: Page, *, duration: float, rate: float = 0.0, connections: int | None = None
    ) -> dict:
        env = {
            **os.environ,
            "BENCH_EXPECT": str(page.expect),
            "BENCH_RATE": f"{rate:.3f}",
            "BENCH_THREADS": str(self.args.threads),
            "BENCH_POSTS": str(self.posts_file) if page.posts else "",
            "BENCH_POST_FROM": str(self.next_post),
            "BENCH_COOKIE": page.cookie,
        }
        command = [
            "wrk",
            f"--threads={self.args.threads}",
            f"--connections={max(connections or self.args.connections, self.args.threads)}",
            f"--duration={max(1, round(duration))}s",
            "--timeout=10s",
            f"--script={LUA_SCRIPT}",
            f"http://127.0.0.1:{self.port}{page.path}",
        ]
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        time.sleep(min(2, duration / 2))
        spread = connection_spread(self.port)
        stdout, stderr = process.communicate(timeout=duration + 120)
        if process.returncode:
            fail(f"wrk failed ({process.returncode}):\n{stdout}{stderr}")
        try:
            result = parse_wrk(stdout)
        except ValueError as error:
            fail(f"{error}\n{stderr}")
        result["connections_per_worker"] = spread
        if page.posts and result["next_post"] is not None:
            self.next_post = int(result["next_post"])
        return result


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in cpuinfo.splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    ram_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    redis = subprocess.run(
        ["redis-server", "--version"], capture_output=True, text=True, check=False
    )
    redis_version = next(
        (part.split("=", 1)[1] for part in redis.stdout.split() if part.startswith("v=")), "?"
    )
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "ram_gb": round(ram_kb / 1024 / 1024, 1),
        "postgresql": postgres("SHOW server_version").split()[0],
        "redis": redis_version,
        "python": platform.python_version(),
        "wrk": " ".join(wrk.stdout.split()[:2]) or "wrk",
        "platform": platform.platform(),
    }


def bare_view_path(server: Server) -> tuple[str, str | None]:
    """The bare view (/ping); until it exists, /robots.txt, which renders a small template."""
    if server.status("/ping") == 200:
        return "/ping", None
    return "/robots.txt", "no /ping: /robots.txt (a small template) stood in for the bare view"


LABELS = {
    BARE_VIEW: "bare view",
    "healthz": "/healthz (one query)",
    HOT_FILM: "hot film page",
    "typical_film": "typical film page",
    "home": "home",
    "browse": "browse, genre, by Critics Score",
    "search": "search",
    "thread_first": "hot thread, first page",
    "thread_last": "hot thread, last page",
    POST_REVIEW: "member posts a review",
}


def bench_config(
    config: Config,
    *,
    args: argparse.Namespace,
    found: dict,
    redis: Redis,
    workdir: Path,
    notes: list[str],
) -> dict:
    """Start `make serve` as `config` says, measure its pages, stop it."""
    redis.flush()
    server = Server(
        site_env(
            redis.url,
            PAGE_CACHE_SECONDS=str(config.page_cache_seconds),
            FRAGMENT_CACHE_SECONDS=str(config.fragment_cache_seconds),
            RATE_LIMIT_REVIEWS="1000000000",
        ),
        args.port,
        workdir / f"server-{config.name}.log",
    )
    print(f"\n== {config.name}: starting `make serve` on port {args.port}", flush=True)
    server.start()
    sampler = MemorySampler(server)
    try:
        bare_path, note = bare_view_path(server)
        if note and note not in notes:
            notes.append(note)
        paths = {**found["pages"], BARE_VIEW: bare_path}
        pages = []
        for key in config.pages:
            if args.page and key not in args.page and key != BARE_VIEW:
                continue
            if key == POST_REVIEW:
                pages.append(Page(key, LABELS[key], found["post_paths"][0], expect=302))
            else:
                pages.append(Page(key, LABELS[key], paths[key]))
        for page in pages:
            if not page.posts and (status := server.status(page.path)) != 200:
                fail(f"{page.label} ({page.path}) answered {status}, not 200")
        posts_file = workdir / "posts.tsv"
        posting = any(page.posts for page in pages)
        if posting or config.as_member:
            print(f"Logging {len(found['members'])} members in", flush=True)
            logins = [log_in(args.port, name, found["password"]) for name in found["members"]]
            write_posts_file(posts_file, logins, found["post_paths"])
            cookie = logins[0][0]
            if (status := server.status(found["post_paths"][0], {"Cookie": cookie})) != 200:
                fail(f"a logged-in member's review form answered {status}")
            if config.as_member:
                pages = [
                    page if page.key == BARE_VIEW else replace(page, cookie=cookie)
                    for page in pages
                ]
        wrk = Wrk(args.port, args, posts_file)
        sampler.start()
        print("Warming up", flush=True)
        # Every worker thread serves each page a few times before memory is first sampled, so
        # that growth after it is not a first use.
        wanted = WARMUP_PER_THREAD * len(server.workers()) * GUNICORN["threads"]
        for page in pages:
            warm = wrk.run(page, duration=args.warmup)
            wait_idle(server)
            if warm["requests"] < wanted and warm["rps"]:
                more = min(MAX_WARMUP_S, (wanted - warm["requests"]) / warm["rps"])
                wrk.run(page, duration=more)
                wait_idle(server)
        # Proof that the configuration is what it says: pages kept in the cache, or none.
        cached_pages, generation = redis.page_cache()
        if bool(cached_pages) != bool(config.page_cache_seconds):
            notes.append(
                f"{config.name}: {cached_pages} pages in the cache after the warm-up, "
                f"with PAGE_CACHE_SECONDS={config.page_cache_seconds}"
            )
        sampler.recording = True
        results = []
        for page in pages:
            peak = wrk.run(page, duration=args.duration)
            peak["drain_s"] = wait_idle(server)
            half_rate = max(peak["rps"] / 2, 0.5)  # a page that never answered still runs
            half_connections = half_rate_connections(
                half_rate, keepalive=GUNICORN["keepalive"], most=args.connections
            )
            half = wrk.run(
                page, duration=args.duration, rate=half_rate, connections=half_connections
            )
            half["drain_s"] = wait_idle(server)
            results.append(
                {
                    "key": page.key,
                    "label": page.label,
                    "path": page.path if not page.posts else "/films/<slug>/review/ (POST)",
                    "peak": peak,
                    "half_rate": round(half_rate, 1),
                    "half_connections": half_connections,
                    "half": half,
                    "half_schedule_kept": schedule_kept(half, half_rate),
                }
            )
            print(
                f"  {page.label:<34} {peak['rps']:>8,.0f} req/s  p95 {peak['p95_ms']:>7.1f} ms"
                f" | half {half['rps']:>7,.0f} req/s  p95 {half['p95_ms']:>6.1f} ms"
                f"  errors {peak['errors'] + half['errors']}",
                flush=True,
            )
        if posting:
            pairs = len(found["members"]) * len(found["post_paths"])
            if wrk.next_post > pairs:
                notes.append(
                    f"{wrk.next_post:,} reviews posted over {pairs:,} (member, film) pairs: "
                    "the later ones edited a review (more members or films: --members, a larger "
                    "--scale)"
                )
        describe = server.describe()
        # A write during the runs would have sent visitors' pages to be rendered again.
        cached_pages_at_end, generation_at_end = redis.page_cache()
        if config.page_cache_seconds and generation_at_end != generation:
            notes.append(
                f"{config.name}: something wrote during the runs, so kept pages were rendered "
                "again (the page cache's generation moved on)"
            )
    finally:
        samples = sampler.stop() if sampler.is_alive() else sampler.samples
        server.stop()
    bare_rps = next(result["peak"]["rps"] for result in results if result["key"] == BARE_VIEW)
    for result in results:
        result["ratio"] = ratio(result["peak"]["rps"], bare_rps)
    return {
        "name": config.name,
        "page_cache_seconds": config.page_cache_seconds,
        "fragment_cache_seconds": config.fragment_cache_seconds,
        "server": describe,
        "cached_pages_after_warmup": cached_pages,
        "cached_pages_at_end": cached_pages_at_end,
        "pages": results,
        "memory": memory_summary(samples),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="generate_data's scale (1)")
    parser.add_argument("--seed", type=int, default=None, help="generate_data's seed")
    parser.add_argument(
        "--demo", action="store_true", help="Fill the database with load_demo_data instead."
    )
    parser.add_argument("--rebuild", action="store_true", help="Build the database anew.")
    parser.add_argument("--duration", type=float, default=10, help="seconds a run (10)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up a page (2)")
    parser.add_argument("--connections", type=int, default=32, help="wrk's connections (32)")
    parser.add_argument("--threads", type=int, default=1, help="wrk's threads (1)")
    parser.add_argument("--members", type=int, default=20, help="members posting reviews (20)")
    parser.add_argument("--hot-film", help="the hot film's slug (generate_data's by default)")
    parser.add_argument("--hot-thread", help="the hot thread's title (generate_data's)")
    parser.add_argument(
        "--config",
        choices=[config.name for config in CONFIGS],
        action="append",
        help="run only this server configuration (repeatable)",
    )
    parser.add_argument(
        "--page",
        choices=[key for key in LABELS if key != BARE_VIEW],
        action="append",
        help="run only this page, and the bare view (repeatable)",
    )
    parser.add_argument("--port", type=int, default=8097, help="the server's port (8097)")
    parser.add_argument("--redis-port", type=int, default=6390, help="Redis's port (6390)")
    args = parser.parse_args()
    if args.threads > args.connections:
        parser.error("--connections must be at least --threads")

    load_at_start = os.getloadavg()[0]  # before this run adds its own
    apt_install("wrk", "wrk")
    apt_install("redis-server", "redis-server")
    redis = Redis(args.redis_port)
    env = site_env(redis.url)
    notes: list[str] = []
    configs = []
    redis.start()  # the site's writes, building the database too, reach the cache
    try:
        database = prepare_database(
            env, scale=None if args.demo else args.scale, seed=args.seed, rebuild=args.rebuild
        )
        info = {**machine(), "load_average_at_start": load_at_start}
        if load_at_start > BUSY_LOAD_AVERAGE:
            notes.append(
                f"the machine was busy when the run started (load average "
                f"{load_at_start:.1f} on {info['cpus']} CPUs): other work shared its "
                "CPUs, so the figures are lower and noisier than on an idle machine"
            )
        reset = django_call(env, "reset_reviews")
        print(
            f"Deleted {reset['deleted']} reviews of earlier runs "
            f"(rescored {reset['films_rescored']} films)",
            flush=True,
        )
        # Enough films that no member reviews one twice, at several hundred posts a second.
        films_needed = max(2000, math.ceil(200_000 / args.members))
        found = django_call(
            env,
            "discover",
            demo=args.demo,
            hot_film=args.hot_film,
            hot_thread=args.hot_thread,
            members=args.members,
            films=films_needed,
        )
        with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
            for config in CONFIGS:
                if args.config and config.name not in args.config:
                    continue
                configs.append(
                    bench_config(
                        config,
                        args=args,
                        found=found,
                        redis=redis,
                        workdir=Path(tmp),
                        notes=notes,
                    )
                )
    finally:
        redis.stop()

    marker = database["marker"]
    describe = (
        "demo data (load_demo_data)"
        if marker["data"] == "demo"
        else f"generate_data --scale {marker['scale']:g}"
    )
    describe += (
        f", {found['catalogue']['films']:,} films, {found['catalogue']['ratings']:,} ratings; "
        f"hot film {found['hot_film']['slug']} ({found['hot_film']['critic_reviews']:,} critic "
        f"reviews, {found['hot_film']['ratings']:,} ratings); hot thread "
        f"{found['thread']['posts']:,} posts ({found['thread']['pages']} pages)"
        + ("; reused" if database["reused"] else "; built for this run")
    )
    report = {
        "benchmark": "pages",
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": info,
        "database": {**database, "describe": describe, "found": found["pages"]},
        "settings": {
            "duration": args.duration,
            "warmup": args.warmup,
            "connections": args.connections,
            "threads": args.threads,
            "members": args.members,
        },
        "configs": configs,
        "notes": notes,
    }
    report["targets"] = evaluate_targets(configs)
    print()
    print(format_report(report))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nWrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
