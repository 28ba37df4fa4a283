"""Project hygiene the suite enforces: migrations are complete, ruff is happy."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RUFF = Path(sys.executable).parent / "ruff"


@pytest.mark.django_db
def test_no_migrations_are_missing():
    """`makemigrations --check` exits non-zero (SystemExit) when a model change has none."""
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.parametrize(
    "arguments", [["check", "."], ["format", "--check", "."]], ids=["lint", "format"]
)
def test_ruff_passes(arguments):
    result = subprocess.run(
        [str(RUFF), *arguments], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db(transaction=True)
def test_the_search_index_migrations_reverse_and_reapply():
    """They run raw SQL on PostgreSQL only; both ways must work on either database."""
    call_command("migrate", "films", "0003", verbosity=0)
    call_command("migrate", verbosity=0)
