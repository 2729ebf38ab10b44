"""Response headers, the redirect after login, and CSRF on login and logout.

Every kind of response (page, layout, callback, asset, library script, download, login, logout,
refusal, error) carries the Content-Security-Policy and the usual headers; everything that is not
a static file is ``no-store``. ``next=`` leads only to a path of this site; a login or logout
posted from another site, or without its token, is refused; a GET of ``/logout`` ends nothing.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

import dash
import pytest

from dashboard.login import CSRF_COOKIE, safe_next
from tests.support.accounts import PASSWORD, login, logout
from tests.support.dash_calls import dash_call, key_of

pytestmark = pytest.mark.db

ALWAYS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
FORGED_NEXT = [
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/%09/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/%0a/evil.example",
    "/%2F%2Fevil.example",
    "/%252F%252Fevil.example",
    "/%5Cevil.example",
    "/.//evil.example",
    "/..//evil.example",
    "https://evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " //evil.example",
    "\x00//evil.example",
    "/\x0b/evil.example",
    "evil.example",
    "%2F%2Fevil.example",
]


def check(resp: Any, what: str, personal: bool = True) -> None:
    h = resp.headers
    csp = h.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, what
    script = re.search(r"script-src ([^;]*)", csp)
    assert script is not None, what
    assert "'unsafe-inline'" not in script.group(1) and "'unsafe-eval'" not in script.group(1), what
    assert "*" not in script.group(1) and "data:" not in script.group(1), what
    for name, value in ALWAYS.items():
        assert h.get(name) == value, (what, name)
    if personal:
        assert h.get("Cache-Control") == "no-store", what


@pytest.fixture
def leader_client(demo_app: dash.Dash, accounts: dict[str, Any]) -> Any:
    client = demo_app.server.test_client()
    assert login(client, "leader").status_code == 302
    return client


def test_every_kind_of_response_carries_the_headers(
    demo_app: dash.Dash, leader_client: Any, accounts: dict[str, Any]
) -> None:
    (station,) = accounts["chief_a"].stations
    anonymous = demo_app.server.test_client()
    check(anonymous.get("/login"), "login page")
    check(anonymous.get("/"), "redirect to login")
    check(anonymous.post("/_dash-update-component", json={}), "refused callback")
    check(anonymous.post("/login", data={"username": "leader", "password": PASSWORD}), "login without token")
    check(anonymous.get("/logout"), "logout page")
    client = leader_client
    for path in (
        "/",
        "/_dash-layout",
        "/_dash-dependencies",
        f"/download/weekly/{station}.xlsx?week=2026-W47",
    ):
        resp = client.get(path)
        assert resp.status_code == 200, path
        check(resp, path)
    check(client.get("/download/weekly/nowhere.pdf"), "404 download")
    check(client.get("/download/weekly/x.pdf?week=2026-W99"), "400 download")
    route = key_of(demo_app, "page.children")
    status, _ = dash_call(client, demo_app, route, {("url", "pathname"): f"/station/{station}"})
    assert status == 200
    resp = client.post("/_dash-update-component", json={"output": "page.children"})
    assert resp.status_code >= 400
    check(resp, "failed callback")
    index = client.get("/").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', index)
    assert scripts
    for src in (scripts[0], "/assets/onemap.css", "/assets/onemap_map.js"):
        resp = client.get(src)
        assert resp.status_code == 200, src
        check(resp, src, personal=False)
    # the index has no inline script the policy does not name by hash (comments: Dash's IE notice)
    csp = client.get("/").headers["Content-Security-Policy"]
    live = re.sub(r"<!--.*?-->", "", index, flags=re.S)
    inline = r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>"
    bodies = re.findall(inline, live, re.S)
    assert bodies  # Dash's renderer bootstrap
    for body in bodies:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


@pytest.mark.parametrize("target", FORGED_NEXT)
def test_next_after_login_stays_on_the_site(
    demo_app: dash.Dash, accounts: dict[str, Any], target: str
) -> None:
    assert safe_next(target) == "/"
    client = demo_app.server.test_client()
    resp = login(client, "leader", PASSWORD, target)
    assert resp.status_code == 302 and resp.headers["Location"] == "/", target
    # and the login page does not echo it into the form
    page = client.get("/login", query_string={"next": target}).get_data(as_text=True)
    assert 'name="next" value="/"' in page


def test_next_keeps_a_path_of_the_site(demo_app: dash.Dash, accounts: dict[str, Any]) -> None:
    for target in ("/wall", "/station/440118501000?week=2026-W47", "/persons/"):
        client = demo_app.server.test_client()
        assert login(client, "leader", PASSWORD, target).headers["Location"] == target


def test_a_cross_site_login_post_is_refused(demo_app: dash.Dash, accounts: dict[str, Any]) -> None:
    form = {"username": "leader", "password": PASSWORD, "next": "/"}
    client = demo_app.server.test_client()
    # no token at all (another site's form cannot read ours)
    assert client.post("/login", data=form).status_code == 403
    # a token in the form but no cookie (another site cannot set ours), and a wrong one
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token is not None
    cookie = client.get_cookie(CSRF_COOKIE, path="/login")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Strict"
    assert client.post("/login", data={**form, "csrf": "x" * 43}).status_code == 403
    # the right token, but the browser says the form came from another site
    for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}):
        resp = client.post("/login", data={**form, "csrf": token.group(1)}, headers=headers)
        assert resp.status_code == 403, headers
    assert client.get_cookie("onemap_session") is None
    fresh = demo_app.server.test_client()
    fresh.get("/login")
    other = fresh.get_cookie(CSRF_COOKIE, path="/login")
    assert other is not None
    assert client.post("/login", data={**form, "csrf": other.value}).status_code == 403  # someone else's
    assert client.post("/login", data={**form, "csrf": token.group(1)}).status_code == 302


def test_logout_only_by_a_post_with_the_session_token(demo_app: dash.Dash, leader_client: Any) -> None:
    client = leader_client
    assert client.get("/").status_code == 200
    for _ in range(2):  # a link or an image: the page with the button, the session goes on
        assert client.get("/logout").status_code == 200
    assert client.get("/").status_code == 200
    assert client.post("/logout").status_code == 403  # another site's form: no token
    assert client.post("/logout", data={"csrf": "0" * 32}).status_code == 403
    page = client.get("/logout").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token is not None
    resp = client.post("/logout", data={"csrf": token.group(1)}, headers={"Origin": "http://evil.example"})
    assert resp.status_code == 403
    assert client.get("/").status_code == 200
    assert logout(client).status_code == 302
    assert client.get("/").status_code == 302
