"""Connections to the warehouse: URLs for each role, engines, and a reachability check."""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import psycopg
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL
from sqlalchemy.engine import make_url as _parse_url
from sqlalchemy.exc import ArgumentError

from common.errors import OnemapError

LOGGER = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 5


def make_url(url: str) -> URL:
    """Parse a database URL, or fail with one line saying what a URL looks like.

    Raises
    ------
    OnemapError
        When ``url`` is not a URL (an operator's typo in ``DATABASE_URL``).
    """
    try:
        return _parse_url(url)
    except (ArgumentError, ValueError) as exc:
        shown = url if "@" not in url else "…@" + url.rsplit("@", 1)[-1]
        raise OnemapError(
            f"the database URL {shown!r} is not a URL: set DATABASE_URL (or ONEMAP_APP_DATABASE_URL) to "
            "postgresql://USER:PASSWORD@HOST:PORT/DATABASE, or unset it to use the embedded database"
        ) from exc


def connection_failure(exc: Exception, url: str | None = None) -> str:
    """One line naming why a connection to PostgreSQL failed and what to do about it.

    Parameters
    ----------
    exc
        The psycopg (or SQLAlchemy-wrapped) error of the failed connection.
    url
        The URL tried, when known: its host, port, user and database name the line (never its password).
    """
    text = str(exc)
    parsed = make_url(normalise_url(url)) if url else None
    where = ""
    if parsed is not None:
        where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    elif m := re.search(r'server at "([^"]+)", port (\d+)', text):
        where = f"{m[1]}:{m[2]}"
    at = f"PostgreSQL at {where}" if where else "PostgreSQL"
    user = parsed.username if parsed is not None else None
    if m := re.search(r'for user "([^"]+)"', text):
        user = m[1]
    if "Connection refused" in text or "No such file or directory" in text:
        return f"{at} is not running (connection refused): start it with `onemap db up`, or fix DATABASE_URL"
    if "password authentication failed" in text or "no password supplied" in text:
        return f"{at} refused the password of user {user!r}: fix the password in DATABASE_URL"
    if m := re.search(r'database "([^"]+)" does not exist', text):
        return (
            f"{at} has no database {m[1]!r}: fix the database name in DATABASE_URL, or create it "
            "(`onemap db up` creates the embedded one)"
        )
    if m := re.search(r'role "([^"]+)" does not exist', text):
        return f"{at} has no role {m[1]!r}: fix the user in DATABASE_URL"
    if m := re.search(r"(?:failed to resolve host|could not translate host name) '?\"?([^'\"\s:]+)", text):
        return f"the database host {m[1]!r} is not known: fix the host in DATABASE_URL"
    if "timeout expired" in text or "timed out" in text:
        return f"{at} did not answer within {CONNECT_TIMEOUT_S} s: check that it runs and the host and port"
    reason = next((line.strip() for line in reversed(text.strip().splitlines()) if line.strip()), "")
    reason = re.sub(r"^\(psycopg\.\w+\)\s*", "", reason)
    return (
        f"cannot reach {at}: {reason or type(exc).__name__}: "
        "check that it runs (`onemap db up`) and DATABASE_URL"
    )


def normalise_url(url: str) -> str:
    """Return ``url`` with the psycopg 3 driver, whatever scheme the operator wrote."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def libpq_url(url: str) -> str:
    """Return ``url`` as libpq understands it (for psql and psycopg), without the driver."""
    parsed = make_url(normalise_url(url)).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def with_database(url: str, database: str) -> str:
    """Return ``url`` pointing at another database on the same server."""
    return make_url(normalise_url(url)).set(database=database).render_as_string(hide_password=False)


def database_name(url: str) -> str:
    """Return the database name of ``url``."""
    name = make_url(url).database
    if not name:
        raise OnemapError(f"the URL {make_url(url).render_as_string()} names no database")
    return name


def user_name(url: str) -> str:
    """Return the user (role) name of ``url``."""
    name = make_url(url).username
    if not name:
        raise OnemapError(f"the URL {make_url(url).render_as_string()} names no user")
    return name


def check_reachable(url: str) -> None:
    """Connect once; on failure raise one line naming host and port, the cause and the fix."""
    try:
        with psycopg.connect(libpq_url(url), connect_timeout=CONNECT_TIMEOUT_S) as conn:
            conn.execute("select 1")
    except psycopg.OperationalError as exc:
        raise OnemapError(connection_failure(exc, url)) from exc


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """Return one cached engine per URL; connections are short-lived and pooled."""
    return create_engine(
        normalise_url(url),
        pool_pre_ping=True,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "onemap-etl"},
    )


def connect_raw(url: str, autocommit: bool = False) -> psycopg.Connection:
    """Open a plain psycopg connection (for COPY, DDL scripts and autocommit work)."""
    try:
        return psycopg.connect(libpq_url(url), autocommit=autocommit, connect_timeout=CONNECT_TIMEOUT_S)
    except psycopg.OperationalError as exc:
        raise OnemapError(connection_failure(exc, url)) from exc
