"""The login page, logout, and the guard every request passes.

Login and logout are POSTs carrying a CSRF token: the login form's is double-submitted (a random
cookie, ``SameSite=Strict``, that a cross-site page can neither read nor set, and the same value in
the form); logout's is an HMAC of the session cookie, put into the top bar's form. A POST whose
``Origin`` or ``Sec-Fetch-Site`` says it came from another site is refused as well. A GET of
``/logout`` only shows a button. After login the browser goes only to a path of this site
(:func:`safe_next`).

The guard resolves the session cookie (or, when switched on, a trusted proxy's identity header)
to a user, puts the user and their scope on ``flask.g`` and the signed scope in
``dashboard.db.SCOPE_TOKEN``; with no user a page request goes to ``/login`` and anything else
gets 401. The scope therefore comes from the server-side session only.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import re
import secrets
from collections.abc import Collection
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import dash
from flask import Response, g, redirect, request

from dashboard import failures, wall_guard
from dashboard.auth import COOKIE, Auth, User
from dashboard.context import AppContext

# paths served without a session: the login itself, our stylesheet, and library scripts (no data)
OPEN_PREFIXES = ("/assets/", "/_dash-component-suites/")
OPEN_PATHS = {"/login", "/logout", "/favicon.ico", "/_favicon.ico"}

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>登录 · {title}</title>
<link rel="stylesheet" href="/assets/onemap.css"></head>
<body class="login-body"><form class="login" method="post" action="/login" autocomplete="off">
<h1>{title}</h1>
<p class="login-note">仅限授权人员使用。登录、查询与导出均留痕审计。</p>
{message}
<input type="hidden" name="csrf" value="{csrf}">
<label>用户名<input name="username" id="username" value="{username}" required autofocus></label>
<label>密码<input name="password" id="password" type="password" required></label>
<input type="hidden" name="next" value="{next}">
<button type="submit" id="login-submit">登录</button>
</form></body></html>"""


