"""The period model: a whole week or its first whole days, compared with the same days, named in
the URL and read back from it; what no one can have seen (junk, a week not over, a future cut-off)
is refused."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote

import pytest

from common.china import TZ
from dashboard import bounds
from dashboard.periodbar import options, search_of
from dashboard.periods import Period, Week, default_period

NOW = datetime(2026, 12, 2, 15, 40, tzinfo=TZ)  # a Wednesday afternoon, Beijing time


def test_the_default_is_the_last_finished_week_at_any_hour() -> None:
    monday = datetime(2026, 11, 30, tzinfo=TZ)
    for hours in (0, 1, 7, 8, 23, 24 * 3 + 15, 24 * 7 - 1):
        now = monday + timedelta(hours=hours, minutes=30)
        p = default_period(now)
        assert p == Period(Week(2026, 48)) and p.complete and p.end <= now
    # a second before Monday 00:00 the week that ends then is not over yet
    assert default_period(monday - timedelta(seconds=1)) == Period(Week(2026, 47))
    assert default_period(monday) == Period(Week(2026, 48))


def test_a_week_so_far_is_compared_with_the_same_days() -> None:
    p = Period.so_far(NOW)
    assert p is not None and not p.complete
    # whole days: up to the last midnight (counts over a whole station come for whole days only)
    assert p.start == datetime(2026, 11, 30, tzinfo=TZ) and p.end == datetime(2026, 12, 2, tzinfo=TZ)
    for other in (p.previous(), p.last_year(), p.shift(-5)):
        assert other.end - other.start == p.end - p.start  # never a partial week against a full one
        assert other.start.weekday() == 0 and other.end.weekday() == 2  # the same days of the week
    assert p.previous().start == datetime(2026, 11, 23, tzinfo=TZ)
    assert p.last_year().week == Week(2025, 49)
    assert p.label_zh() == "2026年第49周前2天（11月30日—12月01日）"
    assert "上周同期（11月23日—11月24日）" in p.comparison_zh()
    whole = Period(Week(2026, 47))
    assert whole.previous().end - whole.previous().start == timedelta(days=7)
    # on the first day of a week there is nothing of it yet to show
    assert Period.so_far(datetime(2026, 11, 30, 23, 59, tzinfo=TZ)) is None
    with pytest.raises(ValueError):
        Period(Week(2026, 47), 0)
    with pytest.raises(ValueError):
        Period(Week(2026, 47), 7)


def test_iso_week_53_and_week_1_edges() -> None:
    w53 = Period(Week(2026, 53), 3)
    assert w53.start == datetime(2026, 12, 28, tzinfo=TZ)
    assert w53.last_year() == Period(Week(2025, 52), 3)  # 2025 has no week 53
    assert Period(Week(2027, 1)).previous() == Period(Week(2026, 53))
    assert Period(Week(2026, 53)).shift(1) == Period(Week(2027, 1))
    # 2027-W01 starts on Monday 4 January; 1 January 2027 lies in 2026-W53
    assert Period(Week(2027, 1)).start == datetime(2027, 1, 4, tzinfo=TZ)
    assert default_period(datetime(2027, 1, 1, 12, tzinfo=TZ)) == Period(Week(2026, 52))
    assert default_period(datetime(2027, 1, 4, 0, 30, tzinfo=TZ)) == Period(Week(2026, 53))
    assert Period(Week(2021, 1)).last_year() == Period(Week(2020, 1))


def test_the_url_names_the_period_and_reads_back_the_same() -> None:
    later = NOW + timedelta(days=400)  # a link opened long after it was sent
    so_far = Period.so_far(NOW)
    assert so_far is not None
    for p in (so_far, Period(Week(2026, 48)), Period(Week(2026, 53), 5), Period(Week(2021, 1), 1)):
        search = search_of(p)
        assert bounds.search_period(search, later) == p
    assert search_of(so_far) == "?week=2026-W49&to=2026-12-02T00%3A00"
    assert bounds.search_period("?week=2026-W49&to=2026-12-02T00:00", NOW) == so_far
    # a cut-off at the week's end is the whole week; no query is the default period
    assert bounds.search_period("?week=2026-W48&to=2026-11-30T00:00", NOW) == Period(Week(2026, 48))
    assert bounds.search_period("", NOW) == bounds.search_period(None, NOW) == default_period(NOW)
    assert bounds.search_period("?utm=x", NOW) == default_period(NOW)  # other fields are not ours


FORGED = [
    "?week=2026-W49",  # not over yet: shown whole it would be a partial week passed off as whole
    "?week=2026-W50",  # the future
    "?week=2026-W49&to=2026-12-03T00:00",  # a cut-off after now
    "?week=2026-W49&to=2026-12-09T00:00",
    "?week=2026-W48&to=2026-11-23T00:00",  # the week's own start: nothing
    "?week=2026-W48&to=2026-11-20T00:00",  # outside its week
    "?week=2026-W48&to=2026-12-01T00:00",
    "?to=2026-12-01T00:00",  # a cut-off without its week
    "?week=2026-W48&to=2026-11-25T10:00",  # not a midnight: whole days only
    "?week=2026-W48&to=2026-11-25T00:30",
    "?week=2026-W48&to=2026-11-25T00",
    "?week=2026-W48&to=2026-11-25T24:00",
    "?week=2026-W48&to=2026-02-30T00:00",
    "?week=2026-W48&to=2026-11-25 00:00",
    "?week=2026-W48&to=" + quote("２０２６-11-25T00:00"),
    "?week=2026-W48&to=",
    "?week=2026-W48&week=2026-W47",  # named twice
    "?week=2026-W00",
    "?week=2025-W53",
    "?week=" + "9" * 300,
    "?" + "&".join(f"f{i}=1" for i in range(20)),
    "?week=2026-W48\n",
]


@pytest.mark.parametrize("search", FORGED)
def test_junk_and_what_no_one_can_have_seen_are_refused(search: str) -> None:
    with pytest.raises(bounds.OutOfBounds):
        bounds.search_period(search, NOW)


@pytest.mark.parametrize("value", [None, 47, ["?week=2026-W47"], {"week": "2026-W47"}, b"?week=2026-W47"])
def test_a_query_of_another_type_is_refused(value: object) -> None:
    if value is None:
        assert bounds.search_period(value, NOW) == default_period(NOW)
        return
    with pytest.raises(bounds.OutOfBounds):
        bounds.search_period(value, NOW)


def test_the_picker_offers_this_week_so_far_the_finished_weeks_and_a_shared_one() -> None:
    shared = Period(Week(2024, 10))
    opts = options(NOW, shared)
    assert opts[0] == {
        "label": "本周至今（11月30日—12月01日）",
        "value": "?week=2026-W49&to=2026-12-02T00%3A00",
    }
    assert opts[1]["value"] == "?week=2026-W48" and opts[1]["label"] == "2026年第48周（11月23日—11月29日）"
    assert opts[-1]["value"] == search_of(shared)
    for o in opts:  # every choice reads back as a period that can be shown
        assert bounds.search_period(o["value"], NOW)
    assert len({o["value"] for o in opts}) == len(opts)
