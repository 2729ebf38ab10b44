"""Weeks as the field counts them: Monday 00:00 to Monday 00:00, Beijing time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from common.china import TZ


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
    def parse(cls, text: str) -> Week:
        """``2026-W47``; ValueError for anything else, including a week the year does not have."""
        year, _, week = text.upper().partition("-W")
        date.fromisocalendar(int(year), int(week), 1)
        return cls(int(year), int(week))

    @property
    def start(self) -> datetime:
        return datetime.combine(date.fromisocalendar(self.year, self.week, 1), datetime.min.time(), TZ)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=7)

    def shift(self, weeks: int) -> Week:
        return Week.containing((self.start + timedelta(days=7 * weeks)).date())

    def previous(self) -> Week:
        return self.shift(-1)

    def last_year(self) -> Week:
        """The same ISO week a year earlier (week 53 maps to week 52)."""
        week = self.week
        while True:
            try:
                date.fromisocalendar(self.year - 1, week, 1)
                return Week(self.year - 1, week)
            except ValueError:
                week -= 1

    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    def label_zh(self) -> str:
        s, e = self.start.date(), (self.end - timedelta(days=1)).date()
        return f"{self.year}年第{self.week}周（{s:%m月%d日}—{e:%m月%d日}）"


def now() -> datetime:
    return datetime.now(TZ)
