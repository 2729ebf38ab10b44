"""Where and when a map looks: the viewer's extent, the zoom that fits it, Leaflet's corner order,
and the time window that heat and choropleth count over.

Extents are (west, south, east, north) in WGS-84, as PostGIS returns them; Leaflet wants
``[[south, west], [north, east]]`` and ``[lat, lon]``, which :func:`corners` and :func:`centre` give.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from common.china import TZ
from dashboard import bounds
from dashboard.context import AppContext
from dashboard.periods import Period
from dashboard.queries import areas
from dashboard.queries.areas import Area

Extent = tuple[float, float, float, float]
# shown while nothing is loaded (an empty warehouse has no extent): the demo's part of Guangdong
FALLBACK_EXTENT: Extent = (113.0, 22.5, 114.5, 24.0)
WINDOW_MODES = ("week", "4w", "custom")
PLAYBACK_WEEKS = 12  # the weeks the playback slider steps through, the chosen one included
CLIP_ZOOM = 14  # from here area outlines are cut to the view: a street view needs a few vertices
CLIP_MARGIN = 0.5  # of the view's size, each way
CLIP_SNAP = 0.01  # degrees (about a kilometre): the clip box's corners, so nearby views share one


def area_extent(c: AppContext) -> Extent:
    """The extent of everything the viewer may see (cached per scope).

    Parameters
    ----------
    c : AppContext
        The app, acting for the current viewer.

    Returns
    -------
    Extent
        West, south, east, north; :data:`FALLBACK_EXTENT` when nothing is loaded.
    """
    scope = c.scope()
    ext = c.cached(("extent", scope), lambda: areas.bounds(c.url, scope, Area()))
    return ext or FALLBACK_EXTENT


def fit_zoom(ext: Extent, width_px: int) -> int:
    """The largest zoom at which an extent's width fits ``width_px`` pixels."""
    span = max(ext[2] - ext[0], 1e-6)
    return max(1, min(18, math.floor(math.log2(width_px * 360 / (256 * span)))))


def corners(ext: Extent) -> list[list[float]]:
    """An extent as Leaflet's bounds: south-west and north-east corners, latitude first."""
    return [[ext[1], ext[0]], [ext[3], ext[2]]]


def centre(ext: Extent) -> list[float]:
    """An extent's centre as Leaflet's ``[lat, lon]`` (dash-leaflet needs a centre with bounds)."""
    return [(ext[1] + ext[3]) / 2, (ext[0] + ext[2]) / 2]


def window(period: Period, mode: Any, offset: Any, start: Any, end: Any) -> tuple[datetime, datetime]:
    """The time window of heat and choropleth: the period (or the same span of an earlier week),
    four weeks to it, or a custom range of days.

    Parameters
    ----------
    period : Period
        The period the page shows (from its URL), the playback's anchor.
    mode : str
        ``"week"``, ``"4w"`` (four weeks to the week) or ``"custom"`` (``start`` to ``end``);
        None is a week.
    offset : int or None
        Weeks back from ``period`` (the playback slider: 0 to ``1 - PLAYBACK_WEEKS``).
    start, end : str or None
        ISO dates of a custom range, both days included (see :func:`dashboard.bounds.day_range`).

    Returns
    -------
    tuple of datetime
        Start (included) and end (excluded), Beijing time.

    Raises
    ------
    dashboard.bounds.OutOfBounds
        For a value of the wrong type or out of bounds (all of them come from the browser).
    """
    mode = bounds.choice(mode, WINDOW_MODES, default="week")
    week = period.shift(bounds.offset(offset, PLAYBACK_WEEKS))
    if mode == "custom" and start and end:
        d0, d1 = bounds.day_range(start, end)
        return (
            datetime.combine(d0, datetime.min.time(), TZ),
            datetime.combine(d1, datetime.min.time(), TZ) + timedelta(days=1),
        )
    if mode == "4w":
        return week.shift(-3).start, week.end
    return week.start, week.end


def clip_box(zoom: float, view: Extent | None) -> Extent | None:
    """The box area outlines are cut to at street zoom (from :data:`CLIP_ZOOM`): the viewport grown
    by :data:`CLIP_MARGIN` of its size each way (a short pan shows no cut edge, and covers the few
    hundred metres GCJ-02 lies off WGS-84), snapped outwards to :data:`CLIP_SNAP` so nearby views
    share a cached answer.

    Parameters
    ----------
    zoom : float
        The map's zoom.
    view : tuple, optional
        The viewport (west, south, east, north).

    Returns
    -------
    tuple or None
        The box, or None (outlines whole) below that zoom or without a view.
    """
    if view is None or zoom < CLIP_ZOOM:
        return None
    dx, dy = (view[2] - view[0]) * CLIP_MARGIN, (view[3] - view[1]) * CLIP_MARGIN
    lo = [round(math.floor(v / CLIP_SNAP) * CLIP_SNAP, 6) for v in (view[0] - dx, view[1] - dy)]
    hi = [round(math.ceil(v / CLIP_SNAP) * CLIP_SNAP, 6) for v in (view[2] + dx, view[3] + dy)]
    return (lo[0], lo[1], hi[0], hi[1])
