"""Connections to the warehouse: URLs for each role, engines, and a reachability check."""

from __future__ import annotations

import logging
from functools import lru_cache

import psycopg
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

from common.errors import OnemapError

LOGGER = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 5


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
    """Connect once; on failure raise one line naming host and port."""
    parsed = make_url(normalise_url(url))
    try:
        with psycopg.connect(libpq_url(url), connect_timeout=CONNECT_TIMEOUT_S) as conn:
            conn.execute("select 1")
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise OnemapError(
            f"cannot reach PostgreSQL at {parsed.host or 'localhost'}:{parsed.port or 5432} "
            f"(database {parsed.database!r}, user {parsed.username!r}): {reason}"
        ) from exc


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
        check_reachable(url)
        raise OnemapError(str(exc).strip().splitlines()[-1]) from exc
