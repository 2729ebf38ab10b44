"""A time limit on every request the server runs: a worker still busy with one after the limit is
ended, and gunicorn starts a fresh one in its place.

gunicorn's own ``timeout`` only notices a worker whose main loop stops; with threaded workers a
request thread can spin forever while the main loop keeps answering. This WSGI middleware records
when each request began, and a watchdog thread (one per worker process, started with its first
request) ends the process when one has run longer than the limit. Every loop over request input
is bounded (:mod:`dashboard.bounds`) and every query has a statement timeout (:mod:`dashboard.db`),
so this is the backstop, not the rule: the other requests of that worker are cut off too.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

log = logging.getLogger(__name__)


def _exit_worker() -> None:
    os._exit(70)  # no clean-up: the request thread that is stuck would never let it finish


class Deadline:
    """WSGI middleware ending the worker process when a request runs longer than ``seconds``.

    Parameters
    ----------
    app : WSGI callable
        The application to time.
    seconds : float
        The longest a request may run.
    on_expiry : callable, optional
        What to do when one runs longer (default: end the process at once).
    """

    def __init__(
        self, app: Callable[..., Any], seconds: float, on_expiry: Callable[[], None] = _exit_worker
    ) -> None:
        self.app = app
        self.seconds = seconds
        self.on_expiry = on_expiry
        self._running: dict[int, tuple[float, str]] = {}  # thread id: (monotonic start, path)
        self._lock = threading.Lock()
        self._watching_pid: int | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        self._watch()
        ident = threading.get_ident()
        with self._lock:
            self._running[ident] = (time.monotonic(), str(environ.get("PATH_INFO", ""))[:200])
        try:
            result = self.app(environ, start_response)
            try:  # the body is read inside the limit too
                return list(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        finally:
            with self._lock:
                self._running.pop(ident, None)

    def _watch(self) -> None:
        """Start this process's watchdog (a worker forked from a parent that had one has none)."""
        with self._lock:
            if self._watching_pid == os.getpid():
                return
            self._watching_pid = os.getpid()
        threading.Thread(target=self._loop, name="onemap-deadline", daemon=True).start()

    def overdue(self) -> list[str]:
        """Paths of the requests running longer than the limit."""
        now = time.monotonic()
        with self._lock:
            return [path for start, path in self._running.values() if now - start > self.seconds]

    def _loop(self) -> None:
        tick = min(1.0, self.seconds / 4)
        while True:
            time.sleep(tick)
            late = self.overdue()
            if late:
                log.error("requests over the %ss limit, restarting the worker: %s", self.seconds, late)
                self.on_expiry()
                return
