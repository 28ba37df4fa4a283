"""The page benchmark's own arithmetic, and gunicorn's settings: no server starts here."""

import json
import runpy
from pathlib import Path

import pytest

from bench import pages

ROOT = Path(__file__).resolve().parent.parent

WRK_RESULT = {
    "duration_us": 10_003_000,
    "requests": 5_000,
    "bytes": 150_000_000,
    "errors": {"connect": 0, "read": 1, "write": 0, "timeout": 2, "status": 3},
    "unexpected": 4,
    "unexpected_statuses": {"302": 1, "500": 3},
    "late": 7,
    "max_lag_ms": 12.5,
    "latency_us": {
        "min": 800.0,
        "mean": 9_000.0,
        "max": 250_000.0,
        "percentiles": {"50": 8_000.0, "90": 15_000.0, "95": 21_500.0, "99": 40_000.0},
    },
}


def wrk_output(result: dict) -> str:
    """wrk's own summary, then the line bench/pages.lua's done() prints."""
    return (
        "Running 10s test @ http://127.0.0.1:8097/films/the-hot-ticket-2024/\n"
        "  1 threads and 32 connections\n"
        "  Thread Stats   Avg      Stdev     Max   +/- Stdev\n"
        "    Latency     9.00ms    4.10ms 250.00ms   90.00%\n"
        "  5000 requests in 10.00s, 143.05MB read\n"
        "  Socket errors: connect 0, read 1, write 0, timeout 2\n"
        "  Non-2xx or 3xx responses: 3\n"
        "Requests/sec:    499.85\n"
        "Transfer/sec:     14.30MB\n"
        f"BENCH-RESULT {json.dumps(result)}\n"
    )


def test_parse_wrk_reads_rate_latency_in_ms_and_errors():
    run = pages.parse_wrk(wrk_output(WRK_RESULT))

    assert run["requests"] == 5_000
    assert run["rps"] == pytest.approx(499.85, abs=0.1)
    assert (run["p50_ms"], run["p95_ms"], run["p99_ms"]) == (8.0, 21.5, 40.0)
    assert run["max_ms"] == 250.0
    assert run["late_starts"] == 7
    assert run["unexpected_statuses"] == {"302": 1, "500": 3}


def test_parse_wrk_counts_socket_errors_and_every_unexpected_status_once():
    """wrk's "Non-2xx or 3xx" answers are among the unexpected ones: a 500 is not counted twice,
    and a 302 where a 200 was expected counts although wrk takes it for a success."""
    assert pages.parse_wrk(wrk_output(WRK_RESULT))["errors"] == 1 + 2 + 4


def test_parse_wrk_counts_wrk_status_errors_when_the_script_saw_fewer():
    result = {**WRK_RESULT, "unexpected": 0, "errors": {**WRK_RESULT["errors"], "read": 0}}
    assert pages.parse_wrk(wrk_output(result))["errors"] == 2 + 3


def test_parse_wrk_without_the_script_line_fails_loudly():
    with pytest.raises(ValueError, match="BENCH-RESULT"):
        pages.parse_wrk("Running 10s test @ http://127.0.0.1:8097/\nRequests/sec: 1.0\n")


def test_parse_wrk_passes_on_where_posted_reviews_stopped():
    assert pages.parse_wrk(wrk_output({**WRK_RESULT, "next_post": 812}))["next_post"] == 812
    assert pages.parse_wrk(wrk_output(WRK_RESULT))["next_post"] is None


def test_ratio_is_the_share_of_the_bare_views_requests_a_second():
    assert pages.ratio(300, 2_000) == 0.15
    assert pages.ratio(300, 0) is None


def test_a_half_rate_run_keeps_its_schedule_only_on_time_and_at_the_rate():
    on_time = {"requests": 1_000, "late_starts": 10, "rps": 96.0}
    assert pages.schedule_kept(on_time, rate=100)
    assert not pages.schedule_kept({**on_time, "late_starts": 11}, rate=100)
    assert not pages.schedule_kept({**on_time, "rps": 94.0}, rate=100)


