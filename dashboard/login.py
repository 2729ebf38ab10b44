"""The login page, logout, and the guard every request passes.

The guard resolves the session cookie (or, when switched on, a trusted proxy's identity header)
to a user, puts the user and their scope on ``flask.g`` and the signed scope in
``dashboard.db.SCOPE_TOKEN``; with no user a page request goes to ``/login`` and anything else
gets 401. The scope therefore comes from the server-side session only.
"""

from __future__ import annotations

import html
from collections.abc import Collection
from typing import Any
from urllib.parse import quote

import dash
from flask import Response, g, redirect, request

from dashboard.auth import COOKIE, Auth, User
from dashboard.context import AppContext

# paths served without a session: the login itself, our stylesheet, and library scripts (no data)
OPEN_PREFIXES = ("/assets/", "/_dash-component-suites/")
OPEN_PATHS = {"/login", "/logout", "/favicon.ico", "/_favicon.ico"}

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>登录 · {title}</title>
<link rel="stylesheet" href="/assets/onemap.css"></head>
<body class="login-body"><form class="login" method="post" action="/login" autocomplete="off">
<h1>{title}</h1>
<p class="login-note">仅限授权人员使用。登录、查询与导出均留痕审计。</p>
{message}
<label>用户名<input name="username" id="username" value="{username}" required autofocus></label>
<label>密码<input name="password" id="password" type="password" required></label>
<input type="hidden" name="next" value="{next}">
<button type="submit" id="login-submit">登录</button>
</form></body></html>"""


def client_address(trusted_proxies: Collection[str] = ()) -> str | None:
    """Who is asking: the peer, or behind a trusted proxy the address that proxy appended to
    ``X-Forwarded-For`` (its last entry: anything before it the client may have written)."""
    peer = request.remote_addr
    forwarded = request.headers.get("X-Forwarded-For", "")
    if peer in trusted_proxies and forwarded.strip():
        return forwarded.split(",")[-1].strip()[:100] or peer
    return peer


def safe_next(target: str | None) -> str:
    """Only a path on this site (never ``//host`` or ``http://…``)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def install(app: dash.Dash, c: AppContext, auth: Auth) -> None:
    """Add the login routes and the guard to the app's Flask server."""
    server = app.server
    settings = auth.settings
    title = html.escape(settings.title)
    proxied: set[str] = set()  # identities a proxy asserted that this worker has audited

    def page(message: str = "", username: str = "", next_path: str = "/") -> Response:
        box = f'<p class="login-error" id="login-error">{html.escape(message)}</p>' if message else ""
        body = PAGE.format(
            title=title, message=box, username=html.escape(username), next=html.escape(safe_next(next_path))
        )
        return Response(body, mimetype="text/html")

    def from_proxy() -> User | None:
        header = settings.trusted_user_header
        if not header or request.remote_addr not in settings.trusted_proxies:
            return None
        name = (request.headers.get(header) or "").strip().lower()
        user = auth.user(name) if name else None
        if user is not None and name not in proxied:
            proxied.add(name)
            g.onemap_proxy_login = {"username": name, "via": header}  # audited once bound, below
        return user

    @server.before_request
    def _guard() -> Any:
        path = request.path
        if path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
            return None
        user = from_proxy() or auth.resolve(
            request.cookies.get(COOKIE), client_address(settings.trusted_proxies)
        )
        if user is None:
            if request.method == "GET" and not path.startswith("/_dash"):
                return redirect("/login?next=" + quote(request.full_path.rstrip("?")))
            return Response('{"error": "not signed in"}', status=401, mimetype="application/json")
        g.onemap_bound = c.bind(user, client_address(settings.trusted_proxies))
        if "onemap_proxy_login" in g:
            c.audit("login", g.pop("onemap_proxy_login"))
        return None

    @server.teardown_request
    def _unbind(_exc: BaseException | None) -> None:
        bound = g.pop("onemap_bound", None)
        if bound is not None:
            c.unbind(bound)

    @server.route("/login", methods=["GET", "POST"])
    def _login() -> Any:
        if request.method == "GET":
            return page(next_path=request.args.get("next", "/"))
        username = request.form.get("username", "")
        result = auth.login(
            username, request.form.get("password", ""), client_address(settings.trusted_proxies)
        )
        if result.token is None:
            return page(result.message, username, request.form.get("next", "/"))
        response = redirect(safe_next(request.form.get("next")))
        response.set_cookie(
            COOKIE,
            result.token,
            httponly=True,
            samesite="Lax",
            secure=settings.secure_cookies or request.is_secure,
            path="/",
        )
        return response

    @server.route("/logout")
    def _logout() -> Any:
        auth.logout(request.cookies.get(COOKIE), client_address(settings.trusted_proxies))
        response = redirect("/login")
        response.delete_cookie(COOKIE, path="/")
        return response
