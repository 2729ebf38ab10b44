"""Run an iterator in a worker thread so that producing the next item overlaps consuming this one.

The loader reads and validates chunk k+1 (Python, numpy, shapely) while PostgreSQL ingests chunk k
(the main thread waits on the socket with the GIL released): on two cores the load takes about
the longer of the two instead of their sum. Nothing overlaps the first chunk, so a source's first
chunk is cut into pieces that grow from a small one (``ramp``): the copying starts early.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

import pandas as pd

T = TypeVar("T")
_DONE = object()


def prefetch(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """Yield the items of ``items``, produced in a worker thread at most ``depth`` items ahead.

    An exception in the worker is raised here, at the point where its item would have come. If
    the consumer stops early (exception or ``close``), the worker stops at its next item.
    """
    ready: queue.Queue[tuple[object, BaseException | None]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: tuple[object, BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                ready.put(entry, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
            put((_DONE, None))
        except BaseException as exc:  # handed to the consumer, raised there
            put((_DONE, exc))

    worker = threading.Thread(target=work, name="prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item, exc = ready.get()
            if item is _DONE:
                if exc is not None:
                    raise exc
                return
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join()


def ramp(chunks: Iterator[pd.DataFrame], chunk_rows: int, parts: int = 16) -> Iterator[pd.DataFrame]:
    """The first chunk of ``chunks`` in pieces of ``chunk_rows / parts`` rows, then twice, four
    times as many … (each piece numbered from 0, as a reader's chunk is); the other chunks as they come.

    Rows, their order and their line numbers are those of ``chunks``: only the cuts differ.
    """
    first = next(chunks, None)
    if first is None:
        return
    at, size = 0, max(chunk_rows // parts, 1)
    if len(first) <= size:  # an empty or small chunk (its columns are still checked) as it is
        yield first
    else:
        while at < len(first):
            yield first.iloc[at : at + size].reset_index(drop=True)
            at, size = at + size, size * 2
    yield from chunks


def started(items: Iterator[T]) -> Iterator[T]:
    """``items`` with its first item already being produced in a thread of its own, from now on.

    For a source's first chunk: its file is read while the warehouse is asked what the checks
    need. The rest of ``items`` is produced by whoever iterates; an exception producing the first
    item is raised where that item would have come.
    """
    first: list[object] = []
    failed: list[BaseException] = []

    def work() -> None:
        try:
            first.append(next(items, _DONE))
        except BaseException as exc:  # raised in the consumer
            failed.append(exc)

    worker = threading.Thread(target=work, name="first-chunk", daemon=True)
    worker.start()

    def rest() -> Iterator[T]:
        worker.join()
        if failed:
            raise failed[0]
        if first[0] is _DONE:
            return
        yield first[0]  # type: ignore[misc]
        yield from items

    return rest()
