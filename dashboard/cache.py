"""The dashboard's cache, shared by every worker process on the machine: one computation per key
at a time, and nothing kept across a load.

Two levels: each process keeps what it computed or read in memory (``cachetools``), and every
process shares a directory of pickled values (``cachelib.FileSystemCache``: written to a
temporary file and renamed, so a reader never sees half a value; a page part whose JSON is kept is
stored as that JSON only, :func:`dashboard.pagejson.dumps`). A key is computed by one
thread of one process at a time: the others wait on an exclusive ``flock`` of the key's lock
file, then read what the first one stored. The kernel releases the lock of a process that dies,
so a killed worker never leaves a key locked.

Every key carries the data's stamp (:func:`data_stamp`: the newest load and derivation) and the
default period, so a new load or a new week makes every earlier entry unreachable at once, in every
process; what verdicts, supervision steps and the clock (a supervision turning overdue) change
between loads is in the keys of the parts that show it, counted per area
(:mod:`dashboard.queries.judged`). So a value lives until
what it depends on changes, bounded by ``seconds`` (days) and by the number of values kept (the
shared directory) and their bytes (each process's memory); :mod:`dashboard.warm` computes the
pages most asked for after a load and again when a new period or day begins.

The directory is the deployment's to protect: it holds what the application role may read, for
every scope (the scope is part of each key).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any, TypeVar

from cachelib import FileSystemCache
from cachetools import TTLCache

from dashboard.db import fetch_all
from dashboard.pagejson import dumps

T = TypeVar("T")
MISSING = object()
# how long a process trusts the data stamp it read: a new load shows within this many seconds
STAMP_SECONDS = 2.0
# the most values kept in the shared directory (the oldest go first), and the bytes of stored form
# each process keeps in memory (a busy grid's page is about a megabyte)
SHARED_VALUES = 5000
LOCAL_BYTES = 64 * 1024 * 1024


def canonical(value: Any) -> Any:
    """A form of ``value`` that prints the same in every process (sets sorted, dataclasses as
    their fields): Python's own ``hash`` of a string differs between processes."""
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, tuple(canonical(getattr(value, f.name)) for f in fields(value)))
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted((canonical(v) for v in value), key=repr)))
    if isinstance(value, (tuple, list)):
        return tuple(canonical(v) for v in value)
    if isinstance(value, dict):
        return ("dict", tuple(sorted(((canonical(k), canonical(v)) for k, v in value.items()), key=repr)))
    return value


def key_digest(key: Hashable) -> str:
    """The file name of ``key``: the same in every process."""
    return hashlib.sha256(repr(canonical(key)).encode()).hexdigest()


class SharedCache:
    """Values by key for ``seconds``, in this process and in ``directory`` for every process.

    Parameters
    ----------
    directory : Path
        Shared by the processes serving one deployment (created when missing, mode 0700).
    seconds : int
        How long a value is kept at most (a new load or period makes it unreachable sooner).
    """

    def __init__(self, directory: Path, seconds: int) -> None:
        self.directory = Path(directory)
        self.locks = self.directory / "locks"
        # what is cached was read by the application role: for the service's user alone (mkdir's
        # mode covers the last part of a path only, so each is made on its own)
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.locks.mkdir(exist_ok=True, mode=0o700)
        self.seconds = max(int(seconds), 1)
        self.shared = FileSystemCache(
            str(self.directory / "values"), threshold=SHARED_VALUES, default_timeout=self.seconds
        )
        # (value, bytes of its stored form): bounded by those bytes, not by a count of values
        self.local: TTLCache[str, tuple[Any, int]] = TTLCache(
            maxsize=LOCAL_BYTES, ttl=self.seconds, getsizeof=lambda entry: max(entry[1], 1)
        )
        self._mutex = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value kept for ``key``, or ``compute()`` (by one caller at a time) kept and returned."""
        digest = key_digest(key)
        found = self._read(digest)
        if found is not MISSING:
            return found  # type: ignore[no-any-return,unused-ignore]
        with self._locked(digest):
            found = self._read(digest)  # computed by whoever held the lock before
            if found is not MISSING:
                return found  # type: ignore[no-any-return,unused-ignore]
            value = compute()
            # a page part whose JSON is kept is stored as that JSON only (dashboard/pagejson.py)
            stored = dumps(value)
            self.shared.set(digest, stored)
            self._keep(digest, value, len(stored))
            return value

    def _read(self, digest: str) -> Any:
        with self._mutex:
            if digest in self.local:
                return self.local[digest][0]
        # stored pickled (a stored None is a value: an area that does not exist); None is a miss
        stored = self.shared.get(digest)
        if stored is None:
            return MISSING
        value = pickle.loads(stored)
        self._keep(digest, value, len(stored))
        return value

    def _keep(self, digest: str, value: Any, size: int) -> None:
        if size > LOCAL_BYTES:  # read from the directory each time rather than empty the memory
            return
        with self._mutex:
            self.local[digest] = (value, size)

    def _locked(self, digest: str) -> FileLock:
        return FileLock(self.locks / f"{digest[:2]}" / f"{digest}.lock")

    def clear(self) -> None:
        """Forget every value (this process's and the shared ones)."""
        self.shared.clear()
        with self._mutex:
            self.local.clear()


class FileLock:
    """An exclusive ``flock`` of one file for a ``with`` block, which gives whether it was taken:
    blocks until it is free, or with ``wait=False`` gives False at once when another holds it. Each
    use opens the file anew, so two threads of one process exclude each other as two processes do."""

    def __init__(self, path: Path, wait: bool = True) -> None:
        self.path = path
        self.wait = wait
        self.fd = -1
        self.held = False

    def __enter__(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX if self.wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        self.held = True
        return True

    def __exit__(self, *exc: object) -> None:
        if self.held:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            self.held = False
        os.close(self.fd)


class DataStamp:
    """The data's stamp (:func:`data_stamp`), read at most once per ``STAMP_SECONDS`` per process."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._value: str | None = None
        self._read_at = 0.0
        self._mutex = threading.Lock()

    def __call__(self) -> str:
        with self._mutex:
            if self._value is not None and time.monotonic() - self._read_at < STAMP_SECONDS:
                return self._value
        value = data_stamp(self.url)
        with self._mutex:
            self._value, self._read_at = value, time.monotonic()
        return value


def data_stamp(url: str) -> str:
    """What changes with every load and derivation (``ops.data_stamp``): part of every cache key."""
    return str(fetch_all(url, "select ops.data_stamp() as s")[0]["s"])