LOGOUT_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>退出 · {title}</title>
<link rel="stylesheet" href="/assets/onemap.css"></head>
<body class="login-body"><form class="login" method="post" action="/logout">
<h1>{title}</h1>
<input type="hidden" name="csrf" value="{csrf}">
<button type="submit" id="logout-submit">退出登录</button>
</form></body></html>"""

CSRF_COOKIE = "onemap_csrf"
# the answer to a callback (or any script's request) without a live session
SIGNED_OUT = json.dumps(
    {"error": "signed_out", "message": "登录已过期，请重新登录", "login": "/login"}, ensure_ascii=False
)
# a path: "/" then path characters; nothing that a browser reads as a host, a scheme or a break
_PATH = re.compile(r"^/(?![/\\])[A-Za-z0-9/_.~!$&'()*+,;=:@%?#-]*$")


def client_address(trusted_proxies: Collection[str] = ()) -> str | None:
    """Who is asking: the peer, or behind a trusted proxy the address that proxy appended to
    ``X-Forwarded-For`` (its last entry: anything before it the client may have written)."""
    peer = request.remote_addr
    forwarded = request.headers.get("X-Forwarded-For", "")
    if peer in trusted_proxies and forwarded.strip():
        return forwarded.split(",")[-1].strip()[:100] or peer
    return peer


def safe_next(target: str | None) -> str:
    """``target`` when it is a path of this site, else ``/``.

    Refused: absolute and scheme-relative URLs (``//host``, ``/\\host``), backslashes, whitespace
    and control characters (browsers drop tabs and newlines, so ``/\t/host`` is ``//host``), and
    dot segments, and any of these percent-encoded (decoded repeatedly until it no longer changes).
    """
    if not target or len(target) > 2000:
        return "/"
    decoded, seen = target, None
    for _ in range(5):  # %25 2F … : a few rounds, then refuse what is still encoded
        if decoded == seen:
            break
        seen, decoded = decoded, unquote(decoded)
    else:
        return "/"
    for candidate in (target, decoded):
        if not _PATH.match(candidate):
            return "/"
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or "//" in parts.path:
            return "/"
        if any(seg in (".", "..") for seg in parts.path.split("/")):  # /.//host resolves to //host
            return "/"
    return target


def same_site_post() -> bool:
    """Whether the browser says the POST came from this site (absent headers: a non-browser client)."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    return origin is None or origin == request.host_url.rstrip("/")


def logout_token(key: bytes, session_cookie: str | None) -> str:
    """The logout form's token for a session (empty without one)."""
    if not session_cookie:
        return ""
    return hmac.new(key, session_cookie.encode(), hashlib.sha256).hexdigest()[:32]


def install(app: dash.Dash, c: AppContext, auth: Auth, csrf_key: bytes) -> None:
    """Add the login routes and the guard to the app's Flask server (``csrf_key``: the logout
    tokens' key, derived from the deployment's secret)."""
    server = app.server
    settings = auth.settings
    title = html.escape(settings.title)
    proxied: set[str] = set()  # identities a proxy asserted that this worker has audited

    def page(message: str = "", username: str = "", next_path: str = "/", status: int = 200) -> Response:
        box = f'<p class="login-error" id="login-error">{html.escape(message)}</p>' if message else ""
        if not message and request.method == "GET" and request.args.get("expired"):
            box = '<p class="login-expired" id="login-expired">登录已过期，请重新登录。</p>'
        token = request.cookies.get(CSRF_COOKIE) or ""
        if not re.fullmatch(r"[A-Za-z0-9_-]{43}", token):
            token = secrets.token_urlsafe(32)
        body = PAGE.format(
            title=title,
            message=box,
            username=html.escape(username),
            next=html.escape(safe_next(next_path)),
            csrf=token,
        )
        response = Response(body, status=status, mimetype="text/html")
        response.set_cookie(
            CSRF_COOKIE,
            token,
            httponly=True,
            samesite="Strict",
            secure=settings.secure_cookies or request.is_secure,
            path="/login",
        )
        return response

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
            if request.method == "GET" and not path.startswith(("/_dash", "/_onemap/")):
                return redirect("/login?next=" + quote(request.full_path.rstrip("?")))
            # a script's request: the page's script sends the browser to the login page and back
            return Response(SIGNED_OUT, status=401, mimetype="application/json")
        g.onemap_bound = c.bind(user, client_address(settings.trusted_proxies))
        g.onemap_logout_token = logout_token(csrf_key, request.cookies.get(COOKIE))
        if "onemap_proxy_login" in g:
            c.audit("login", g.pop("onemap_proxy_login"))
        if user.wall_only:  # a command centre's screen: the wall and what it calls, nothing else
            return wall_guard.refusal(c)
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
        cookie, sent = request.cookies.get(CSRF_COOKIE, ""), request.form.get("csrf", "")
        if not (same_site_post() and cookie and hmac.compare_digest(cookie, sent)):
            return page("页面已过期，请重新登录。", "", request.form.get("next", "/"), status=403)
        try:
            result = auth.login(
                username, request.form.get("password", ""), client_address(settings.trusted_proxies)
            )
        except Exception as exc:  # the form again, with what went wrong in words (and a log line)
            kind = failures.report(exc, "POST /login")
            status, title, _text, _retry = failures.MESSAGES[kind]
            return page(f"{title}，请稍后再试。", username, request.form.get("next", "/"), status=status)
        if result.token is None:
            return page(result.message, username, request.form.get("next", "/"))
        target = safe_next(request.form.get("next"))
        if target == "/" and result.user is not None and result.user.role == "grid_worker":
            target = "/mine"  # a grid worker starts at their own grid (the map is one tap away)
        elif (
            target == "/"
            and result.user is not None
            and result.user.role in ("town_leader", "village_officer")
        ):
            target = "/towns"  # the governance side starts at its towns (and on to its villages)
        if (
            result.user is not None
            and result.user.wall_only
            and not wall_guard.WALL_PATH.match(urlsplit(target).path)
        ):
            target = "/wall"  # a wall account opens the wall, wherever the login was asked from
        response = redirect(target)
        response.set_cookie(
            COOKIE,
            result.token,
            httponly=True,
            samesite="Lax",
            secure=settings.secure_cookies or request.is_secure,
            path="/",
        )
        return response

    @server.route("/logout", methods=["GET", "POST"])
    def _logout() -> Any:
        session = request.cookies.get(COOKIE)
        expected = logout_token(csrf_key, session)
        if request.method == "GET" or not (
            same_site_post() and expected and hmac.compare_digest(expected, request.form.get("csrf", ""))
        ):
            # a link, an image or another site's form cannot end the session: show the button
            body = LOGOUT_PAGE.format(title=title, csrf=expected)
            return Response(body, status=200 if request.method == "GET" else 403, mimetype="text/html")
        auth.logout(request.cookies.get(COOKIE), client_address(settings.trusted_proxies))
        response = redirect("/login")
        response.delete_cookie(COOKIE, path="/")
        return response
