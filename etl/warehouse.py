"""The warehouse as one object: which server, which URLs, bring it up, migrate, reset."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import psycopg
from psycopg import sql

from common.errors import OnemapError
from etl.db import check_reachable, connect_raw, make_url, normalise_url, user_name, with_database
from etl.migrate import MigrateResult, drop_schemas, migrate
from etl.server import SUPERUSER, TEMPLATE_DB, EmbeddedServer, Status
from etl.settings import DatabaseSettings, get_database_settings

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class UpResult:
    """What ``onemap db up`` did."""

    external: bool
    started: bool
    initialised: bool
    port: int | None
    migration: MigrateResult


class Warehouse:
    """Resolves URLs for the owner, the application role and the tests, embedded or external."""

    def __init__(self, settings: DatabaseSettings | None = None) -> None:
        self.settings = settings or get_database_settings()
        self.server = EmbeddedServer(self.settings)

    @property
    def external(self) -> bool:
        """True when DATABASE_URL names the server."""
        return self.settings.external

    def describe_external(self) -> str:
        """Return host:port/database of DATABASE_URL, without the password."""
        url = make_url(normalise_url(self.settings.database_url or ""))
        return f"{url.host or 'localhost'}:{url.port or 5432}/{url.database}"

    # ----------------------------------------------------------------- URLs
    def owner_url(self) -> str:
        """URL of the role that migrates and loads."""
        if self.settings.database_url:
            return normalise_url(self.settings.database_url)
        return self.server.url("owner")

    def app_url(self) -> str:
        """URL of the dashboard's application role."""
        if self.external:
            return normalise_url(self.settings.app_database_url or self.settings.database_url or "")
        return self.server.url("app")

    def app_role(self) -> str:
        """Name of the application role that grants are given to."""
        if self.external and self.settings.app_database_url:
            return user_name(self.settings.app_database_url)
        return self.settings.app_role

    def test_owner_url(self) -> str:
        """URL of a database the test suite may wipe (never the real one)."""
        if self.external:
            if not self.settings.test_database_url:
                raise OnemapError(
                    "with DATABASE_URL set, the tests need ONEMAP_TEST_DATABASE_URL: a PostGIS "
                    "database they may wipe"
                )
            return normalise_url(self.settings.test_database_url)
        return self.server.url("owner", database=f"{self.settings.db_name}_test")

    def app_url_for(self, owner_url: str) -> str:
        """URL of the application role on the database ``owner_url`` points at."""
        database = make_url(owner_url).database or self.settings.db_name
        if self.external:
            return with_database(self.app_url(), database)
        return self.server.url("app", database=database)

    # ----------------------------------------------------------------- lifecycle
    def up(self) -> UpResult:
        """Start (or find) the server, create roles and databases, migrate. Idempotent."""
        if self.external:
            check_reachable(self.owner_url())
            result = migrate(self.owner_url(), self.app_role())
            return UpResult(external=True, started=False, initialised=False, port=None, migration=result)
        server = self.server
        server.bindir()
        server.check_postgis()
        fresh = not server.initialised()
        if fresh:
            server.initdb()
        was_running = server.running_port() is not None
        port = server.start()
        self.bootstrap()
        result = migrate(self.owner_url(), self.app_role())
        return UpResult(
            external=False, started=not was_running, initialised=fresh, port=port, migration=result
        )

    def down(self) -> bool:
        """Stop the embedded server; False when it was not running."""
        if self.external:
            return False
        return self.server.stop()

    def status(self) -> Status:
        """Status of the embedded server."""
        return self.server.status()

    def reset(self) -> MigrateResult:
        """Drop every layer of the warehouse and migrate again from nothing."""
        url = self.owner_url()
        check_reachable(url)
        drop_schemas(url)
        return migrate(url, self.app_role())

    def migrate(self) -> MigrateResult:
        """Bring the warehouse schema to head."""
        url = self.owner_url()
        check_reachable(url)
        return migrate(url, self.app_role())

    # ----------------------------------------------------------------- embedded bootstrap
    def bootstrap(self) -> None:
        """As the cluster's superuser: roles, a PostGIS template database, the main database."""
        creds = self.server.credentials()
        owner, app = self.settings.owner_role, self.settings.app_role
        with connect_raw(self.server.url("super", "postgres"), autocommit=True) as conn:
            # the owner loads tables that row-level security guards (COPY refuses them otherwise);
            # the application role bypasses nothing
            roles = {
                owner: ("LOGIN CREATEDB NOSUPERUSER NOCREATEROLE BYPASSRLS", creds.owner_password),
                app: ("LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT", creds.app_password),
            }
            for role, (options, password) in roles.items():
                exists = conn.execute("select 1 from pg_roles where rolname = %s", (role,)).fetchone()
                verb = "alter" if exists else "create"
                conn.execute(
                    sql.SQL(f"{verb} role {{}} {options} password {{}}").format(
                        sql.Identifier(role), sql.Literal(password)
                    )
                )
            # the loader checks a source's foreign keys in bulk and writes its rows without a
            # trigger per row (etl/foreign_keys.py); the owner may drop those triggers anyway
            if conn.info.server_version >= 150000:
                grant = "grant set on parameter session_replication_role to {}"
                conn.execute(sql.SQL(grant).format(sql.Identifier(owner)))
            if not conn.execute("select 1 from pg_database where datname = %s", (TEMPLATE_DB,)).fetchone():
                conn.execute(sql.SQL("create database {}").format(sql.Identifier(TEMPLATE_DB)))
            with connect_raw(self.server.url("super", TEMPLATE_DB), autocommit=True) as tmpl:
                tmpl.execute("create extension if not exists postgis")
            conn.execute(sql.SQL("alter database {} is_template true").format(sql.Identifier(TEMPLATE_DB)))
            self._ensure_database(conn, self.settings.db_name)

    def _ensure_database(self, conn: psycopg.Connection, name: str) -> None:
        """Create database ``name`` from the PostGIS template, owned by the owner role."""
        if conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone():
            return
        conn.execute(
            sql.SQL("create database {} owner {} template {}").format(
                sql.Identifier(name), sql.Identifier(self.settings.owner_role), sql.Identifier(TEMPLATE_DB)
            )
        )

    def recreate_database(self, name: str, template: str = TEMPLATE_DB) -> str:
        """Drop and recreate an embedded database as a copy of ``template`` (by default the empty
        PostGIS template); return its owner URL.

        PostgreSQL copies a database only while nobody is connected to it.
        """
        if self.external:
            raise OnemapError("recreating databases is only done on the embedded server")
        if name == self.settings.db_name:
            raise OnemapError(f"refusing to recreate the main database {name!r}")
        # the superuser drops it: with (force) must end sessions of any role still connected
        with connect_raw(self.server.url("super", "postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
            conn.execute(
                sql.SQL("create database {} owner {} template {}").format(
                    sql.Identifier(name),
                    sql.Identifier(self.settings.owner_role),
                    sql.Identifier(template),
                )
            )
        return self.server.url("owner", database=name)


__all__ = ["SUPERUSER", "UpResult", "Warehouse"]