def test_a_slow_schedule_runs_on_few_enough_connections_to_stay_within_keep_alive():
    assert pages.half_rate_connections(3, keepalive=5, most=32) == 7
    assert pages.half_rate_connections(0.5, keepalive=5, most=32) == 2
    assert pages.half_rate_connections(900, keepalive=5, most=32) == 32


def test_memory_growth_is_the_largest_workers_from_first_sample_to_last():
    samples = [
        {101: 100_000, 102: 80_000},
        {101: 105_000, 102: 81_000},
        {101: 104_000, 102: 96_000},
    ]
    memory = pages.memory_summary(samples)

    assert memory["max_growth"] == 0.2
    assert memory["peak_worker_mb"] == round(105_000 / 1024, 1)
    assert memory["peak_total_mb"] == round(200_000 / 1024, 1)
    assert memory["replaced_workers"] == 0


def test_a_replaced_worker_is_reported_not_compared():
    memory = pages.memory_summary([{101: 100_000, 102: 80_000}, {101: 100_000, 103: 200_000}])

    assert memory["max_growth"] == 0.0
    assert memory["replaced_workers"] == 1


def test_no_memory_samples_is_not_measured():
    assert pages.memory_summary([{}, {}]) == {"samples": 0}


def run(rps: float, p95: float = 20.0, errors: int = 0) -> dict:
    return {"rps": rps, "p50_ms": 5.0, "p95_ms": p95, "p99_ms": p95 * 2, "errors": errors}


def page(key: str, rps: float, bare: float, *, half_p95: float = 20.0, kept: bool = True):
    return {
        "key": key,
        "label": pages.LABELS[key],
        "peak": run(rps),
        "half": run(rps / 2, p95=half_p95),
        "half_schedule_kept": kept,
        "ratio": pages.ratio(rps, bare),
    }


def config(name: str, pages_: list[dict], growth: float = 0.02) -> dict:
    return {
        "name": name,
        "page_cache_seconds": 0 if name == "uncached" else 300,
        "server": "gunicorn, 5 sync workers, 1 thread(s) each",
        "pages": pages_,
        "memory": {
            "samples": 10,
            "workers": 5,
            "start_total_mb": 300.0,
            "end_total_mb": 306.0,
            "peak_total_mb": 310.0,
            "peak_worker_mb": 64.0,
            "max_growth": growth,
            "replaced_workers": 0,
        },
    }


def test_targets_met():
    configs = [
        config("uncached", [page("bare", 2_000, 2_000), page("hot_film", 400, 2_000)]),
        config("cached", [page("bare", 2_000, 2_000), page("hot_film", 1_300, 2_000)]),
    ]
    targets = pages.evaluate_targets(configs)

    assert [target["met"] for target in targets] == [True] * 6
    assert targets[0]["value"] == "20.0%"
    assert targets[1]["value"] == "65.0%"


def test_targets_not_met_say_which_page_and_by_how_much():
    configs = [
        config(
            "uncached",
            [
                page("bare", 2_000, 2_000),
                page("hot_film", 200, 2_000, half_p95=140.0),
                page("home", 300, 2_000, kept=False),
            ],
            growth=0.15,
        ),
        config("cached", [page("bare", 2_000, 2_000), page("hot_film", 1_000, 2_000)]),
    ]
    configs[0]["pages"][2]["peak"]["errors"] = 3
    targets = {target["target"]: target for target in pages.evaluate_targets(configs)}

    uncached = targets["hot film page, uncached: ≥ 15% of the bare view's req/s"]
    assert (uncached["met"], uncached["value"]) == (False, "10.0%")
    assert not targets["hot film page, cached: ≥ 60% of the bare view's req/s"]["met"]
    latency = targets["every page: p95 < 100 ms at half its peak req/s"]
    assert not latency["met"]
    assert latency["value"] == (
        "hot film page (uncached) 140 ms; not shown where the schedule slipped: home (uncached)"
    )
    assert latency["schedule_not_kept"] == ["home (uncached)"]
    errors = targets["zero errors"]
    assert (errors["met"], errors["value"]) == (False, "home (uncached): 3")
    assert not targets["worker memory flat, uncached: growth ≤ 10%"]["met"]
    assert targets["worker memory flat, cached: growth ≤ 10%"]["met"]


