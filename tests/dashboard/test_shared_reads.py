"""A block's reads on one connection (``dashboard.db.shared_reads``, what every cached page part
is computed in): one backend and transaction for all of them, each under the scope current when it
runs, a failure ending only its transaction, other threads and writes on their own connections."""

from __future__ import annotations

import contextvars
import threading
from typing import Any

import psycopg
import pytest

from dashboard import db
from dashboard.scope import Scope
from tests.support.accounts import sign

pytestmark = pytest.mark.db
WHO = "select pg_backend_pid() as pid, ops.scope_stations() as s"


def _who(url: str) -> dict[str, Any]:
    return db.fetch_all(url, WHO)[0]


def _chief(station: str) -> str:
    return sign(Scope(frozenset({station})), "station_chief")


def test_a_blocks_reads_share_a_connection_each_under_its_own_scope(test_app_url: str) -> None:
    with db.shared_reads():
        with db.scoped(_chief("S1")):
            first, second = _who(test_app_url), _who(test_app_url)
            with db.shared_reads():  # a nested block is the outer one's
                nested = _who(test_app_url)
        with db.scoped(_chief("S2")):
            other = _who(test_app_url)
        with db.scoped(None):  # no scope: nothing of the one before is left set
            unscoped = _who(test_app_url)
    assert first == second == nested and first["s"] == ["S1"]
    assert other["s"] == ["S2"] and unscoped["s"] == []
    assert db.get_engine(test_app_url).pool.checkedout() == 0  # handed back at the block's end
    # outside a block every read is its own transaction, as before
    with db.scoped(_chief("S3")):
        assert _who(test_app_url)["s"] == ["S3"]


def test_a_failed_read_ends_its_transaction_only(test_app_url: str) -> None:
    with db.shared_reads(), db.scoped(_chief("S1")):
        with pytest.raises(psycopg.errors.DivisionByZero):
            db.fetch_all(test_app_url, "select 1 / 0 as x")
        assert _who(test_app_url)["s"] == ["S1"]  # a fresh transaction, the scope set again
    assert db.get_engine(test_app_url).pool.checkedout() == 0


def test_other_threads_read_on_their_own_connections(test_app_url: str) -> None:
    seen: list[dict[str, Any]] = []
    with db.shared_reads(), db.scoped(_chief("S1")):
        mine = _who(test_app_url)
        # a thread started with this context (as the reports' gatherers are) shares none of it
        thread = threading.Thread(
            target=contextvars.copy_context().run, args=(lambda: seen.append(_who(test_app_url)),)
        )
        thread.start()
        thread.join()
        assert _who(test_app_url)["pid"] == mine["pid"]
    assert seen[0]["pid"] != mine["pid"] and seen[0]["s"] == ["S1"]
