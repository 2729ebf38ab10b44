"""Who the tests act as: the tests' own secret key, signed scopes, passwords, logins."""

from __future__ import annotations

from datetime import date
from typing import Any

from dashboard.auth import User
from dashboard.operator import operator_token
from dashboard.scope import Scope

# The tests' own secret key (the dashboard refuses to start without one); tests/conftest.py puts it
# in the environment before any settings are read, so served apps and commands inherit it.
TEST_SECRET = "onemap-tests-only-secret-key-0123456789abcdef"
SECRET = TEST_SECRET.encode()

DEMO_UNTIL = date(2026, 11, 22)  # a Sunday: the demo's last full week is 2026-W47

PASSWORD = "Test-pass-2026"

LEADER = User("test-leader", "测试领导", "leadership", frozenset(), frozenset())


def chief(*stations: str) -> User:
    """A station chief of ``stations`` (not in ops.users: for callbacks called directly)."""
    return User("test-chief", "测试所长", "station_chief", frozenset(stations), frozenset())


def sign(scope: Scope, role: str, username: str = "operator") -> str:
    """A scope signed with the tests' key, as the dashboard signs it for PostgreSQL (for ``username``)."""
    return operator_token(SECRET, scope, role, username)


def login(client: Any, username: str, password: str = PASSWORD) -> Any:
    """Sign a Flask test client in (it keeps the session cookie)."""
    return client.post("/login", data={"username": username, "password": password, "next": "/"})
