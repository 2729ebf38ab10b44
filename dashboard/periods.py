"""Weeks as the field counts them (Monday 00:00 to Monday 00:00, Beijing time) and the period a
screen, a download or a report shows: a whole week, or a week so far up to its last midnight.

A period is only ever compared with spans of the same length: the so-far part of a week with the
same days of the week before and of the same ISO week a year earlier, never with a whole week.
All week arithmetic is closed-form (no loop runs more than once per call), and a week outside
the calendar Python can represent raises ValueError instead of running away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from common.china import TZ
from common.codebook import label

WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})", re.IGNORECASE)


def weeks_in(year: int) -> int:
    """How many ISO weeks ``year`` has (52 or 53): 28 December is always in its last week."""
    return date(year, 12, 28).isocalendar().week


@dataclass(frozen=True)
class Week:
    """One ISO week in Beijing time; ``start`` inclusive, ``end`` exclusive."""

    year: int
    week: int

    @classmethod
    def containing(cls, day: date | datetime) -> Week:
        if isinstance(day, datetime):
            day = day.astimezone(TZ).date() if day.tzinfo else day.date()
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    @classmethod
    def parse(cls, text: str, years: tuple[int, int] = (2000, 2100)) -> Week:
        """``2026-W47``: four ASCII digits, ``-W``, two; the year within ``years`` (both included).

        Raises
        ------
        ValueError
            For anything else, including a week the year does not have.
        """
        m = WEEK.fullmatch(text)
        if m is None:
            raise ValueError(f"not a week: {text[:20]!r}")
        year, week = int(m.group(1)), int(m.group(2))
        if not years[0] <= year <= years[1] or not 1 <= week <= weeks_in(year):
            raise ValueError(f"no such week: {text!r}")
        return cls(year, week)

    @property
    def start(self) -> datetime:
        return datetime.combine(date.fromisocalendar(self.year, self.week, 1), datetime.min.time(), TZ)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=7)

    def shift(self, weeks: int) -> Week:
        """The week ``weeks`` later (earlier when negative); ValueError beyond the calendar."""
        try:
            return Week.containing((self.start + timedelta(days=7 * weeks)).date())
        except OverflowError as e:
            raise ValueError(f"{self.label()} shifted by {weeks} weeks is beyond the calendar") from e

    def previous(self) -> Week:
        return self.shift(-1)

    def last_year(self) -> Week:
        """The same ISO week a year earlier (week 53 maps to week 52); ValueError before year 2."""
        if self.year <= 1:
            raise ValueError("no year before year 1")
        return Week(self.year - 1, min(self.week, weeks_in(self.year - 1)))

    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    def label_zh(self) -> str:
        s, e = self.start.date(), (self.end - timedelta(days=1)).date()
        return f"{self.year}年第{self.week}周（{s:%m月%d日}—{e:%m月%d日}）"


HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """A whole ISO week (``days`` None), or its first ``days`` whole days (1 to 6): "this week so
    far". ``start`` inclusive, ``end`` exclusive (a midnight), Beijing time; duck-compatible with
    :class:`Week` where queries use one (``start``, ``end``, ``previous()``, ``last_year()``,
    ``shift()``, ``label()``, ``label_zh()``). Whole days, because counts over a whole station are
    only shown for whole days (see ``ops.period_end``)."""

    week: Week
    days: int | None = None

    def __post_init__(self) -> None:
        if self.days is not None and not 0 < self.days < 7:
            raise ValueError(f"a week so far lasts 1 to 6 days, not {self.days}")

    @classmethod
    def so_far(cls, now: datetime) -> Period | None:
        """The current week up to the last midnight before ``now``; None on its first day."""
        week = Week.containing(now)
        days = (now.astimezone(TZ) - week.start) // DAY
        return cls(week, days) if days > 0 else None

    @property
    def complete(self) -> bool:
        return self.days is None

    @property
    def start(self) -> datetime:
        return self.week.start

    @property
    def end(self) -> datetime:
        return self.week.end if self.days is None else self.week.start + self.days * DAY

    def shift(self, weeks: int) -> Period:
        """The same days of the week ``weeks`` later (earlier when negative)."""
        return Period(self.week.shift(weeks), self.days)

    def previous(self) -> Period:
        """The same days of the week before."""
        return self.shift(-1)

    def last_year(self) -> Period:
        """The same days of the same ISO week a year earlier (week 53 maps to week 52)."""
        return Period(self.week.last_year(), self.days)

    def label(self) -> str:
        """For file names and logs: ``2026-W47``, or ``2026-W49至12月01日`` so far."""
        return (
            self.week.label() if self.days is None else f"{self.week.label()}至{(self.end - HOUR):%m月%d日}"
        )

    def label_zh(self) -> str:
        """``2026年第47周（11月16日—11月22日）`` or ``2026年第49周前2天（11月30日—12月01日）``."""
        if self.days is None:
            return self.week.label_zh()
        return f"{self.week.year}年第{self.week.week}周前{self.days}天（{self.span_zh()}）"

    def span_zh(self) -> str:
        """The days the period covers, both included: ``11月16日—11月22日``."""
        return f"{self.start:%m月%d日}—{(self.end - HOUR):%m月%d日}"

    def comparison_zh(self) -> str:
        """What the changes compare with: the same days of the week before and a year earlier."""
        return (
            f"{term('wow')}：{term('previous')}（{self.previous().span_zh()}）；"
            f"{term('yoy')}：{term('last_year')}（{self.last_year().span_zh()}）"
        )

    def query(self) -> dict[str, str]:
        """The URL query that names this period (``week``, and ``to``, its end, for a week so far)."""
        if self.days is None:
            return {"week": self.week.label()}
        return {"week": self.week.label(), "to": f"{self.end:%Y-%m-%dT%H}:00"}


def term(code: str) -> str:
    """How a period and its comparisons are named wherever a person reads them (the codebook's
    ``period_term``): words that read right for any period, a past week or a week so far alike
    ("this period", "the same days of the week before"), never "this week" for another week."""
    return label("period_term", code)


def data_as_of(loaded: datetime | None, period: Week | Period) -> datetime | None:
    """What "data as of" says for ``period`` on every page, the wall and the reports: the end of the
    latest load that finished (``loaded``), capped at the period's end (a past week's data is
    complete at its end, whatever was loaded since); None before any load.

    Parameters
    ----------
    loaded
        ``queries.operations.data_as_of``: when the latest finished load ended.
    period
        The period shown.
    """
    return None if loaded is None else min(loaded, period.end)


def data_as_of_zh(loaded: datetime | None, period: Week | Period, named: bool = True) -> str:
    """ "Data as of" as a person reads it (the words, then ``2026-11-23 00:00``), or that nothing
    was loaded yet; the time alone when not ``named`` (a table's cell beside the words)."""
    at = data_as_of(loaded, period)
    shown = f"{at.astimezone(TZ):%Y-%m-%d %H:%M}" if at else f"—（{term('no_load')}）"
    return f"{term('data_as_of')} {shown}" if named else shown


def default_period(now: datetime) -> Period:
    """The period every screen, download and report shows unless told otherwise: the last ISO week
    (Beijing time) finished at ``now``."""
    return Period(Week.containing(now).previous())


def now() -> datetime:
    return datetime.now(TZ)


def as_of(period: Week | Period) -> datetime:
    """The instant a period's standing figures are counted at (open items, cards, unresolved
    disputes, alerts): its end, or now while it runs, so a past period's figures never change.

    Parameters
    ----------
    period
        Anything with a ``start`` and an exclusive ``end``.
    """
    return min(period.end, now())
