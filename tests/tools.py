"""Outside tools some tests need (chromium, java, packages from npm)."""

import os
from typing import NoReturn

import pytest


def missing_tool(message: str) -> NoReturn:
    """Skip the test on a machine without the tool, but fail it in CI (CI=true), where the
    tools are installed (`make browser-tools`) and a skip would hide that the test never ran."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)
