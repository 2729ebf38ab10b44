"""The loader's read-ahead: order kept, errors raised where they happen, work really overlapped; the
first chunk cut small so that the copying starts early, every row kept."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pandas as pd
import pytest

from etl.prefetch import prefetch, ramp, started


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


@pytest.mark.parametrize("rows", [0, 1, 3, 4, 5, 9, 40, 63, 64, 65, 1000])
def test_ramp_cuts_only_the_first_chunk_and_keeps_every_row_in_order(rows: int) -> None:
    first = pd.DataFrame({"_line": range(2, rows + 2), "v": [str(i) for i in range(rows)]})
    later = pd.DataFrame({"_line": [9999], "v": ["x"]})
    pieces = list(ramp(iter([first, later]), chunk_rows=64))
    assert pieces[-1] is later
    cut = pieces[:-1]
    assert pd.concat(cut, ignore_index=True).equals(first)
    assert all(p.index.equals(pd.RangeIndex(len(p))) for p in cut)
    if rows > 4:  # 64 / 16: the first piece small, each next twice as large
        assert [len(p) for p in cut[:-1]] == [4 * 2**i for i in range(len(cut) - 1)]
    else:
        assert len(cut) == 1


def test_ramp_of_nothing_is_nothing() -> None:
    assert list(ramp(iter([]), chunk_rows=64)) == []


def test_started_produces_the_first_item_before_it_is_asked_for_then_the_same_items() -> None:
    produced = threading.Event()

    def items() -> Iterator[int]:
        produced.set()
        yield from range(5)

    it = started(items())
    assert produced.wait(5)  # nobody iterated yet
    assert list(it) == [0, 1, 2, 3, 4]
    assert list(started(iter([]))) == []


def test_started_raises_a_failure_of_the_first_item_where_it_is_consumed() -> None:
    def items() -> Iterator[int]:
        raise ValueError("bad file")
        yield 0

    it = started(items())
    with pytest.raises(ValueError, match="bad file"):
        next(it)
