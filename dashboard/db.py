"""One cached engine for the application role; short-lived connections per query.

Each query runs in its own transaction, which first sets the viewer's signed scope
(``onemap.scope``, local to the transaction) from :data:`SCOPE_TOKEN`: row-level security returns
nothing to a query without one. Every connection carries a ``statement_timeout``
(``ONEMAP_STATEMENT_TIMEOUT_MS``): no request holds a database backend for longer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

import psycopg
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from dashboard.settings import DashboardSettings


@lru_cache(maxsize=8)
def get_engine(url: str, statement_timeout_ms: int | None = None) -> Engine:
    """Return the engine for ``url`` (psycopg 3), created once per process.

    Parameters
    ----------
    url : str
        Database URL (the application role).
    statement_timeout_ms : int, optional
        PostgreSQL cancels any statement of the engine's connections running longer; default
        ``ONEMAP_STATEMENT_TIMEOUT_MS`` (see :class:`~dashboard.settings.DashboardSettings`).
    """
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    timeout = statement_timeout_ms or DashboardSettings().statement_timeout_ms
    return create_engine(
        parsed,
        pool_pre_ping=True,
        pool_size=5,
        connect_args={
            "connect_timeout": 5,
            "application_name": "onemap-dashboard",
            # set at connection start, so it holds for every statement whoever runs it
            "options": f"-c statement_timeout={int(timeout)}",
        },
    )


def fetch_all(url: str, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run one read-only query and return its rows as dicts."""
    keys, rows = fetch_rows(url, query, params)
    return [dict(zip(keys, row, strict=True)) for row in rows]


@lru_cache(maxsize=1024)
def _compiled(url: str, query: str) -> tuple[str, tuple[str, ...]]:
    """The driver's form of a query (placeholders, escaping) and its parameter names, compiled once."""
    compiled = text(query).compile(dialect=get_engine(url).dialect)
    return compiled.string, tuple(compiled.params)


# The signed scope of the request (or command) being served: set from the server-side session.
SCOPE_TOKEN: ContextVar[str | None] = ContextVar("onemap_scope_token", default=None)
# Run first in each transaction (driver placeholder style), with the token as its one parameter.
SET_SCOPE = "select set_config('onemap.scope', %s, true)"


@contextmanager
def scoped(token: str | None) -> Iterator[None]:
    """Run the block's queries under ``token`` (see :meth:`dashboard.scope.Scope.token`)."""
    reset = SCOPE_TOKEN.set(token)
    try:
        yield
    finally:
        SCOPE_TOKEN.reset(reset)


# Called with (statement, parameters) before each query runs; benchmarks/dashboard.py records with it.
statement_hook: Callable[[str, dict[str, Any]], None] | None = None


def fetch_rows(url: str, query: str, params: dict[str, Any] | None = None) -> tuple[list[str], list[Any]]:
    """Run one read-only query; its column names and its rows as plain tuples.

    The statement is compiled by SQLAlchemy (named parameters, escaping) and run on the driver's
    cursor: building SQLAlchemy rows costs more than the query itself for thousands of rows.
    """
    engine = get_engine(url)
    statement, names = _compiled(url, query)
    values = {**(params or {})}
    with engine.connect() as conn:
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        bound = {k: values[k] for k in names}
        if statement_hook is not None:
            statement_hook(statement, bound)
        try:
            token = SCOPE_TOKEN.get()
            if token is not None:
                cursor.execute(SET_SCOPE, (token,))
            cursor.execute(statement, bound)
            keys = [d.name for d in cursor.description or []]
            return keys, cursor.fetchall()
        except psycopg.Error:
            # on the driver's cursor SQLAlchemy does not see a lost connection: drop it here, or the
            # pool would try to reset it (and log a traceback) and hand it out again
            driver = conn.connection.driver_connection
            if driver is None or driver.closed or driver.broken:
                conn.invalidate()
            raise
        finally:
            cursor.close()


def execute(url: str, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run one writing statement in its own committed transaction (under the current scope);
    the rows it returns (``returning``) as dicts."""
    with get_engine(url).begin() as conn:
        token = SCOPE_TOKEN.get()
        if token is not None:
            conn.exec_driver_sql(SET_SCOPE, (token,))
        result = conn.execute(text(query), params or {})
        return [dict(r._mapping) for r in result] if result.returns_rows else []
