"""Weeks as the field counts them: Monday 00:00 to Monday 00:00, Beijing time.

All week arithmetic is closed-form (no loop runs more than once per call), and a week outside
the calendar Python can represent raises ValueError instead of running away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from common.china import TZ

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


def now() -> datetime:
    return datetime.now(TZ)


def as_of(period: Week) -> datetime:
    """The instant a period's standing figures are counted at (open items, cards, unresolved
    disputes, alerts): its end, or now while it runs, so a past period's figures never change.

    Parameters
    ----------
    period
        Anything with a ``start`` and an exclusive ``end``.
    """
    return min(period.end, now())
