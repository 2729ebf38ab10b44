"""Managing dashboard users (``onemap user …``), run as the owner: add, disable, enable, list,
set a password. Every change is written to the audit trail with the operator's name."""

from __future__ import annotations

import getpass
import re
from typing import Any

from dashboard.auth import ROLE_ZH, AuthError, User, audit, hash_password
from dashboard.db import execute, fetch_all

USERNAME = re.compile(r"^[a-z0-9_.-]{2,40}$")


def operator() -> User:
    """Who runs the command line, as the audit trail names them."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return User(f"cli:{name}", "", "operator", frozenset(), frozenset())


def add_user(
    owner_url: str,
    username: str,
    role: str,
    password: str,
    stations: list[str] | None = None,
    grids: list[str] | None = None,
    display_name: str = "",
) -> User:
    """Create a user; a station chief needs stations, a grid worker grids (their stations follow)."""
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise AuthError(f"user name {username!r}: 2–40 of a–z, 0–9, '_', '.', '-'")
    if role not in ROLE_ZH:
        raise AuthError(f"role {role!r}: one of {', '.join(ROLE_ZH)}")
    stations, grids = sorted(set(stations or [])), sorted(set(grids or []))
    if role == "station_chief" and not stations:
        raise AuthError("a station chief needs --station")
    if role == "grid_worker" and not grids:
        raise AuthError("a grid worker needs --grid")
    if role == "leadership" and (stations or grids):
        raise AuthError("leadership sees the whole area: no --station or --grid")
    if stations:
        known = {
            r["station_code"]
            for r in fetch_all(
                owner_url,
                "select station_code from core.police_stations where station_code = any(:s)",
                {"s": stations},
            )
        }
        if missing := [s for s in stations if s not in known]:
            raise AuthError(f"unknown police station(s): {', '.join(missing)}")
    if grids:
        found = fetch_all(
            owner_url,
            "select grid_code, station_code from core.grids where grid_code = any(:g)",
            {"g": grids},
        )
        if missing := sorted(set(grids) - {r["grid_code"] for r in found}):
            raise AuthError(f"unknown grid(s): {', '.join(missing)}")
        stations = sorted({r["station_code"] for r in found if r["station_code"]})
    if fetch_all(owner_url, "select 1 from ops.users where username = :u", {"u": username}):
        raise AuthError(f"user {username!r} exists (use set-password, disable or enable)")
    execute(
        owner_url,
        "insert into ops.users (username, display_name, role, stations, grids, password_hash) "
        "values (:u, :d, :r, :s, :g, :h)",
        {
            "u": username,
            "d": display_name,
            "r": role,
            "s": stations,
            "g": grids,
            "h": hash_password(password),
        },
    )
    audit(
        owner_url,
        operator(),
        "user_add",
        {"username": username, "role": role, "stations": stations, "grids": grids},
    )
    return User(username, display_name or username, role, frozenset(stations), frozenset(grids))


def set_disabled(owner_url: str, username: str, disabled: bool) -> None:
    """Disable (their sessions end at the next request) or enable a user."""
    done = execute(
        owner_url,
        "update ops.users set disabled = :d, failed_logins = 0, locked_until = null "
        "where username = :u returning username",
        {"u": username, "d": disabled},
    )
    if not done:
        raise AuthError(f"no user {username!r}")
    audit(owner_url, operator(), "user_disable" if disabled else "user_enable", {"username": username})


def set_password(owner_url: str, username: str, password: str) -> None:
    """A new password (sessions opened before it end); also lifts a lockout."""
    done = execute(
        owner_url,
        "update ops.users set password_hash = :h, password_changed_at = now(), failed_logins = 0, "
        "locked_until = null where username = :u returning username",
        {"u": username, "h": hash_password(password)},
    )
    if not done:
        raise AuthError(f"no user {username!r}")
    audit(owner_url, operator(), "user_set_password", {"username": username})


def list_users(owner_url: str) -> list[dict[str, Any]]:
    return fetch_all(
        owner_url,
        "select username, display_name, role, stations, grids, disabled, "
        "locked_until > now() as locked, last_login_at from ops.users order by role, username",
    )


def demo_users(owner_url: str) -> list[tuple[User, str]]:
    """One user per role on a loaded demo, each with a fresh random password (made again on every
    run): the leadership, the first station's chief, a grid worker of that station's first grid."""
    import secrets

    station = fetch_all(owner_url, "select station_code, name from core.police_stations order by 1 limit 1")
    if not station:
        raise AuthError("no police stations loaded: load the demo first (onemap etl load)")
    code = station[0]["station_code"]
    grid = fetch_all(
        owner_url, "select grid_code from core.grids where station_code = :s order by 1 limit 1", {"s": code}
    )[0]["grid_code"]
    wanted = [
        ("demo_leader", "leadership", [], [], "演示领导"),
        ("demo_chief", "station_chief", [code], [], f"{station[0]['name']}所长"),
        ("demo_grid", "grid_worker", [], [grid], f"网格员（{grid}）"),
    ]
    made = []
    for username, role, stations, grids, name in wanted:
        password = secrets.token_urlsafe(8) + "-Demo7"
        execute(owner_url, "delete from ops.users where username = :u", {"u": username})
        made.append((add_user(owner_url, username, role, password, stations, grids, name), password))
    return made
