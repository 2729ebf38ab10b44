"""The owner's side of the audit trail (``ops.audit``): rows for what the command line changes or
exports, and pruning rows past their retention (the table refuses anything younger than 180 days)."""

from __future__ import annotations

import getpass
import json
from typing import Any

from sqlalchemy import Connection, text

from etl.db import get_engine

OPERATOR_ROLE = "operator"


def operator_name() -> str:
    """Who runs the command line, as the audit trail names them (``cli:<OS user>``)."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return f"cli:{name}"


def record(conn: Connection, action: str, params: dict[str, Any] | None = None) -> None:
    """Append one row for the operator, in the caller's transaction (so a change and its audit row
    commit together)."""
    conn.execute(
        text(
            "insert into ops.audit (username, role, action, params, result) "
            "values (:u, :r, :a, cast(:p as jsonb), 'ok')"
        ),
        {
            "u": operator_name(),
            "r": OPERATOR_ROLE,
            "a": action,
            "p": json.dumps(params or {}, ensure_ascii=False, default=str),
        },
    )


def record_now(owner_url: str, action: str, params: dict[str, Any] | None = None) -> None:
    """Append one row for the operator in a transaction of its own (an export about to be written)."""
    with get_engine(owner_url).begin() as conn:
        record(conn, action, params)


def prune(owner_url: str, keep_days: int) -> int:
    """Delete audit rows older than ``keep_days``; how many went."""
    with get_engine(owner_url).begin() as conn:
        return conn.execute(
            text("delete from ops.audit where at < now() - make_interval(days => :d)"), {"d": keep_days}
        ).rowcount
