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
from etl.sql import read_sql

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
    towns: frozenset[str] = frozenset()
    villages: frozenset[str] = frozenset()

    @property
    def role_zh(self) -> str:
        """The role's Chinese name."""
        return label("role", self.role)

    @property
    def scope_text(self) -> str:
        """Towns, villages, grids, stations, or 全域 (the whole area), comma-separated."""
        return ",".join(sorted(self.towns or self.villages or self.grids or self.stations)) or "全域"


def _rows(conn: Connection, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(text(query), params or {})]


def _checked_governance(conn: Connection, role: str, towns: list[str], villages: list[str]) -> None:
    """A town leader needs towns and a village officer villages, all loaded; nobody else gets either."""
    if role == "town_leader" and (not towns or villages):
        raise AuthError("a town leader needs --town (and no --village)")
    if role == "village_officer" and (not villages or towns):
        raise AuthError("a village officer needs --village (and no --town)")
    if role not in ("town_leader", "village_officer") and (towns or villages):
        raise AuthError("only a town leader is given --town, only a village officer --village")
    for what, query, given in (
        ("town", "select town_code as c from core.towns where town_code = any(:c)", towns),
        ("village", "select village_code as c from core.villages where village_code = any(:c)", villages),
    ):
        if given and (missing := sorted(set(given) - {r["c"] for r in _rows(conn, query, {"c": given})})):
            raise AuthError(f"unknown {what}(s): {', '.join(missing)}")


def _checked_scope(
    conn: Connection, role: str, stations: list[str], grids: list[str]
) -> tuple[list[str], list[str]]:
    """The stations and grids a role may be given, checked against what is loaded; a grid worker's
    stations are those of their grids (a town leader's and a village officer's both follow from
    their towns or villages: ``governance_scopes.sql``)."""
    if role in ("town_leader", "village_officer") and (stations or grids):
        raise AuthError(
            "a town leader or village officer sees their towns' or villages' grids: no --station or --grid"
        )
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
    towns: list[str] | None = None,
    villages: list[str] | None = None,
) -> UserRecord:
    """Create a user; a station chief needs stations, a grid worker grids (their stations follow); a
    wall (the screen of a command centre, which opens the wall and nothing else) the whole area or
    stations; a town leader towns, a village officer villages (their grids and stations follow, and
    follow again after every delivery of grids)."""
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
        town_list, village_list = sorted(set(towns or [])), sorted(set(villages or []))
        _checked_governance(conn, role, town_list, village_list)
        if _rows(conn, "select 1 from ops.users where username = :u", {"u": username}):
            raise AuthError(f"user {username!r} exists (use set-password, disable or enable)")
        conn.execute(
            text(
                "insert into ops.users (username, display_name, role, stations, grids, towns, villages, "
                "password_hash) values (:u, :d, :r, :s, :g, :t, :v, :h)"
            ),
            {
                "u": username,
                "d": display_name,
                "r": role,
                "s": station_list,
                "g": grid_list,
                "t": town_list,
                "v": village_list,
                "h": password_hash,
            },
        )
        conn.execute(text(read_sql("governance_scopes.sql")))
        made = _rows(conn, "select stations, grids from ops.users where username = :u", {"u": username})[0]
        station_list, grid_list = list(made["stations"]), list(made["grids"])
        record(
            conn,
            "user_add",
            {
                "username": username,
                "role": role,
                "stations": station_list,
                "grids": grid_list,
                **({"towns": town_list} if town_list else {}),
                **({"villages": village_list} if village_list else {}),
            },
        )
    return UserRecord(
        username,
        display_name or username,
        role,
        frozenset(station_list),
        frozenset(grid_list),
        towns=frozenset(town_list),
        villages=frozenset(village_list),
    )


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
            "select username, display_name, role, stations, grids, towns, villages, disabled, "
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
            frozenset(r["towns"] or ()),
            frozenset(r["villages"] or ()),
        )
        for r in rows
    ]


def demo_users(owner_url: str) -> list[tuple[UserRecord, str]]:
    """One user per role on a loaded demo, each with a fresh random password (made again on every
    run): the leadership, the first station's chief, a grid worker of that station's first grid,
    the command centre's wall, and the leader of that grid's town and the officer of its village."""
    with get_engine(owner_url).connect() as conn:
        station = _rows(conn, "select station_code, name from core.police_stations order by 1 limit 1")
        if not station:
            raise AuthError("no police stations loaded: load the demo first (onemap etl load)")
        code = station[0]["station_code"]
        first = _rows(
            conn,
            "select g.grid_code, g.town_code, g.village_code, t.name as town, v.name as village "
            "from core.grids g left join core.towns t using (town_code) "
            "left join core.villages v using (village_code) where g.station_code = :s order by 1 limit 1",
            {"s": code},
        )[0]
    grid, town, village = first["grid_code"], first["town_code"], first["village_code"]
    # (user name, role, stations, grids, towns, villages, display name)
    wanted: list[tuple[str, str, list[str], list[str], list[str], list[str], str]] = [
        ("demo_leader", "leadership", [], [], [], [], "演示领导"),
        ("demo_chief", "station_chief", [code], [], [], [], f"{station[0]['name']}所长"),
        ("demo_grid", "grid_worker", [], [grid], [], [], f"网格员（{grid}）"),
        ("demo_wall", "wall", [], [], [], [], "指挥中心大屏"),
    ]
    if town:
        wanted.append(("demo_town", "town_leader", [], [], [town], [], f"{first['town'] or town}领导"))
    if village:
        wanted.append(
            ("demo_village", "village_officer", [], [], [], [village], f"{first['village'] or village}干部")
        )
    made = []
    for username, role, stations, grids, towns, villages, name in wanted:
        password = secrets.token_urlsafe(8) + "-Demo7"
        with get_engine(owner_url).begin() as conn:
            conn.execute(text("delete from ops.users where username = :u"), {"u": username})
        user = add_user(owner_url, username, role, password, stations, grids, name, towns, villages)
        made.append((user, password))
    return made
