"""Managing dashboard users (``onemap user …``), run as the owner: add, disable, enable, list, set a
password. Every change commits together with its audit row, in the operator's name."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from common.codebook import codes, label
from common.errors import AuthError
from common.passwords import hash_password
from etl.audit import record
from etl.db import get_engine

USERNAME = re.compile(r"^[a-z0-9_.-]{2,40}$")


@dataclass(frozen=True)
class UserRecord:
    """One dashboard user as the owner sees them (never their password hash)."""

    username: str
    display_name: str
    role: str
    stations: frozenset[str]
    grids: frozenset[str]
    disabled: bool = False
    locked: bool = False
    last_login_at: datetime | None = None

    @property
    def role_zh(self) -> str:
        """The role's Chinese name."""
        return label("role", self.role)

    @property
    def scope_text(self) -> str:
        """Grids, stations, or 全域 (the whole area), comma-separated."""
        return ",".join(sorted(self.grids or self.stations)) or "全域"


def _rows(conn: Connection, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(text(query), params or {})]


def _checked_scope(
    conn: Connection, role: str, stations: list[str], grids: list[str]
) -> tuple[list[str], list[str]]:
    """The stations and grids a role may be given, checked against what is loaded; a grid worker's
    stations are those of their grids."""
    if role == "station_chief" and not stations:
        raise AuthError("a station chief needs --station")
    if role == "grid_worker" and not grids:
        raise AuthError("a grid worker needs --grid")
    if role == "leadership" and (stations or grids):
        raise AuthError("leadership sees the whole area: no --station or --grid")
    if role == "wall" and grids:
        raise AuthError("a wall shows the whole area or its stations (--station): no --grid")
    if stations:
        known = {
            r["station_code"]
            for r in _rows(
                conn,
                "select station_code from core.police_stations where station_code = any(:s)",
                {"s": stations},
            )
        }
        if missing := [s for s in stations if s not in known]:
            raise AuthError(f"unknown police station(s): {', '.join(missing)}")
    if grids:
        found = _rows(
            conn, "select grid_code, station_code from core.grids where grid_code = any(:g)", {"g": grids}
        )
        if missing := sorted(set(grids) - {r["grid_code"] for r in found}):
            raise AuthError(f"unknown grid(s): {', '.join(missing)}")
        stations = sorted({r["station_code"] for r in found if r["station_code"]})
    return stations, grids


def add_user(
    owner_url: str,
    username: str,
    role: str,
    password: str,
    stations: list[str] | None = None,
    grids: list[str] | None = None,
    display_name: str = "",
) -> UserRecord:
    """Create a user; a station chief needs stations, a grid worker grids (their stations follow); a
    wall (the screen of a command centre, which opens the wall and nothing else) the whole area or
    stations."""
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise AuthError(f"user name {username!r}: 2–40 of a–z, 0–9, '_', '.', '-'")
    if role not in codes("role"):
        raise AuthError(f"role {role!r}: one of {', '.join(codes('role'))}")
    password_hash = hash_password(password)
    with get_engine(owner_url).begin() as conn:
        station_list, grid_list = _checked_scope(
            conn, role, sorted(set(stations or [])), sorted(set(grids or []))
        )
        if _rows(conn, "select 1 from ops.users where username = :u", {"u": username}):
            raise AuthError(f"user {username!r} exists (use set-password, disable or enable)")
        conn.execute(
            text(
                "insert into ops.users (username, display_name, role, stations, grids, password_hash) "
                "values (:u, :d, :r, :s, :g, :h)"
            ),
            {
                "u": username,
                "d": display_name,
                "r": role,
                "s": station_list,
                "g": grid_list,
                "h": password_hash,
            },
        )
        record(
            conn,
            "user_add",
            {"username": username, "role": role, "stations": station_list, "grids": grid_list},
        )
    return UserRecord(username, display_name or username, role, frozenset(station_list), frozenset(grid_list))


