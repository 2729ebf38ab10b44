"""Where and when a map looks: the viewer's extent, the zoom that fits it, Leaflet's corner order,
and the time window that heat and choropleth count over.

Extents are (west, south, east, north) in WGS-84, as PostGIS returns them; Leaflet wants
``[[south, west], [north, east]]`` and ``[lat, lon]``, which :func:`corners` and :func:`centre` give.
"""

from __future__ import annotations

import math
import re
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
BOX_ZOOM = 10  # from here the local basemap is asked for by box; below it, the whole area per zoom
BASEMAP_MARGIN = 0.25  # of the view's size, each way: a small pan needs no new request
MAX_CELLS = 32  # cells of a box each way (a 4K window with the outlines' margin needs about 18)
CELL_NUMBER = re.compile(r"-?[0-9]{1,6}")
Cells = tuple[int, int, int, int]  # a box as cell numbers: west, south (included), east, north (excluded)


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


def window_zh(period: Period, mode: Any, offset: Any, start: Any, end: Any) -> str:
    """The time window of :func:`window` as every caption of the map names it (the playback's line,
    the print view's and the exported picture's head): the period's own words for a week, the
    weeks and days for four weeks, the days for a custom range. Same parameters and errors."""
    t0, t1 = window(period, mode, offset, start, end)
    mode = bounds.choice(mode, WINDOW_MODES, default="week")
    week = period.shift(bounds.offset(offset, PLAYBACK_WEEKS))
    last = (t1 - timedelta(hours=1)).date()
    if mode == "custom" and start and end:
        return f"自定义时段（{t0:%Y年%m月%d日}—{last:%m月%d日}）"
    if mode == "4w":
        return f"近4周至{week.label_zh().split('（')[0]}（{t0:%m月%d日}—{last:%m月%d日}）"
    return week.label_zh()


def window_days(period: Period, mode: Any, offset: Any) -> tuple[str, str]:
    """The first and last day (ISO dates, both included) of a week's or four weeks' window: what
    the map's range of days shows while one of them is chosen, so it names the days counted."""
    t0, t1 = window(period, mode, offset, None, None)
    return t0.date().isoformat(), (t1 - timedelta(hours=1)).date().isoformat()


def cell(zoom: float) -> float:
    """The side of a box's cell in degrees at ``zoom``: about a quarter of a 1920-pixel view, 0.01°
    (a kilometre) at street zoom 16, halved with each zoom to 0.0025° from 18, 1.28° at most.

    A box is the view and its margin snapped outwards to whole cells: up to a cell more each way
    than the view needs (measured on the demo: the basemap's first answer 1.2–1.9× the unsnapped
    one's, a few kilobytes gzipped), bought back by every nearby view and return naming the same
    file."""
    return 0.01 * 2.0 ** (16 - min(max(int(zoom), 9), 18))


def snap(zoom: float, view: Extent, margin: float) -> Cells:
    """The cells covering ``view`` grown by ``margin`` of its size each way, snapped outwards to
    :func:`cell` so nearby views ask for the same box (the key a layer file is cached under); at
    most :data:`MAX_CELLS` each way, around the view's centre.
    """
    size = cell(zoom)
    dx, dy = (view[2] - view[0]) * margin, (view[3] - view[1]) * margin
    i0, j0 = math.floor((view[0] - dx) / size), math.floor((view[1] - dy) / size)
    i1, j1 = math.ceil((view[2] + dx) / size), math.ceil((view[3] + dy) / size)
    if i1 - i0 > MAX_CELLS:
        i0 = (i0 + i1) // 2 - MAX_CELLS // 2
        i1 = i0 + MAX_CELLS
    if j1 - j0 > MAX_CELLS:
        j0 = (j0 + j1) // 2 - MAX_CELLS // 2
        j1 = j0 + MAX_CELLS
    return (i0, j0, max(i1, i0 + 1), max(j1, j0 + 1))


def cells_box(zoom: float, cells: Cells) -> Extent:
    """The box (west, south, east, north) in degrees that ``cells`` cover at ``zoom``."""
    size = cell(zoom)
    return (
        round(cells[0] * size, 6),
        round(cells[1] * size, 6),
        round(cells[2] * size, 6),
        round(cells[3] * size, 6),
    )


def cells_text(cells: Cells) -> str:
    """Cells as a URL writes them: ``i0,j0,i1,j1``."""
    return ",".join(str(v) for v in cells)


def parse_cells(zoom: float, text: str) -> Cells:
    """Cells from a URL (:func:`cells_text`): four integers of six digits at most, in order, at
    most :data:`MAX_CELLS` each way, on the globe.

    Raises
    ------
    dashboard.bounds.OutOfBounds
        For anything else (the text comes from the browser).
    """
    parts = text.split(",")
    if len(parts) != 4 or not all(CELL_NUMBER.fullmatch(p) for p in parts):
        raise bounds.OutOfBounds("not a box")
    i0, j0, i1, j1 = (int(p) for p in parts)
    if not (0 < i1 - i0 <= MAX_CELLS and 0 < j1 - j0 <= MAX_CELLS):
        raise bounds.OutOfBounds("a box out of order or too large")
    w, s, e, n = cells_box(zoom, (i0, j0, i1, j1))
    if w < -180 or e > 180 or s < -90 or n > 90:
        raise bounds.OutOfBounds("a box off the globe")
    return (i0, j0, i1, j1)


def clip_cells(zoom: float, view: Extent | None) -> Cells | None:
    """The cells area outlines are cut to at street zoom (from :data:`CLIP_ZOOM`): the viewport
    grown by :data:`CLIP_MARGIN` of its size each way (a short pan shows no cut edge, and covers
    the few hundred metres GCJ-02 lies off WGS-84), snapped outwards (:func:`snap`); None (outlines
    whole) below that zoom or without a view."""
    if view is None or zoom < CLIP_ZOOM:
        return None
    return snap(zoom, view, CLIP_MARGIN)


def clip_box(zoom: float, view: Extent | None) -> Extent | None:
    """The box of :func:`clip_cells` in degrees (None where that is None).

    Parameters
    ----------
    zoom : float
        The map's zoom.
    view : tuple, optional
        The viewport (west, south, east, north).

    Returns
    -------
    tuple or None
        The box, or None (outlines whole) below :data:`CLIP_ZOOM` or without a view.
    """
    cells = clip_cells(zoom, view)
    return None if cells is None else cells_box(zoom, cells)
