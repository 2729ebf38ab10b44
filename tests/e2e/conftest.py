"""One `onemap serve` on the loaded demo for every browser test that reads the demo as it is.

Starting a server (two workers, the app made and warmed) takes longer than most of the tests that
use it; the modules that need a server of their own (another database, other settings, a relay
between it and PostgreSQL) define their own ``served``, which takes precedence over this one.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.cli import serving


@pytest.fixture(scope="package")
def served(demo_db: tuple[str, str], cli_env: dict[str, str]) -> Iterator[str]:
    """Run `onemap serve` on a free port against the demo; yield its base URL (stopped after the
    last browser test)."""
    with serving(demo_db, cli_env) as base:
        yield base
