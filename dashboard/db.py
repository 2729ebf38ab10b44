"""One cached engine per server for the application role; short-lived connections per query.

Each query runs in its own transaction, which first sets the viewer's signed scope
(``onemap.scope``, local to the transaction) from :data:`SCOPE_TOKEN`: row-level security returns
nothing to a query without one, on the primary and on a standby alike. Every connection carries a
``statement_timeout`` (``ONEMAP_STATEMENT_TIMEOUT_MS``): no request holds a database backend for
longer.

Which server: writes (:func:`execute`) always go to the primary, and so do reads asked with
``primary=True`` or inside :func:`on_primary` (sessions, and reads that must see the viewer's own
writes). Any other read goes to a healthy standby of the primary when :func:`use_standbys` named
some (see :mod:`dashboard.replicas`); a read a standby cannot answer — gone, shutting down, in
conflict with replay, asked to write — is run again on the primary (and a standby gone dropped).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import errors
from psycopg.pq import TransactionStatus
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from dashboard.replicas import Standbys
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
            # set at connection start, so it holds for every statement whoever runs it; no JIT:
            # a page's queries run for milliseconds, and compiling them cost more than they saved
            # (benchmarks/pages.py: the biggest county station's statements 5.5 s with, 0.7 s without)
            "options": f"-c statement_timeout={int(timeout)} -c jit=off",
        },
    )


def fetch_all(
    url: str, query: str, params: dict[str, Any] | None = None, *, primary: bool = False
) -> list[dict[str, Any]]:
    """Run one read-only query and return its rows as dicts (on the primary with ``primary``,
    see :func:`fetch_rows`)."""
    keys, rows = fetch_rows(url, query, params, primary=primary)
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

# The standbys of each primary (by its URL) that plain reads may go to.
_STANDBYS: dict[str, Standbys] = {}
# True inside on_primary(): every read goes to the primary.
PRIMARY_ONLY: ContextVar[bool] = ContextVar("onemap_primary_only", default=False)


def use_standbys(
    primary: str, urls: list[str], max_lag_seconds: float = 5.0, check_seconds: float = 1.0
) -> Standbys | None:
    """Send plain reads of ``primary`` to its streaming-replication standbys ``urls`` (none: all to
    the primary); the standbys' watcher, or None. Replaces what an earlier call set for ``primary``.

    Parameters
    ----------
    primary : str
        URL of the primary, as the dashboard's queries name it.
    urls : list of str
        URLs of the standbys, for the same role and database.
    max_lag_seconds, check_seconds : float
        See :class:`dashboard.replicas.Standbys`.
    """
    old = _STANDBYS.pop(primary, None)
    if old is not None:
        old.stop()
    if not urls:
        return None
    found = Standbys(primary, list(urls), max_lag_seconds=max_lag_seconds, check_seconds=check_seconds)
    _STANDBYS[primary] = found
    return found


def dispose(url: str) -> None:
    """Close the pooled connections to ``url`` and its standbys and rest their watcher (before a
    fork: a connection or a thread shared by two processes is garbled or lost); each process opens
    its own again at its first query."""
    get_engine(url).dispose()
    standbys = _STANDBYS.get(url)
    if standbys is not None:
        standbys.rest()
        for standby in standbys.urls:
            get_engine(standby).dispose()


@contextmanager
def on_primary() -> Iterator[None]:
    """Run the block's reads on the primary: reads that must see what the viewer just wrote."""
    reset = PRIMARY_ONLY.set(True)
    try:
        yield
    finally:
        PRIMARY_ONLY.reset(reset)


def reads_from(url: str) -> str:
    """The server a plain read of ``url`` goes to now: a healthy standby, else ``url`` itself."""
    standbys = _STANDBYS.get(url)
    if standbys is None or PRIMARY_ONLY.get():
        return url
    return standbys.choose() or url


# What a standby may answer that the primary would not: it went away or is shutting down (dropped
# until a check finds it healthy), or it cancelled the query for replay or the query wanted to
# write (the standby itself is fine).
_STANDBY_GONE = (errors.AdminShutdown, errors.CannotConnectNow)
_STANDBY_REFUSED = (errors.SerializationFailure, errors.ReadOnlySqlTransaction)