def _update_one(owner_url: str, username: str, query: str, params: dict[str, Any], action: str) -> None:
    """Change one user's row and audit it; an unknown user is an error and changes nothing."""
    with get_engine(owner_url).begin() as conn:
        if not _rows(conn, query + " where username = :u returning username", {"u": username, **params}):
            raise AuthError(f"no user {username!r}")
        # a change by the owner lifts every lock on the name, from whichever address
        _rows(conn, "delete from ops.login_failures where username = :u returning username", {"u": username})
        record(conn, action, {"username": username})


def set_disabled(owner_url: str, username: str, disabled: bool) -> None:
    """Disable (their sessions end at the next request) or enable a user."""
    _update_one(
        owner_url,
        username,
        "update ops.users set disabled = :d",
        {"d": disabled},
        "user_disable" if disabled else "user_enable",
    )


def set_password(owner_url: str, username: str, password: str) -> None:
    """A new password (sessions opened before it end); also lifts a lockout."""
    _update_one(
        owner_url,
        username,
        "update ops.users set password_hash = :h, password_changed_at = now()",
        {"h": hash_password(password)},
        "user_set_password",
    )


def sign_out(owner_url: str, username: str) -> int:
    """End every open session of a user now (a wall's long-lived one above all) without disabling
    them; the number ended. Audited with the operator's name, each session's end as ``revoked``."""
    with get_engine(owner_url).begin() as conn:
        if not _rows(conn, "select 1 from ops.users where username = :u", {"u": username}):
            raise AuthError(f"no user {username!r}")
        ended = _rows(
            conn,
            "update ops.sessions set ended_at = now() where username = :u and ended_at is null "
            "returning token_sha256",
            {"u": username},
        )
        record(conn, "user_sign_out", {"username": username, "reason": "revoked", "sessions": len(ended)})
    return len(ended)


def list_users(owner_url: str) -> list[UserRecord]:
    """Every user, by role and name."""
    with get_engine(owner_url).connect() as conn:
        rows = _rows(
            conn,
            "select username, display_name, role, stations, grids, disabled, "
            "exists (select 1 from ops.login_failures f where f.username = u.username "
            "        and f.locked_until > now()) as locked, last_login_at "
            "from ops.users u order by role, username",
        )
    return [
        UserRecord(
            r["username"],
            r["display_name"],
            r["role"],
            frozenset(r["stations"] or ()),
            frozenset(r["grids"] or ()),
            r["disabled"],
            r["locked"],
            r["last_login_at"],
        )
        for r in rows
    ]


def demo_users(owner_url: str) -> list[tuple[UserRecord, str]]:
    """One user per role on a loaded demo, each with a fresh random password (made again on every
    run): the leadership, the first station's chief, a grid worker of that station's first grid,
    and the command centre's wall."""
    with get_engine(owner_url).connect() as conn:
        station = _rows(conn, "select station_code, name from core.police_stations order by 1 limit 1")
        if not station:
            raise AuthError("no police stations loaded: load the demo first (onemap etl load)")
        code = station[0]["station_code"]
        grid = _rows(
            conn, "select grid_code from core.grids where station_code = :s order by 1 limit 1", {"s": code}
        )[0]["grid_code"]
    wanted = [
        ("demo_leader", "leadership", [], [], "演示领导"),
        ("demo_chief", "station_chief", [code], [], f"{station[0]['name']}所长"),
        ("demo_grid", "grid_worker", [], [grid], f"网格员（{grid}）"),
        ("demo_wall", "wall", [], [], "指挥中心大屏"),
    ]
    made = []
    for username, role, stations, grids, name in wanted:
        password = secrets.token_urlsafe(8) + "-Demo7"
        with get_engine(owner_url).begin() as conn:
            conn.execute(text("delete from ops.users where username = :u"), {"u": username})
        made.append((add_user(owner_url, username, role, password, stations, grids, name), password))
    return made
