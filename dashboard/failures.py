"""What a person sees, and what the log gets, when a request fails.

A page (or a form post) that fails gets a short page in Chinese — ``503 数据库暂不可用`` that reloads
itself while the database is away, a timeout or an internal error otherwise; a callback, a download
or the readiness probe gets a short JSON answer that ``assets/onemap_errors.js`` turns into a banner.
No response ever carries a traceback. The log gets one line per failure kind at most once a second,
across all worker processes, saying how many like it it left out (a database that goes away under
load would otherwise write one traceback per request), and one line when the database answers again.
"""

from __future__ import annotations

import html
import json
import logging
import multiprocessing
import re
import time
import traceback
from collections.abc import Iterator
from typing import Any, Literal

import psycopg
import sqlalchemy.exc
from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

LOGGER = logging.getLogger(__name__)

Kind = Literal["database", "timeout", "error"]
KINDS: tuple[Kind, ...] = ("database", "timeout", "error")

# what the page says for each kind: (status, title, text, seconds until it retries by itself or 0)
MESSAGES: dict[Kind, tuple[int, str, str, int]] = {
    "database": (503, "数据库暂不可用", "系统正在重新连接数据库，本页每 5 秒自动重试，恢复后即正常显示。", 5),
    "timeout": (503, "查询超时", "查询用时过长，已被取消。请稍后重试，或缩小查询范围。", 0),
    "error": (500, "服务器内部错误", "该错误已记录。请稍后重试；如仍出现，请联系管理员。", 0),
}
# JSON answers name the kind in English (for the page's script) and say it in Chinese (for people)
CODES: dict[Kind, str] = {
    "database": "database_unavailable",
    "timeout": "query_timeout",
    "error": "server_error",
}
PROBE = "/_onemap/ready"  # answered 204 once the session (and so the database) resolves again

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">{refresh}
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<link rel="stylesheet" href="/assets/onemap.css"></head>
<body class="login-body"><main class="login failure" id="failure" data-kind="{kind}">
<h1>{title}</h1><p>{text}</p>
<a class="failure-retry" id="failure-retry" href="{again}">立即重试</a>
</main></body></html>"""


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and the exceptions it was raised from or during (each once)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)  # the driver's error SQLAlchemy wraps
        current = orig if isinstance(orig, BaseException) else current.__cause__ or current.__context__


def classify(exc: BaseException) -> Kind:
    """Which failure ``exc`` is: the database away (connection refused, lost, shutting down, pool
    exhausted), a statement cancelled by its timeout, or anything else (an internal error)."""
    for e in _chain(exc):
        if isinstance(e, psycopg.errors.QueryCanceled):  # a subclass of OperationalError: first
            return "timeout"
        if isinstance(e, psycopg.OperationalError | psycopg.InterfaceError):
            return "database"
        if isinstance(e, sqlalchemy.exc.TimeoutError):  # no pooled connection came free in time
            return "database"
        if isinstance(e, sqlalchemy.exc.DBAPIError) and e.connection_invalidated:
            return "database"
    return "error"


class LogLimiter:
    """At most one log line per kind and ``interval`` seconds, shared by the processes forked after
    it was made (gunicorn's workers), each line counting the ones it stands for."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self._lock = multiprocessing.Lock()
        self._last = multiprocessing.RawArray("d", len(KINDS))  # monotonic time of each kind's last line
        self._left_out = multiprocessing.RawArray("q", len(KINDS))  # failures since that line
        self._down_since = multiprocessing.RawArray("d", 1)  # wall time the database went away, or 0

    def admit(self, kind: Kind, now: float | None = None) -> int | None:
        """The number of failures left out since ``kind``'s last line when a line may be written
        now, else None (and this one is counted)."""
        i = KINDS.index(kind)
        now = time.monotonic() if now is None else now
        with self._lock:
            if self._last[i] and now - self._last[i] < self.interval:
                self._left_out[i] += 1
                return None
            left_out, self._left_out[i], self._last[i] = self._left_out[i], 0, now
            return int(left_out)

    def went_down(self) -> None:
        with self._lock:
            if not self._down_since[0]:
                self._down_since[0] = time.time()

    def came_back(self, asked_at: float) -> tuple[float, int] | None:
        """(seconds away, failures not yet logged) the first time this is called, after
        :meth:`went_down`, for a query asked at ``asked_at`` (wall time) or later, else None."""
        if not self._down_since[0]:  # the common case: one read, no lock
            return None
        with self._lock:
            since = self._down_since[0]
            if not since or asked_at <= since:  # an answer from before it went away proves nothing
                return None
            self._down_since[0] = 0
            i = KINDS.index("database")
            left_out, self._left_out[i] = self._left_out[i], 0
            return time.time() - since, int(left_out)


LIMITER = LogLimiter()  # made on import, before gunicorn forks: shared by its workers


def one_line(exc: BaseException) -> str:
    """The exception's type and the gist of its message, and where it was raised (no traceback).

    For the driver's errors, the driver's own message without the wrapper's prefix and without
    what every connection failure repeats (``connection failed: connection to server at …``).
    """
    inner = next((e for e in _chain(exc) if isinstance(e, psycopg.Error)), exc)
    first = (str(inner).strip().splitlines() or [""])[0]
    first = re.sub(r"^.*\bfailed: (FATAL: +)?", "", first).strip()[:120]
    frames = traceback.extract_tb(exc.__traceback__)
    # where our code was when it failed (the innermost frame of this project, else the innermost)
    ours = [f for f in frames if "/dashboard/" in f.filename or "/common/" in f.filename] or frames
    where = f" at {'/'.join(ours[-1].filename.rsplit('/', 2)[-2:])}:{ours[-1].lineno}" if ours else ""
    return f"{type(inner).__name__}: {first}{where}"


def report(exc: BaseException, what: str) -> Kind:
    """Log ``exc`` (a failure of ``what``, e.g. ``GET /``) within the limit; its kind."""
    kind = classify(exc)
    if kind == "database":
        LIMITER.went_down()
    left_out = LIMITER.admit(kind)
    if left_out is not None:
        more = f" (+{left_out} more like it since the last line)" if left_out else ""
        LOGGER.error("%s: %s failed: %s%s", CODES[kind], what, one_line(exc), more)
    return kind


class OneLine(logging.Filter):
    """A log handler's filter that keeps every record to one line: a record carrying an exception
    (a library's own ``logger.exception``, such as the connection pool failing to reset a connection
    the database dropped) is written as the exception's one line, within the same per-kind limit
    as :func:`report`, and its traceback is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is None:
            return True
        kind = classify(exc)
        if kind == "database":
            LIMITER.went_down()
        left_out = LIMITER.admit(kind)
        if left_out is None:
            return False
        more = f" (+{left_out} more like it since the last line)" if left_out else ""
        record.msg = f"{CODES[kind]}: {record.getMessage()}: {one_line(exc)}{more}".replace("\n", " ")
        record.args = None
        record.exc_info = record.exc_text = record.stack_info = None
        return True


def note_reachable(asked_at: float) -> None:
    """Log once that the database answers again, after it went away (``asked_at``: when the query
    that answered was sent, wall time)."""
    back = LIMITER.came_back(asked_at)
    if back is not None:
        seconds, left_out = back
        LOGGER.warning(
            "database_available: answering again after %.0f s (+%d failures not logged)", seconds, left_out
        )


def wants_json() -> bool:
    """Whether the failing request is a script's (callback, probe, download) rather than a page's."""
    if request.path.startswith(("/_dash", "/_onemap/")):
        return True
    accept = request.accept_mimetypes
    return (
        request.method == "GET" and accept.best_match(["text/html", "application/json"]) == "application/json"
    )


def answer(kind: Kind) -> Response:
    """The response for a failure of ``kind`` of the current request."""
    status, title, text, retry = MESSAGES[kind]
    if wants_json():
        body = json.dumps({"error": CODES[kind], "message": title, "retry": retry}, ensure_ascii=False)
        response = Response(body, status=status, mimetype="application/json")
    else:
        again = request.full_path.rstrip("?") if request.method == "GET" else request.path
        # one leading slash: "//x" and "/\x" (a browser reads "\" as "/") lead to another site
        again = "/" + again.lstrip("/\\")
        page = PAGE.format(
            refresh=f'<meta http-equiv="refresh" content="{retry}">' if retry else "",
            title=title,
            text=text,
            kind=CODES[kind],
            again=html.escape(again),
        )
        response = Response(page, status=status, mimetype="text/html")
    if retry:
        response.headers["Retry-After"] = str(retry)
    return response


def install(server: Flask) -> None:
    """Answer every failure of ``server``'s requests as above (HTTP errors such as 404 stay theirs)."""

    @server.errorhandler(Exception)
    def _failed(exc: Exception) -> Any:
        if isinstance(exc, HTTPException):
            return exc
        return answer(report(exc, f"{request.method} {request.path[:200]}"))

    @server.route(PROBE)
    def _ready() -> Response:
        # reached only past the login guard, which resolved the session in the database
        return Response(status=204)

    @server.before_request
    def _started() -> None:  # registered before the login guard, so it runs first
        g.onemap_started = time.time()

    @server.after_request
    def _reachable(response: Response) -> Response:
        if "onemap_bound" in g:  # the login guard resolved a session: the database answered
            note_reachable(g.get("onemap_started", 0.0))
        return response
