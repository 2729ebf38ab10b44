"""Two lanes of threads in each gunicorn worker: the package's and the assets folder's static files
are answered by threads of their own, never queued behind a page's callbacks.

gunicorn's threaded worker hands every request to one pool of ``threads`` threads, first come first
served. A callback that takes seconds (a big station under load) holds its thread that long; with
every thread of a worker held so, a script the page needs next (Plotly, which dcc loads only when a
graph is drawn, and gives up on after 30 s) waits in the same queue, and the page never becomes
readable. :class:`LanedWorker` looks at a request's first line before choosing a thread (the bytes
are peeked, not read): ``GET`` or ``HEAD`` of a path under :data:`STATIC_PREFIXES` goes to the
static lane, everything else to the page lane. A connection whose request has not arrived yet is
given back to the worker's poller (gunicorn's own deferral) and sorted when it is readable.
"""

from __future__ import annotations

import socket
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from gunicorn.workers import gthread

from dashboard.headers import STATIC_PREFIXES

STATIC_THREADS = 2  # per worker: files read from memory or disk, answered in milliseconds
STATIC_PATHS = (b"/_favicon.ico",)
_PEEK = 512


def is_static(head: bytes) -> bool:
    """Whether a request starting with ``head`` (its first bytes) asks for a static file."""
    method, _, rest = head.partition(b" ")
    if method not in (b"GET", b"HEAD"):
        return False
    path = rest.split(b" ", 1)[0].split(b"?", 1)[0]
    return path.startswith(tuple(p.encode() for p in STATIC_PREFIXES)) or path in STATIC_PATHS


def peek(sock: socket.socket) -> bytes | None:
    """The first bytes waiting on ``sock`` without taking them; None when none has arrived yet."""
    try:
        data = sock.recv(_PEEK, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except (BlockingIOError, InterruptedError):
        return None
    except OSError:
        return b""  # the page lane's thread meets the error and closes the connection
    return data


def sortable(conn: Any) -> bool:
    """Whether the next request of ``conn`` can be read by peeking at its socket: a plain socket
    (not TLS), with no bytes of it already read ahead into the parser."""
    if type(getattr(conn, "sock", None)) is not socket.socket:
        return False
    parser = getattr(conn, "parser", None)
    try:
        return parser is None or not parser.unreader.buf.getvalue()
    except AttributeError:  # a parser of another kind (HTTP/2): its requests stay in the page lane
        return False


class Lanes:
    """The executor gunicorn's worker submits each connection to: one pool for pages and
    callbacks, one for static files."""

    def __init__(self, page_threads: int, static_threads: int = STATIC_THREADS) -> None:
        self.pages = ThreadPoolExecutor(page_threads, thread_name_prefix="onemap-page")
        self.static = ThreadPoolExecutor(static_threads, thread_name_prefix="onemap-static")

    def submit(self, fn: Any, conn: Any) -> Future[Any]:
        if not sortable(conn):
            return self.pages.submit(fn, conn)
        sock = conn.sock
        head = peek(sock)
        if head is None and not conn.data_ready and hasattr(gthread, "_DEFER"):
            # nothing to read yet: back to the poller, which submits it again once it is readable
            done: Future[Any] = Future()
            done.set_result(gthread._DEFER)
            return done
        lane = self.static if head and is_static(head) else self.pages
        return lane.submit(fn, conn)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.pages.shutdown(wait=wait, cancel_futures=cancel_futures)
        self.static.shutdown(wait=wait, cancel_futures=cancel_futures)


class LanedWorker(gthread.ThreadWorker):
    """gunicorn's threaded worker with :class:`Lanes`: ``threads`` threads for pages and callbacks
    and :data:`STATIC_THREADS` more for static files."""

    def get_thread_pool(self) -> Any:
        return Lanes(self.cfg.threads)