def _standby_failure(exc: Exception) -> tuple[str, bool] | None:
    """Why a read failed on a standby when the primary might answer it, and whether the standby
    is gone; None for a failure of the query's own."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(orig, _STANDBY_REFUSED):
        return type(orig).__name__, False
    if isinstance(orig, _STANDBY_GONE):
        return type(orig).__name__, True
    if isinstance(orig, psycopg.OperationalError) and not isinstance(orig, errors.QueryCanceled):
        # a connection that could not be made or was lost (a statement timeout is the query's own)
        return "connection failed", True
    return None


def fetch_rows(
    url: str, query: str, params: dict[str, Any] | None = None, *, primary: bool = False
) -> tuple[list[str], list[Any]]:
    """Run one read-only query; its column names and its rows as plain tuples.

    The statement is compiled by SQLAlchemy (named parameters, escaping) and run on the driver's
    cursor: building SQLAlchemy rows costs more than the query itself for thousands of rows. It
    runs on a standby of ``url`` when one is healthy and ``primary`` is false (see the module).
    """
    statement, names = _compiled(url, query)
    values = {**(params or {})}
    bound = {k: values[k] for k in names}
    if statement_hook is not None:
        statement_hook(statement, bound)
    server = url if primary else reads_from(url)
    if server == url:
        return _run(url, statement, bound)
    try:
        return _run(server, statement, bound)
    except (psycopg.Error, DBAPIError) as exc:
        failure = _standby_failure(exc)
        if failure is None:
            raise
        reason, gone = failure
        standbys = _STANDBYS.get(url)
        if gone and standbys is not None:
            standbys.failed(server, reason)
            get_engine(server).dispose()  # its other pooled connections are as dead
        return _run(url, statement, bound)


class _Held:
    """The connections a :func:`shared_reads` block's reads run on (one per server, each in one
    transaction under the scope last set on it), for the thread that opened the block only."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()
        self.connections: dict[str, tuple[Connection, str | None]] = {}

    def release(self, server: str) -> None:
        """Hand the connection to ``server`` back to its pool (which rolls its transaction back)."""
        conn, _ = self.connections.pop(server)
        conn.close()


_HELD: ContextVar[_Held | None] = ContextVar("onemap_held_reads", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Run the block's reads on one pooled connection per server, in one transaction each, instead
    of a connection and transaction per query: a cold page's 30-40 queries each paid a checkout
    (with its liveness ping), the scope's setting and a rollback, four round trips for one.

    Each statement still sees what was committed before it began (read committed) and runs under the
    current signed scope (set again when it changes). Only the thread that opened the block shares;
    a nested block is the outer one's. A failed read ends its connection's transaction (the next
    read starts afresh). Writes (:func:`execute`) keep their own connections.
    """
    if _HELD.get() is not None:
        yield
        return
    held = _Held()
    reset = _HELD.set(held)
    try:
        yield
    finally:
        _HELD.reset(reset)
        for server in list(held.connections):
            held.release(server)


def _run(server: str, statement: str, bound: dict[str, Any]) -> tuple[list[str], list[Any]]:
    """Run a compiled statement on ``server`` under the current scope (on the block's connection
    inside :func:`shared_reads`)."""
    held = _HELD.get()
    if held is not None and held.thread == threading.get_ident():
        return _run_held(held, server, statement, bound)
    token = SCOPE_TOKEN.get()
    with get_engine(server).connect() as conn:
        return _fetch(conn, statement, bound, token)


def _run_held(held: _Held, server: str, statement: str, bound: dict[str, Any]) -> tuple[list[str], list[Any]]:
    """Run a compiled statement on the block's connection to ``server``, under the current scope."""
    token = SCOPE_TOKEN.get()
    if server in held.connections and held.connections[server][1] != token:
        held.release(server)  # the scope set in its transaction is not this read's: a fresh one
    if server not in held.connections:
        held.connections[server] = (get_engine(server).connect(), token)
    conn = held.connections[server][0]
    # the scope is set once per transaction (transaction-local), at its first statement
    status = conn.connection.driver_connection.info.transaction_status  # type: ignore[union-attr]
    try:
        return _fetch(conn, statement, bound, token if status == TransactionStatus.IDLE else None)
    except psycopg.Error:
        held.release(server)
        raise


def _fetch(
    conn: Connection, statement: str, bound: dict[str, Any], scope: str | None
) -> tuple[list[str], list[Any]]:
    """Run a compiled statement on ``conn``'s driver cursor, setting the signed ``scope`` first when
    one is given; a connection lost meanwhile is invalidated."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if scope is not None:
            cursor.execute(SET_SCOPE, (scope,))
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
