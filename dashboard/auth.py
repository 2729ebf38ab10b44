"""Who is looking: users and roles, passwords, server-side sessions, lockout, the audit trail.

Users live in ``ops.users`` (managed with ``onemap user …``), sessions in ``ops.sessions``: the
browser holds only a random token (HttpOnly cookie); the server keeps its SHA-256 with a MAC made
with a key derived from the secret key, so a row written by anybody else is no session. Each
request resolves the session to a :class:`User`, whose :class:`~dashboard.scope.Scope` the pages
use and whose signed scope PostgreSQL checks (``dashboard.db.SCOPE_TOKEN``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from common.china import TZ
from common.codebook import label
from common.passwords import hash_settings, hash_with
from dashboard.db import execute, fetch_all
from dashboard.scope import Scope
from dashboard.settings import DashboardSettings

LOGGER = logging.getLogger(__name__)

COOKIE = "onemap_session"


@dataclass(frozen=True)
class User:
    """A signed-in user and what they may see."""

    username: str
    display_name: str
    role: str
    stations: frozenset[str]
    grids: frozenset[str]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> User:
        return cls(
            row["username"],
            row["display_name"] or row["username"],
            row["role"],
            frozenset(row["stations"] or ()),
            frozenset(row["grids"] or ()),
        )

    def scope(self) -> Scope:
        if self.role == "leadership" or (self.role == "wall" and not self.stations):
            return Scope.everything()
        if self.role in ("station_chief", "wall"):
            return Scope(self.stations)
        return Scope.of_grids(self.stations, self.grids)

    @property
    def can_search_persons(self) -> bool:
        """Leadership and station chiefs may look people up (masked, audited); grid workers not."""
        return self.role in ("leadership", "station_chief")

    @property
    def can_judge_alerts(self) -> bool:
        """Station chiefs and grid workers judge the alerts in their scope; the leadership reads
        (``ops.alert_verdict`` refuses anyone else again)."""
        return self.role in ("station_chief", "grid_worker")

    @property
    def can_read_analysis(self) -> bool:
        """The analysis page (研判) is the leadership's and the station chiefs' (their part); a grid
        worker reads their grids' line on the grid page."""
        return self.role in ("leadership", "station_chief")

    @property
    def can_read_audit(self) -> bool:
        return self.role == "leadership"

    @property
    def wall_only(self) -> bool:
        """A wall account: a command centre's screen, which may open the wall and nothing else
        (:mod:`dashboard.wall_guard`); the database shows it no person's row."""
        return self.role == "wall"

    @property
    def role_zh(self) -> str:
        return label("role", self.role)


def audit(
    url: str,
    action: str,
    params: dict[str, Any] | None = None,
    row_count: int | None = None,
    result: str = "ok",
) -> None:
    """Append one row to ``ops.audit`` through ``ops.audit_write``, which takes the user and client
    from the signed scope of the request (the application role cannot insert a row itself)."""
    execute(
        url,
        "select ops.audit_write(:a, cast(:p as jsonb), :n, :res)",
        {
            "a": action,
            "p": json.dumps(params or {}, ensure_ascii=False, default=str),
            "n": row_count,
            "res": result,
        },
    )


@dataclass(frozen=True)
class LoginResult:
    """A session token and its user when the login succeeded; otherwise the message to show."""

    token: str | None
    user: User | None
    message: str


