"""The load test's own arithmetic and checks (bench/loadtest.py): no server starts here."""

import json

import pytest

from bench import loadtest
from bench.loadtest import Result
from tests.factories import AudienceReviewFactory, MemberFactory, PostFactory


def ok(kind: str, start: float, end: float, status: int = 200) -> Result:
    return Result(kind, start, end, status)


def failed(kind: str, start: float, end: float, error: str = "HTTP 500") -> Result:
    return Result(kind, start, end, 500, error)


# Errors and figures ---------------------------------------------------------------------------


def test_an_answer_counts_as_an_error_unless_it_has_the_expected_status():
    assert loadtest.classify(200, 200) is None
    assert loadtest.classify(302, 302) is None
    assert loadtest.classify(302, 200) == "HTTP 302"
    assert loadtest.classify(429, 302) == "HTTP 429"
    assert loadtest.classify(503, 200) == "HTTP 503"


def test_no_answer_is_an_error_named_for_what_went_wrong():
    assert loadtest.classify(None, 200, "timeout") == "timeout"
    assert loadtest.classify(None, 302, "connection: ConnectionResetError") == (
        "connection: ConnectionResetError"
    )
    assert loadtest.classify(None, 200) == "no answer"


def test_percentiles_interpolate_between_the_closest_ranks():
    values = [float(n) for n in range(1, 101)]  # 1..100, in any order
    assert loadtest.percentile(list(reversed(values)), 50) == pytest.approx(50.5)
    assert loadtest.percentile(values, 95) == pytest.approx(95.05)
    assert loadtest.percentile(values, 99) == pytest.approx(99.01)
    assert loadtest.percentile(values, 100) == 100.0
    assert loadtest.percentile([7.0], 99) == 7.0
    assert loadtest.percentile([], 50) is None


def test_the_summary_counts_requests_rate_latency_and_errors_by_kind():
    results = [
        ok("home", 0.0, 0.1),
        ok("home", 1.0, 1.3),
        failed("home", 2.0, 2.2),
        ok("POST review", 3.0, 3.4, 302),
        Result("POST review", 4.0, 34.0, None, "timeout"),
    ]
    summary = loadtest.summarize(results, seconds=10)

    home = summary["kinds"]["home"]
    assert (home["requests"], home["rps"], home["errors"]) == (3, 0.3, 1)
    assert home["p50_ms"] == pytest.approx(200.0)
    assert home["errors_by_cause"] == {"HTTP 500": 1}
    assert summary["kinds"]["POST review"]["errors_by_cause"] == {"timeout": 1}
    assert summary["total"]["requests"] == 5
    assert summary["total"]["errors"] == 2
    assert summary["total"]["p99_ms"] == pytest.approx(30_000 - 0.04 * (30_000 - 400), abs=0.1)
    assert summary["write_share"] == 0.4


def test_the_report_has_a_row_a_kind_and_says_passed_or_failed():
    results = [ok("home", 0.0, 0.1), ok("POST reply", 0.5, 0.7, 302)]
    report = {
        "summary": loadtest.summarize(results, seconds=1),
        "writes": loadtest.writes_check(
            [{"kind": "reply", "token": "lt-0000000a-000001"}],
            {"tokens": ["lt-0000000a-000001"]},
        ),
    }
    report["failures"] = loadtest.failures_of(report)
    text = loadtest.format_report(report)

    assert "home" in text and "POST reply" in text
    assert "writes acknowledged 1, found 1, missing 0" in text
    assert text.endswith("PASSED: no failures")

    results.append(failed("home", 0.8, 0.9))
    report["summary"] = loadtest.summarize(results, seconds=1)
    report["failures"] = loadtest.failures_of(report)
    assert loadtest.format_report(report).endswith("FAILED: 1 errors")


# The restart's window ---------------------------------------------------------------------------


def test_errors_while_postgresql_is_down_and_up_to_ten_seconds_after_pass():
    results = [
        ok("home", 1.0, 1.2),
        failed("home", 9.5, 10.5),  # in flight when it went down at 10
        failed("film", 12.0, 12.1),
        failed("film", 24.0, 25.5),  # started before up + 10 = 25
        ok("home", 15.5, 15.7),
        ok("film", 16.0, 16.4),
        ok("home", 30.0, 30.2),
    ]
    check = loadtest.restart_check(results, down=10.0, up=15.0)

    assert check["ok"], check["problems"]
    assert check["errors_in_window"] == 3
    assert check["errors_outside_window"] == 0
    assert check["recovered"] == {"film": 1.4, "home": 0.7}
    assert check["full_service_s"] == 1.4
    assert check["last_error_after_up_s"] == 10.5


