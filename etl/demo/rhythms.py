"""When things happen in the demo county: hour-of-day and weekday weights, and times drawn by them.

Weights are relative (each set is normalised where it is used); index 0 is midnight for hours and
Monday for weekdays.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

HOURS_INCIDENT = np.array(
    [3, 2, 1.5, 1, 1, 1, 1.5, 2.5, 4, 4.5, 5, 5, 4.5, 4.5, 5, 5, 5.5, 6, 7, 8, 8, 7, 5.5, 4]
)
HOURS_OFFICE = np.array(
    [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 5, 8, 9, 8, 4, 6, 8, 8, 7, 5, 2, 1, 0.5, 0.4, 0.3, 0.2]
)
HOURS_ACCESS = np.array(
    [1.5, 0.8, 0.4, 0.3, 0.3, 0.8, 3, 6, 7, 4, 2.5, 3, 4, 3, 2.5, 2.5, 3, 4.5, 7, 8, 6.5, 5, 4, 2.5]
)
WEEKDAY_INCIDENT = np.array([1.0, 0.95, 0.95, 1.0, 1.1, 1.3, 1.25])
WEEKDAY_OFFICE = np.array([1.2, 1.1, 1.1, 1.1, 1.0, 0.35, 0.3])


def timestamps(
    rng: np.random.Generator,
    n: int,
    start: datetime,
    days: int,
    hour_weights: np.ndarray,
    weekday_weights: np.ndarray,
) -> np.ndarray:
    """Times with a daily and a weekly rhythm.

    Parameters
    ----------
    rng : numpy.random.Generator
        Draws, in this order, the day, the hour and the second within the hour of every time.
    n : int
        How many times.
    start : datetime
        The first moment of the first day (naive local time; a time zone is dropped).
    days : int
        How many days from ``start`` the times spread over.
    hour_weights, weekday_weights : numpy.ndarray
        Relative weights of the 24 hours and of the 7 weekdays (Monday first).

    Returns
    -------
    numpy.ndarray
        ``n`` times as ``datetime64[s]``, in the order drawn (not sorted).
    """
    day_w = np.array([weekday_weights[(start + timedelta(d)).weekday()] for d in range(days)])
    day = rng.choice(days, size=n, p=day_w / day_w.sum())
    hour = rng.choice(24, size=n, p=hour_weights / hour_weights.sum())
    secs = rng.integers(0, 3600, n)
    base = np.datetime64(start.replace(tzinfo=None), "s")
    return base + (day * 86400 + hour * 3600 + secs).astype("timedelta64[s]")
