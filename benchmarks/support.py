"""What the benchmarks share: the database to run on, read as the leadership (the whole area)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection

import dashboard.db
from common.secret import load_secret
from dashboard.auth import User
from dashboard.db import get_engine
from dashboard.operator import operator_token
from etl.migrate import migrate
from etl.scope_key import register_scope_key
from etl.warehouse import Warehouse

LEADER = User("benchmark", "", "leadership", frozenset(), frozenset())


def as_leadership(db: str, app_url: str | None) -> tuple[str, bytes]:
    """The application role's URL of ``db`` (brought to the current schema, with this checkout's
    scope key registered) or ``app_url``; from here on queries act for the leadership. Returns the
    URL and the deployment's secret key."""
    wh = Warehouse()
    url = app_url or wh.server.url("app", database=db)
    secret = load_secret()
    if not app_url:
        owner = wh.server.url("owner", database=db)
        migrate(owner, wh.app_role())
        register_scope_key(owner, secret)
    dashboard.db.SCOPE_TOKEN.set(operator_token(secret))
    return url, secret


@contextmanager
def scoped_connection(url: str) -> Iterator[Connection]:
    """A transaction on ``url`` under the current signed scope (row-level security applies)."""
    with get_engine(url).begin() as conn:
        conn.exec_driver_sql(dashboard.db.SET_SCOPE, (dashboard.db.SCOPE_TOKEN.get(),))
        yield conn


def median_seconds(fn: Callable[[], Any], repeat: int, warm_up: bool = False) -> float:
    """The median seconds of ``repeat`` calls of ``fn`` (after one unmeasured call: ``warm_up``)."""
    if warm_up:
        fn()
    seconds = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - t0)
    return statistics.median(seconds)