def test_an_error_before_postgresql_went_down_or_after_the_window_fails():
    results = [
        failed("home", 5.0, 5.5),  # before the restart
        ok("home", 15.5, 15.7),
        failed("search", 25.5, 25.6),  # after up + 10
        ok("search", 16.0, 16.1),
    ]
    check = loadtest.restart_check(results, down=10.0, up=15.0)

    assert not check["ok"]
    assert check["errors_outside_window"] == 2
    assert "2 errors outside the window" in check["problems"][0]
    assert "home: HTTP 500 x1" in check["problems"][0]
    assert "search: HTTP 500 x1" in check["problems"][0]


def test_a_kind_not_served_again_within_ten_seconds_fails():
    results = [
        ok("home", 15.5, 15.7),
        failed("POST review", 15.2, 15.3),
        ok("POST review", 26.0, 26.2, 302),  # served again, 11.2 s after up
        ok("thread", 5.0, 5.1),  # served before the restart, never after it
    ]
    check = loadtest.restart_check(results, down=10.0, up=15.0)

    assert not check["ok"]
    assert check["recovered"] == {"POST review": 11.2, "home": 0.7, "thread": None}
    assert check["full_service_s"] is None
    assert "POST review (11.2 s)" in check["problems"][0]
    assert "thread (never)" in check["problems"][0]


def test_a_success_while_postgresql_was_down_is_no_recovery():
    """Pages from the cache answer while the database is down: recovery is counted from the
    requests started once it answered again."""
    results = [ok("home", 12.0, 12.1), ok("home", 27.0, 27.1)]
    check = loadtest.restart_check(results, down=10.0, up=15.0)
    assert check["recovered"] == {"home": 12.1}
    assert not check["ok"]


def test_postgresql_that_never_answered_again_fails():
    check = loadtest.restart_check([ok("home", 1.0, 1.1)], down=10.0, up=None)
    assert not check["ok"]
    assert check["problems"] == ["PostgreSQL never answered again"]


# Acknowledged writes ----------------------------------------------------------------------------


def test_every_acknowledged_write_must_be_found():
    acknowledged = [
        {"kind": "review", "token": "lt-0000000a-000001"},
        {"kind": "reply", "token": "lt-0000000a-000002"},
        {"kind": "new thread", "token": "lt-0000000a-000003"},
        {"kind": "vote", "review": 7, "user": "bench-member-1"},
        {"kind": "vote", "review": 8, "user": "bench-member-1"},
    ]
    found = {
        "tokens": ["lt-0000000a-000001", "lt-0000000a-000003", "lt-0000000a-000099"],
        "votes": [[7, "bench-member-1"], [8, "bench-member-2"]],
    }
    check = loadtest.writes_check(acknowledged, found)

    assert (check["acknowledged"], check["found"]) == (5, 3)
    assert check["missing"] == [acknowledged[1], acknowledged[4]]
    assert check["by_kind"]["vote"] == {"acknowledged": 2, "found": 1}
    report = {
        "summary": loadtest.summarize([], seconds=1),
        "writes": check,
    }
    assert loadtest.failures_of(report) == ["2 acknowledged writes missing"]


def test_a_run_with_no_acknowledged_write_fails():
    report = {"summary": loadtest.summarize([], seconds=1), "writes": loadtest.writes_check([], {})}
    assert loadtest.failures_of(report) == ["no write was acknowledged"]


@pytest.mark.django_db
def test_the_database_check_finds_reviews_posts_and_votes_by_their_tokens(tmp_path):
    review = AudienceReviewFactory(body="Seen for the load test (lt-0000abcd-000001): fine.")
    PostFactory(body="A word from the load test (lt-0000abcd-000002): *still* talking.")
    PostFactory(body="Another run's (lt-9999abcd-000003).")
    voter = MemberFactory(username="bench-member-3")
    review.votes.create(user=voter)
    acknowledged = [
        {"kind": "review", "token": "lt-0000abcd-000001"},
        {"kind": "reply", "token": "lt-0000abcd-000002"},
        {"kind": "new thread", "token": "lt-0000abcd-000004"},  # acknowledged, never stored
        {"kind": "vote", "review": review.pk, "user": "bench-member-3"},
        {"kind": "vote", "review": review.pk, "user": "bench-member-4"},
    ]
    path = tmp_path / "acknowledged.json"
    path.write_text(json.dumps(acknowledged))

    found = json.loads(json.dumps(loadtest.found_writes(str(path))))  # as it travels
    check = loadtest.writes_check(acknowledged, found)

    assert found["tokens"] == ["lt-0000abcd-000001", "lt-0000abcd-000002"]
    assert [w["kind"] for w in check["missing"]] == ["new thread", "vote"]
    assert check["missing"][1]["user"] == "bench-member-4"