class Auth:
    """Logins, sessions and lockout against ``ops.users`` and ``ops.sessions``.

    The password hash never reaches the dashboard: ``ops.login_settings`` hands out its settings
    and salt, the typed password is hashed with them here, ``ops.login_check`` compares, counts
    failures per (name, client), locks and audits. An unknown name takes the same steps, the same
    time and gets the same answers as a real one.
    """

    def __init__(self, url: str, session_key: bytes, settings: DashboardSettings) -> None:
        self.url = url
        self.session_key = session_key
        self.settings = settings

    # ------------------------------------------------------------------ helpers
    def _mac(self, token_sha256: str, username: str) -> str:
        return hmac.new(self.session_key, f"{token_sha256}|{username}".encode(), hashlib.sha256).hexdigest()

    @staticmethod
    def _digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def user(self, username: str) -> User | None:
        """An enabled user by name (for an identity a trusted proxy asserts)."""
        rows = fetch_all(
            self.url,
            "select username, display_name, role, stations, grids from ops.users "
            "where username = :u and not disabled",
            {"u": username},
            primary=True,  # a user just disabled is disabled now
        )
        return User.from_row(rows[0]) if rows else None

    # ------------------------------------------------------------------ login and logout
    def login(self, username: str, password: str, client: str | None = None) -> LoginResult:
        """Check a password; lock (name, client) after too many failures; open a session."""
        s = self.settings
        username = username.strip().lower()[:200]
        found = fetch_all(
            self.url,
            "select * from ops.login_settings(:u, :d)",
            {"u": username, "d": hash_settings()},
            primary=True,  # the password hash as it was changed a moment ago
        )[0]
        candidate = hash_with(found["settings"], found["hash_len"], password[:1000])
        row = execute(
            self.url,
            "select * from ops.login_check(:u, :h, :c, :max, :mins)",
            {
                "u": username,
                "h": candidate,
                "c": client,
                "max": s.login_max_failures,
                "mins": s.login_lockout_minutes,
            },
        )[0]
        if row["result"] == "locked":
            until = row["locked_until"].astimezone(TZ).strftime("%H:%M")
            return LoginResult(None, None, f"连续登录失败次数过多，已锁定，请于 {until} 后再试")
        if row["result"] == "locked_now":
            return LoginResult(None, None, f"连续登录失败次数过多，已锁定 {s.login_lockout_minutes} 分钟")
        if row["result"] == "disabled":  # told only to someone who knows the password
            return LoginResult(None, None, f"{label('audit_result', 'disabled')}，请联系管理员")
        if row["result"] != "ok":
            return LoginResult(None, None, "用户名或密码错误")
        token = secrets.token_urlsafe(32)
        digest = self._digest(token)
        execute(
            self.url,
            "insert into ops.sessions (token_sha256, username, mac, client) values (:h, :u, :m, :c)",
            {"h": digest, "u": username, "m": self._mac(digest, username), "c": client},
        )
        return LoginResult(token, User.from_row(row), "")

    def logout(self, token: str | None, client: str | None = None) -> None:
        if token:
            self._end(self._digest(token), "logout", client)

    def _end(self, digest: str, reason: str, client: str | None) -> None:
        """End a session; the database audits it in the name of the session's own user."""
        execute(self.url, "select ops.session_end(:h, :r, :c)", {"h": digest, "r": reason, "c": client})

    # ------------------------------------------------------------------ each request
    def resolve(self, token: str | None, client: str | None = None) -> User | None:
        """The user of a live session; an idle one is ended (and audited), a forged one ignored."""
        if not token or len(token) > 200:
            return None
        digest = self._digest(token)
        rows = fetch_all(
            self.url,
            "select u.username, u.display_name, u.role, u.stations, u.grids, u.disabled, s.mac, "
            "       s.created_at < u.password_changed_at as stale, "
            # a wall's session outlasts an outage of its server or database: it is renewed by the
            # wall's own refreshes, and ended by an admin (onemap user sign-out / disable)
            "       now() - s.last_seen > make_interval(mins => case when u.role = 'wall' "
            "           then :wall_idle else :idle end) as idle, "
            "       now() - s.last_seen > interval '30 seconds' as touch "
            "from ops.sessions s join ops.users u using (username) "
            "where s.token_sha256 = :h and s.ended_at is null",
            {
                "h": digest,
                "idle": self.settings.session_idle_minutes,
                "wall_idle": self.settings.wall_session_idle_hours * 60,
            },
            primary=True,  # a session opened or ended a moment ago, in whichever process
        )
        if not rows:
            return None
        row = rows[0]
        if not hmac.compare_digest(row["mac"], self._mac(digest, row["username"])):
            LOGGER.warning("session row with a bad MAC for %s ignored", row["username"])
            return None
        user = User.from_row(row)
        if row["idle"] or row["disabled"] or row["stale"]:
            reason = "idle_timeout" if row["idle"] else "disabled" if row["disabled"] else "password_changed"
            self._end(digest, reason, client)
            return None
        if row["touch"]:
            execute(
                self.url, "update ops.sessions set last_seen = now() where token_sha256 = :h", {"h": digest}
            )
        return user