def test_the_report_has_the_machine_a_row_a_page_and_the_targets():
    configs = [config("uncached", [page("bare", 2_000, 2_000), page("hot_film", 400, 2_000)])]
    report = {
        "at": "2026-01-01T00:00:00+0000",
        "machine": {
            "cpu": "AMD EPYC",
            "cpus": 2,
            "ram_gb": 23.5,
            "postgresql": "15.2",
            "redis": "7.0.15",
            "python": "3.11.7",
            "wrk": "wrk 4.1.0",
        },
        "database": {"describe": "generate_data --scale 1"},
        "settings": {"threads": 1, "connections": 32, "duration": 10},
        "configs": configs,
        "targets": pages.evaluate_targets(configs),
    }
    text = pages.format_report(report)

    assert "AMD EPYC, 2 CPUs, 23.5 GB RAM; PostgreSQL 15.2" in text
    assert "| hot film page | 400 | 20% | 5.0 | 20.0 | 40.0 | 0 | 200 | 5.0 | 20.0 |" in text
    assert "- met: hot film page, uncached: ≥ 15% of the bare view's req/s — 20.0%" in text
    assert "largest growth of a worker +2.0%" in text


def test_the_database_is_reused_only_when_built_at_the_same_scale_and_seed():
    one = pages.wanted_marker(scale=1.0, seed=None)

    assert one == pages.wanted_marker(scale=1.0, seed=None)
    assert one != pages.wanted_marker(scale=0.05, seed=None)
    assert one != pages.wanted_marker(scale=1.0, seed=7)
    assert one != pages.wanted_marker(scale=None, seed=None)  # demo data
    assert json.loads(one.removeprefix(pages.MARKER_PREFIX))["scale"] == 1.0


def gunicorn_settings(monkeypatch, **env: str) -> dict:
    for name in ("PORT", "GUNICORN_HOST", "WEB_CONCURRENCY", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_listens_on_port_and_runs_web_concurrency_workers(monkeypatch):
    settings = gunicorn_settings(monkeypatch, PORT="8123", WEB_CONCURRENCY="3")

    assert settings["bind"] == "127.0.0.1:8123"
    assert settings["workers"] == 3


def test_gunicorn_defaults_to_port_8000_and_two_workers_a_cpu_plus_one(monkeypatch):
    settings = gunicorn_settings(monkeypatch)

    assert settings["bind"] == "127.0.0.1:8000"
    assert settings["workers"] == 2 * settings["_cpus"]() + 1
    assert settings["threads"] == 2
    assert settings["accesslog"] is None
    assert settings["max_requests"] == 0


def test_gunicorn_host_threads_and_timeouts_come_from_the_environment(monkeypatch):
    settings = gunicorn_settings(
        monkeypatch,
        GUNICORN_HOST="0.0.0.0",
        GUNICORN_THREADS="4",
        GUNICORN_TIMEOUT="60",
        GUNICORN_GRACEFUL_TIMEOUT="20",
        GUNICORN_KEEPALIVE="75",
        GUNICORN_ACCESS_LOG="-",
    )

    assert settings["bind"].startswith("0.0.0.0:")
    assert settings["threads"] == 4
    assert (settings["timeout"], settings["graceful_timeout"]) == (60, 20)
    assert settings["keepalive"] == 75
    assert settings["accesslog"] == "-"


def test_gunicorn_settings_are_all_known_to_gunicorn(monkeypatch):
    """A misspelt setting would be silently ignored by gunicorn."""
    from gunicorn.config import KNOWN_SETTINGS

    known = {setting.name for setting in KNOWN_SETTINGS}
    settings = gunicorn_settings(monkeypatch)
    ours = {
        name
        for name, value in settings.items()
        if not name.startswith("_") and not callable(value) and name != "os"
    }
    assert ours <= known
