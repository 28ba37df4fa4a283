"""Time `manage.py import_movielens` on a MovieLens folder the size of ml-latest-small.

    .venv/bin/python -m bench.import_movielens [--movies N --users N --ratings N --tags N]

Writes the folder with bench.movielens_data into a temporary directory, then for a fresh SQLite
database and, when PostgreSQL answers at 127.0.0.1:5432, a fresh PostgreSQL one
(`marquee_bench_import`, dropped and created; BENCH_POSTGRES_URL names another server): migrates
(untimed), times the import (wall clock, the whole command as an operator runs it) and a second,
idempotent run of it, and checks the stored scores with `recompute_scores --check`. Prints a table
and writes bench/results/import_movielens.json.
"""

import argparse
import json
import os
import platform
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.movielens_data import Size, write_movielens

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "import_movielens.json"
SQLITE_PATH = Path(tempfile.gettempdir()) / "marquee_bench_import.sqlite3"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
POSTGRES_DB = "marquee_bench_import"


def manage(database_url: str, *args: str) -> tuple[float, str]:
    """Run manage.py with this database; (wall-clock seconds, stdout). Fails loudly."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        # Production-like: debugging off (it would keep every query), whatever .env says.
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-secret-key"),
    }
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return elapsed, done.stdout.strip()


def bench(name: str, database_url: str, folder: Path) -> dict:
    manage(database_url, "migrate", "--noinput", "-v", "0")
    first, summary = manage(database_url, "import_movielens", str(folder))
    second, second_summary = manage(database_url, "import_movielens", str(folder))
    _, check = manage(database_url, "recompute_scores", "--check")
    return {
        "database": name,
        "first_run_seconds": round(first, 2),
        "second_run_seconds": round(second, 2),
        "first_run": summary,
        "second_run": second_summary,
        "recompute_scores_check": check,
    }


def postgres_answers() -> bool:
    parts = urlsplit(POSTGRES_URL)
    try:
        with socket.create_connection((parts.hostname, parts.port or 5432), timeout=1):
            return True
    except OSError:
        return False


def postgres_admin(sql: str) -> str:
    import psycopg2

    connection = psycopg2.connect(f"{POSTGRES_URL}/postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return str(cursor.fetchone()[0]) if cursor.description else ""
    finally:
        connection.close()


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = Size()
    for name in ("movies", "users", "ratings", "tags"):
        parser.add_argument(f"--{name}", type=int, default=getattr(defaults, name))
    parser.add_argument("--no-postgres", action="store_true", help="Time SQLite only.")
    args = parser.parse_args()
    size = Size(args.movies, args.users, args.ratings, args.tags)

    results = []
    info = machine()
    with tempfile.TemporaryDirectory(prefix="movielens-") as tmp:
        folder = write_movielens(Path(tmp) / "ml", size)
        SQLITE_PATH.unlink(missing_ok=True)
        results.append(bench("SQLite", f"sqlite:///{SQLITE_PATH}", folder))
        SQLITE_PATH.unlink(missing_ok=True)
        if not args.no_postgres and postgres_answers():
            postgres_admin(f"DROP DATABASE IF EXISTS {POSTGRES_DB}")
            postgres_admin(f"CREATE DATABASE {POSTGRES_DB}")
            info["postgresql"] = postgres_admin("SHOW server_version")
            try:
                results.append(bench("PostgreSQL", f"{POSTGRES_URL}/{POSTGRES_DB}", folder))
            finally:
                postgres_admin(f"DROP DATABASE IF EXISTS {POSTGRES_DB}")

    print(
        f"import_movielens: {size.movies:,} movies, {size.users:,} users, "
        f"{size.ratings:,} ratings, {size.tags:,} tags; {info['cpus']} CPUs ({info['cpu']})"
    )
    print(f"{'database':<12}{'first run':>12}{'second run':>12}")
    for result in results:
        print(
            f"{result['database']:<12}{result['first_run_seconds']:>11.1f}s"
            f"{result['second_run_seconds']:>11.1f}s"
        )
    for result in results:
        print(f"{result['database']}: {result['first_run']}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "benchmark": "import_movielens",
                "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "size": size.__dict__,
                "machine": info,
                "results": results,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"Wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
