"""Which server a plain read goes to: a streaming-replication standby that is up and caught up, else
the primary.

A :class:`Standbys` watches the standbys of one primary from a thread of its own (started lazily in
each process, so one forked by gunicorn watches for itself). A standby counts as healthy when it
answers, is in recovery, and has replayed everything the primary had written
``max_lag_seconds`` ago. Lag is measured by write-ahead-log position, not by the standby's last
replayed commit time: an idle primary writes nothing, and its standby is then not behind however
old that commit is. A standby that fails a read is dropped at once (:meth:`Standbys.failed`) and
taken back by the next check that finds it healthy.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

LOGGER = logging.getLogger(__name__)

# the standby's own view of itself: in recovery, and how far it has replayed
STANDBY_PROBE = (
    "select pg_is_in_recovery(), pg_last_wal_replay_lsn() - '0/0'::pg_lsn, "
    "extract(epoch from now() - pg_last_xact_replay_timestamp())"
)
PRIMARY_PROBE = "select pg_current_wal_lsn() - '0/0'::pg_lsn"
# how far back the primary's positions are remembered: a standby further behind is simply "too far"
HISTORY_SECONDS = 600


def libpq(url: str) -> str:
    """A SQLAlchemy URL (``postgresql+psycopg://``) as libpq takes it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@dataclass
class Health:
    """What the last check found about one standby."""

    healthy: bool = False
    lag_seconds: float | None = None
    replay_age_seconds: float | None = None
    reason: str = "not checked yet"


@dataclass(eq=False)  # one watcher is one object (and kept in a weak set)
class Standbys:
    """The standbys of one primary and their health, checked every ``check_seconds``.

    Parameters
    ----------
    primary : str
        URL of the primary (application role).
    urls : sequence of str
        URLs of the standbys (the same role), in order of preference; each process starts its
        preference at a different one, so the workers of a server spread over them.
    max_lag_seconds : float
        A standby further behind the primary than this serves no reads until it catches up.
    check_seconds : float
        How often each standby (and the primary's position) is checked.
    """

    primary: str
    urls: Sequence[str]
    max_lag_seconds: float = 5.0
    check_seconds: float = 1.0
    health: dict[str, Health] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _wake: threading.Event = field(default_factory=threading.Event, repr=False)
    _pid: int | None = field(default=None, repr=False)
    _stopped: bool = field(default=False, repr=False)
    _generation: int = field(default=0, repr=False)  # a thread of an older generation ends
    # (monotonic time, the primary's WAL position then), oldest first
    _positions: deque[tuple[float, int]] = field(default_factory=deque, repr=False)
    # the watcher's own connection to each server, kept between checks
    _conns: dict[str, psycopg.Connection[Any]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        _ALL.add(self)

    def _forked(self) -> None:
        # the parent's watcher may have held the lock at the fork: the child starts with a free one
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._pid = None
        # the parent's connections are the parent's: closing one here would end it there too
        _INHERITED.extend(self._conns.values())
        self._conns = {}

    def choose(self) -> str | None:
        """The standby a read should go to now, or None for the primary."""
        self._ensure_watching()
        with self._lock:
            healthy = [u for u in self.urls if self.health.get(u, Health()).healthy]
        if not healthy:
            return None
        start = os.getpid() % len(self.urls)
        ordered = list(self.urls[start:]) + list(self.urls[:start])
        return next(u for u in ordered if u in healthy)

    def failed(self, url: str, reason: str) -> None:
        """Drop a standby that failed a read until a check finds it healthy again."""
        with self._lock:
            was = self.health.get(url, Health()).healthy
            self.health[url] = Health(healthy=False, reason=reason)
        if was:
            LOGGER.warning("standby %s dropped: %s", _where(url), reason)
        self._wake.set()

    def rest(self) -> None:
        """End this process's watching thread; the next :meth:`choose` (in whichever process)
        starts one again."""
        with self._lock:
            self._pid = None
            self._generation += 1
            conns, self._conns = self._conns, {}
        self._wake.set()
        for conn in conns.values():
            conn.close()

    def stop(self) -> None:
        """End the watching for good (when replaced; a server's lives as long as its process)."""
        self._stopped = True
        self.rest()

    # ----------------------------------------------------------------- watching
    def _ensure_watching(self) -> None:
        pid = os.getpid()
        if self._pid == pid or self._stopped:
            return
        with self._lock:
            if self._pid == pid:
                return
            # a forked child inherits the parent's findings but not its thread
            self._pid = pid
            self._generation += 1
            generation = self._generation
            self._positions.clear()
        self.check()  # the first read already knows where to go
        threading.Thread(target=self._watch, args=(generation,), name="onemap-standbys", daemon=True).start()

    def _watch(self, generation: int) -> None:
        while not self._stopped and self._generation == generation:
            self._wake.wait(self.check_seconds)
            self._wake.clear()
            try:
                self.check()
            except Exception:  # the watcher must outlive any one failure
                LOGGER.exception("checking the standbys failed")

    def check(self) -> None:
        """Check the primary's position and every standby once; update who is healthy."""
        timeout = max(1, int(self.check_seconds * 2))
        now = time.monotonic()
        try:
            row = self._probe(self.primary, PRIMARY_PROBE, timeout)
            if row is not None:
                self._positions.append((now, int(row[0])))
        except psycopg.Error as exc:
            LOGGER.warning("primary position unknown: %s", str(exc).strip().splitlines()[0])
        while self._positions and self._positions[0][0] < now - HISTORY_SECONDS:
            self._positions.popleft()
        for url in self.urls:
            found = self._check_one(url, timeout, now)
            with self._lock:
                was = self.health.get(url, Health())
                self.health[url] = found
            if was.healthy != found.healthy:
                state = "back" if found.healthy else f"dropped: {found.reason}"
                LOGGER.warning("standby %s %s", _where(url), state)

    def _check_one(self, url: str, timeout: int, now: float) -> Health:
        try:
            row = self._probe(url, STANDBY_PROBE, timeout)
        except psycopg.Error as exc:
            return Health(reason=f"unreachable: {str(exc).strip().splitlines()[0] if str(exc) else exc}")
        if row is None:
            return Health(reason="no answer")
        in_recovery, replayed, age = row
        if not in_recovery:
            # a promoted standby (or a primary listed by mistake) has writes of its own
            return Health(reason="not in recovery")
        lag = self._lag(int(replayed or 0), now)
        age_s = float(age) if age is not None else None
        if lag is None:
            # the primary is down (or not yet asked): a standby's reads beat none at all
            return Health(healthy=True, replay_age_seconds=age_s, reason="primary position unknown")
        if lag > self.max_lag_seconds:
            return Health(lag_seconds=lag, replay_age_seconds=age_s, reason=f"{lag:.1f} s behind")
        return Health(healthy=True, lag_seconds=lag, replay_age_seconds=age_s, reason="caught up")

    def _probe(self, url: str, query: str, timeout: int) -> tuple[Any, ...] | None:
        """One row of ``query`` on ``url`` over the watcher's connection to it, opened again after
        a failure (a new connection every check of every worker would cost more than the probe)."""
        conn = self._conns.get(url)
        try:
            if conn is None or conn.closed or conn.broken:
                conn = psycopg.connect(
                    libpq(url),
                    connect_timeout=timeout,
                    autocommit=True,
                    # a server that stops answering mid-probe fails it rather than hanging the watcher
                    tcp_user_timeout=timeout * 1000,
                    options=f"-c statement_timeout={timeout * 1000}",
                )
                self._conns[url] = conn
            return conn.execute(query).fetchone()
        except psycopg.Error:
            dead = self._conns.pop(url, None)
            if dead is not None:
                dead.close()
            raise

    def _lag(self, replayed: int, now: float) -> float | None:
        """Seconds since the primary was last where the standby now is (0: nothing it lacks)."""
        if not self._positions:
            return None
        if replayed >= self._positions[-1][1]:
            return 0.0
        behind = [t for t, lsn in self._positions if lsn > replayed]
        # the first position the standby has not reached: it has been missing that much since then
        return now - behind[0]


_ALL: weakref.WeakSet[Standbys] = weakref.WeakSet()
# connections a forked child inherited: kept referenced, so that it never closes them
_INHERITED: list[psycopg.Connection[Any]] = []


def _after_fork() -> None:
    for standbys in list(_ALL):
        standbys._forked()


os.register_at_fork(after_in_child=_after_fork)


def _where(url: str) -> str:
    """host:port/database of a URL, for the log (never its password)."""
    u = make_url(url)
    return f"{u.host}:{u.port}/{u.database}"
