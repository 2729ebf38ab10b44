"""Who the tests act as: the tests' own secret key, signed scopes, passwords, logins."""

from __future__ import annotations

import re
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


def login(client: Any, username: str, password: str = PASSWORD, next_path: str = "/", **request: Any) -> Any:
    """Sign a Flask test client in as the form does: open the page (its CSRF cookie), then post the
    form with that token (the client keeps the session cookie); ``request``: e.g. ``environ_base``."""
    page = client.get("/login", **request)
    token = re.search(r'name="csrf" value="([^"]*)"', page.get_data(as_text=True))
    data = {
        "username": username,
        "password": password,
        "next": next_path,
        "csrf": token.group(1) if token else "",
    }
    return client.post("/login", data=data, **request)


def signed_in(app: Any, username: str) -> Any:
    """A Flask test client of the Dash ``app`` signed in as the demo user ``username``."""
    client = app.server.test_client()
    assert login(client, username).status_code == 302
    return client


def logout(client: Any) -> Any:
    """Sign a Flask test client out as the top bar's form does (its token from a page's top bar)."""
    page = client.get("/logout")
    token = re.search(r'name="csrf" value="([^"]*)"', page.get_data(as_text=True))
    return client.post("/logout", data={"csrf": token.group(1) if token else ""})
