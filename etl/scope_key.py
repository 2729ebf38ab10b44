"""The scope key in the database: PostgreSQL checks the scopes the dashboard signs against it."""

from __future__ import annotations

from sqlalchemy import text

from common.secret import derive
from etl.db import get_engine


def register_scope_key(owner_url: str, secret: bytes) -> bool:
    """Store the scope key in ``ops.scope_key`` (as the owner); True when it changed."""
    key = derive(secret, "scope")
    with get_engine(owner_url).begin() as conn:
        old = conn.execute(text("select key from ops.scope_key")).scalar()
        if old is not None and bytes(old) == key:
            return False
        conn.execute(
            text(
                "insert into ops.scope_key (id, key) values (true, :k) "
                "on conflict (id) do update set key = excluded.key, set_at = now()"
            ),
            {"k": key},
        )
    return True
