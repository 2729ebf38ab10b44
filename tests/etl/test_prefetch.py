"""The loader's read-ahead: order kept, errors raised where they happen, work really overlapped."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from etl.prefetch import prefetch


def test_items_come_in_order() -> None:
    assert list(prefetch(iter(range(1000)), depth=3)) == list(range(1000))


def test_an_error_is_raised_after_the_items_before_it() -> None:
    def items() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("row 3 is bad")

    got = []
    with pytest.raises(ValueError, match="row 3 is bad"):
        for item in prefetch(items()):
            got.append(item)
    assert got == [1, 2]


def test_the_next_item_is_produced_while_this_one_is_consumed() -> None:
    second_made = threading.Event()

    def items() -> Iterator[int]:
        yield 1
        second_made.set()
        yield 2

    it = prefetch(items())
    assert next(it) == 1
    # still "consuming" item 1: the worker must produce item 2 meanwhile, without being asked
    assert second_made.wait(timeout=10)
    assert list(it) == [2]


def test_stopping_early_stops_the_worker() -> None:
    produced = []

    def items() -> Iterator[int]:
        for i in range(10_000):
            produced.append(i)
            yield i

    it = prefetch(items(), depth=1)
    assert next(it) == 0
    it.close()  # joins the worker
    assert len(produced) <= 3
    assert not [t for t in threading.enumerate() if t.name == "prefetch"]
