"""ISO weeks as the field counts them (Monday 00:00 to Monday 00:00, Beijing time), as plain dates.

The loader's analysis and the dashboard's periods (``dashboard/periods.py``) name the same weeks:
a week is its Monday, and its label is ``2026-W47``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from common.china import TZ


def monday(moment: date | datetime) -> date:
    """The Monday (Beijing time) of the ISO week holding ``moment`` (an aware time is converted)."""
    if isinstance(moment, datetime):
        moment = moment.astimezone(TZ).date() if moment.tzinfo else moment.date()
    return moment - timedelta(days=moment.weekday())


def week_start(week: date) -> datetime:
    """Midnight, Beijing time, starting the week whose Monday is ``week``."""
    return datetime(week.year, week.month, week.day, tzinfo=TZ)


def week_label(week: date) -> str:
    """``2026-W47`` for any day of that ISO week."""
    iso = week.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def last_finished(now: datetime) -> date:
    """The Monday of the last ISO week finished at ``now`` (Beijing time)."""
    return monday(now) - timedelta(days=7)
