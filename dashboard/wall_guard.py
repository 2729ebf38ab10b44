"""What a wall account may reach: the wall and what the wall itself calls, nothing else.

A wall account (role ``wall``) is a command centre's screen, signed in for weeks where anybody may
walk up to it, so it must not be a way into the rest of the dashboard. For such an account the
login guard (:mod:`dashboard.login`) lets through only what the wall needs: its page (``/wall``),
the app's layout and dependencies, the router's callback for ``/wall`` (the router renders nothing
else for it either, :func:`dashboard.routes.render`), the wall's own callbacks (every output a
``wall-…`` component), the period picker's (it only rewrites the URL's query), and the readiness
probe; assets, the login and logout are open to everyone anyway. Anything else — another page, a
download, another page's callback — is refused with 403 and audited; ``/`` leads to the wall.
The database is the second line: the account reads no person's row (revision 0015).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from typing import Any

from flask import Response, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from dashboard.context import AppContext
from dashboard.failures import PROBE

WALL_PATH = re.compile(r"^/wall/*$")
# the app's shell: what every page, the wall included, loads before its first callback
SHELL = ("/_dash-layout", "/_dash-dependencies", PROBE)
CALLBACK = "/_dash-update-component"
# callbacks outside the wall's own that the wall runs: the router (for /wall only) and the period
# picker (it writes a period into the URL's query, which the router then reads)
ROUTER = "page.children"
SHARED = frozenset({ROUTER, "url.search"})

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>无权访问</title>
<link rel="stylesheet" href="/assets/onemap.css"></head>
<body class="login-body"><main class="login failure" id="wall-only">
<h1>无权访问</h1><p>当前账号（{who}）是指挥中心大屏账号，只能打开大屏。</p>
<a class="failure-retry" href="/wall">返回大屏</a>
</main></body></html>"""
REFUSED = json.dumps({"error": "forbidden", "message": "大屏账号只能打开大屏"}, ensure_ascii=False)


def output_ids(key: str) -> list[str]:
    """The component ids a callback of the app's callback map updates, from its key
    (``id.prop``, or ``..id.prop...id.prop..`` for several; ``@…`` marks an allowed duplicate)."""
    return [part.split("@")[0].rsplit(".", 1)[0] for part in key.strip(".").split("...") if part]


def wall_callback(key: str) -> bool:
    """Whether the callback of ``key`` is one the wall runs (see the module's docstring)."""
    return key in SHARED or all(i.startswith("wall-") for i in output_ids(key))


AREA_PAGE = re.compile(r"^/(station|zone|grid|building)/([^/]{1,60})/?$")
DOWNLOAD = re.compile(r"^/download/weekly/([^/.]{1,60})\.(pdf|xlsx)$")
PAGES = ("/", "/quality", "/persons", "/audit", "/mine")


def asked(path: str, output: str | None = None) -> dict[str, str]:
    """What a refused request asked for, as the audit trail keeps it: the page (a code of the
    codebook's ``page``, so the audit page says it in words) and the code of the area, building or
    station it named, or the components a callback would update; any other path as it is."""
    if output is not None:  # the components it would update (their ids; their properties are code)
        return {"page": CALLBACK, "output": "、".join(dict.fromkeys(output_ids(output)))[:160]}
    if m := AREA_PAGE.match(path):
        return {"page": f"/{m.group(1)}", "code": m.group(2)}
    if m := DOWNLOAD.match(path):
        return {"page": "/download", "station": m.group(1), "format": m.group(2)}
    if path.rstrip("/") in PAGES or path == "/":
        return {"page": path.rstrip("/") or "/"}
    return {"path": path[:200]}


def _routed_path(body: Mapping[str, Any]) -> str | None:
    """The path the router's callback is asked to render (None when it names none)."""
    for item in body.get("inputs") or []:
        if isinstance(item, dict) and item.get("id") == "url" and item.get("property") == "pathname":
            value = item.get("value")
            return value if isinstance(value, str) else None
    return None


def refusal(c: AppContext) -> BaseResponse | None:
    """For a wall account's request: None when the wall may make it, else the answer refusing it
    (audited). The caller has bound the account to the request."""
    path = request.path
    if request.method == "GET" and (WALL_PATH.match(path) or path in SHELL):
        return None
    if request.method == "GET" and path == "/":
        query = request.query_string.decode("utf-8", "replace")
        return redirect("/wall" + (f"?{query}" if query else ""))  # the account's home is the wall
    what = asked(path)
    if request.method == "POST" and path == CALLBACK:
        body = request.get_json(silent=True)
        body = body if isinstance(body, dict) else {}
        key = body.get("output")
        routed = _routed_path(body) if key == ROUTER else None
        routes_the_wall = key != ROUTER or (routed is not None and WALL_PATH.match(routed))
        if isinstance(key, str) and wall_callback(key) and routes_the_wall:
            return None
        what = asked(routed) if routed is not None else asked(path, str(key))
    c.audit("view_page", what, None, "refused_role")
    if request.method == "GET" and not path.startswith(("/_dash", "/_onemap/", "/download/")):
        who = html.escape(c.user().display_name)
        return Response(PAGE.format(who=who), status=403, mimetype="text/html")
    return Response(REFUSED, status=403, mimetype="application/json")
