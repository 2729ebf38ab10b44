"""The dashboard on the loaded small demo county, as of its last day."""

from __future__ import annotations

from collections.abc import Iterator

import dash
import pytest
from sqlalchemy import Engine, create_engine

from dashboard.app import create_app
from dashboard.context import AppContext
from dashboard.settings import DashboardSettings
from etl.db import normalise_url
from tests.support.accounts import DEMO_UNTIL, LEADER, SECRET
from tests.support.supervising import wipe


@pytest.fixture(scope="session")
def demo_app(demo_db: tuple[str, str]) -> dash.Dash:
    """The app over the demo as the application role, uncached so every call hits the database."""
    return create_app(demo_db[1], SECRET, DashboardSettings(as_of=DEMO_UNTIL, cache_seconds=0))


@pytest.fixture(scope="session")
def c(demo_app: dash.Dash) -> AppContext:
    return demo_app.onemap  # type: ignore[attr-defined,no-any-return]


@pytest.fixture(scope="session")
def core(demo_db: tuple[str, str]) -> Iterator[Engine]:
    """The owner's engine on the demo: the tests' independent reading of core."""
    engine = create_engine(normalise_url(demo_db[0]))
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def as_leader(c: AppContext) -> Iterator[None]:
    """Callbacks called directly act for a leader unless a test acts for someone else."""
    with c.acting_as(LEADER):
        yield


@pytest.fixture
def unjudged(core: Engine) -> Iterator[None]:
    """No verdict and no supervision before or after the test (the demo is shared)."""
    wipe(core, verdicts=True)
    yield
    wipe(core, verdicts=True)
