"""Heat: event density rendered on the server as an image, whatever the number of events.

Events are binned to 50 m cells in SQL, smoothed with a Gaussian kernel into a raster of density
per km² (so rasters of any size share one scale) and written as a 256-colour palette PNG with
alpha, a few tens of kilobytes; its corners are shifted to the basemap's datum like every overlay.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, cast

import numpy as np
from PIL import Image
from scipy.ndimage import gaussian_filter

from common.coords import from_wgs84
from dashboard import bounds
from dashboard.context import AppContext
from dashboard.db import fetch_rows
from dashboard.map.framing import area_extent, window
from dashboard.map.layers import is_wgs84
from dashboard.periods import Period
from dashboard.queries import breakdowns
from dashboard.queries.areas import Area, scope_filter
from dashboard.scope import Scope

HeatKind = Literal["incidents", "risks"]
M_PER_DEG = 111_320.0
SIGMA_M = 250.0  # the kernel's spread; it is cut at three times this (``truncate`` below)

HEAT_SOURCES: dict[HeatKind, list[str]] = {
    "incidents": [
        "select geom, 1.0 as w, category as cat from serve.incidents where {f} "
        "and reported_at >= :t0 and reported_at < :t1"
    ],
    "risks": [
        "select geom, 1.0 as w, 'hazard' as cat from serve.hazards where {f} "
        "and found_at >= :t0 and found_at < :t1",
        "select geom, case when risk_level = 'high' then 3.0 else 1.0 end, 'dispute' from serve.disputes "
        "where {f} and found_at >= :t0 and found_at < :t1",
        # an alert judged false or resolved within the window no longer heats it
        "select geom, 2.0, 'alert' from serve.alerts where {f} and detected_at >= :t0 and detected_at < :t1 "
        "and (open_until is null or open_until >= :t1)",
    ],
}
RAMP = np.array(
    # transparent → blue → green → yellow → red (position, r, g, b, alpha)
    [
        [0.0, 0, 0, 255, 0],
        [0.15, 0, 90, 255, 110],
        [0.4, 0, 200, 120, 170],
        [0.7, 255, 220, 0, 200],
        [1.0, 230, 20, 20, 230],
    ],
)


# the wall's dark map (navy, luminance 0.02) hid the ramp's low end, blue at a third of full strength
# (1.04:1 where the heat lay, at its median): on a dark ground the ramp starts bright and nearly
# opaque, cyan to red, so the faintest level drawn stands out 3:1 or more (tests/e2e/test_wall_heat.py)
RAMP_DARK = np.array(
    [
        [0.0, 0, 220, 255, 0],
        [0.03, 0, 220, 255, 170],
        [0.3, 90, 255, 120, 205],
        [0.65, 255, 220, 0, 230],
        [1.0, 255, 70, 40, 245],
    ],
)


def palette(ramp: np.ndarray) -> np.ndarray:
    """256 RGBA colours along ``ramp`` (position, r, g, b, alpha); the faintest fully transparent."""
    out = np.stack([np.interp(np.arange(256) / 255, ramp[:, 0], ramp[:, k]) for k in range(1, 5)], axis=-1)
    out[: round(0.02 * 255) + 1, 3] = 0
    return out


PALETTE = palette(RAMP)
PALETTES = {"light": PALETTE, "dark": palette(RAMP_DARK)}  # by the ground the heat is drawn on


@dataclass
class Heat:
    """A heat image and where it lies (south-west and north-east corners, display datum)."""

    png: bytes
    bounds: list[list[float]]
    total: float
    peak: float

    def data_url(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode()


def heat_points(
    url: str,
    scope: Scope,
    kind: HeatKind,
    t0: datetime,
    t1: datetime,
    categories: list[str] | None = None,
    area: Area | None = None,
    cell_m: float = 50.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Event weights binned on the server to ``cell_m`` cells: x, y (WGS-84) and weight."""
    f, params = scope_filter(scope, area or Area())
    union = " union all ".join(q.format(f=f) for q in HEAT_SOURCES[kind])
    cat = "and cat = any(cast(:cats as text[]))" if categories else ""
    cell = cell_m / M_PER_DEG
    _, rows = fetch_rows(
        url,
        f"select round(st_x(geom) / :cell) * :cell as x, round(st_y(geom) / :cell) * :cell as y, "
        f"sum(w)::float8 as w "
        f"from ({union}) e where geom is not null {cat} group by 1, 2",
        {**params, "t0": t0, "t1": t1, "cell": cell, "cats": categories or []},
    )
    if not rows:
        return np.array([]), np.array([]), np.array([])
    xyw = np.array(rows, dtype=float)
    return xyw[:, 0], xyw[:, 1], xyw[:, 2]


def raster_size(
    extent: tuple[float, float, float, float], sigma_m: float, pixels: int | None
) -> tuple[int, int]:
    """Columns and rows of a heat raster: ``pixels`` wide, or by default two pixels per kernel
    sigma (enough to draw a Gaussian smoothly; the browser interpolates when zoomed in), 128–512."""
    west, south, east, north = extent
    width_m = (east - west) * M_PER_DEG * np.cos(np.radians((south + north) / 2))
    height_m = (north - south) * M_PER_DEG
    nx = pixels or int(np.clip(round(2 * width_m / sigma_m), 128, 512))
    return nx, max(1, round(nx * height_m / max(width_m, 1.0)))


def reach(
    extent: tuple[float, float, float, float], sigma_m: float = SIGMA_M
) -> tuple[float, float, float, float]:
    """An extent and the kernel's reach around it: the raster a point near its edge (a grid's box
    is small) is drawn whole on, not cut where the raster ends."""
    west, south, east, north = extent
    dy = 3 * sigma_m / M_PER_DEG
    dx = dy / max(np.cos(np.radians((south + north) / 2)), 0.1)
    return west - dx, south - dy, east + dx, north + dy


def heat_extent(c: AppContext) -> tuple[float, float, float, float]:
    """The viewer's extent (:func:`dashboard.map.framing.area_extent`) and the kernel's reach."""
    return reach(area_extent(c))


def density(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    extent: tuple[float, float, float, float],
    pixels: int | None = None,
    sigma_m: float = SIGMA_M,
) -> tuple[np.ndarray, tuple[int, int]]:
    """Kernel density of weighted points on a raster over ``extent`` (weight per km², so rasters
    of any size share one scale), and the raster's size."""
    west, south, east, north = extent
    nx, ny = raster_size(extent, sigma_m, pixels)
    width_m = (east - west) * M_PER_DEG * np.cos(np.radians((south + north) / 2))
    cell_km2 = (width_m / nx) * ((north - south) * M_PER_DEG / ny) / 1e6
    grid = np.zeros(ny * nx, dtype=np.float32)
    if len(x):
        ix = np.clip(((x - west) / (east - west) * nx).astype(int), 0, nx - 1)
        iy = np.clip(((north - y) / (north - south) * ny).astype(int), 0, ny - 1)
        grid = np.bincount(iy * nx + ix, weights=w / cell_km2, minlength=ny * nx).astype(np.float32)
    sigma = max(sigma_m / (width_m / nx), 0.5)
    return gaussian_filter(grid.reshape(ny, nx), sigma=sigma, mode="constant", truncate=3.0), (nx, ny)


def render_heat(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    extent: tuple[float, float, float, float],
    crs: str = "WGS84",
    pixels: int | None = None,
    sigma_m: float = SIGMA_M,
    peak: float | None = None,
    colours: np.ndarray = PALETTE,
) -> Heat:
    """Kernel density of weighted points over ``extent`` (west, south, east, north) as an RGBA PNG.

    ``peak`` fixes the density that maps to full red (so weeks of a playback share one scale);
    ``colours``: one of :data:`PALETTES`.
    """
    raster, _ = density(x, y, w, extent, pixels, sigma_m)
    west, south, east, north = extent
    top = peak if peak is not None else float(raster.max())
    level = np.clip(raster / top, 0, 1) if top > 0 else raster
    # a 256-colour palette PNG with alpha: small, and fast to encode
    index = np.round(level * 255).astype(np.uint8)
    image = Image.fromarray(index, "P")
    image.putpalette(colours[:, :3].astype(np.uint8).tobytes(), rawmode="RGB")
    buf = io.BytesIO()
    image.save(buf, "PNG", transparency=colours[:, 3].astype(np.uint8).tobytes(), compress_level=3)
    corners = np.array([[west, south], [east, north]])
    if not is_wgs84(crs):
        cx, cy = from_wgs84(corners[:, 0], corners[:, 1], crs)
        corners = np.column_stack([cx, cy])
    return Heat(
        png=buf.getvalue(),
        bounds=[[float(corners[0, 1]), float(corners[0, 0])], [float(corners[1, 1]), float(corners[1, 0])]],
        total=float(w.sum()),
        peak=float(raster.max()),
    )


# ------------------------------------------------------------------ per viewer, cached
RISK_CATEGORIES = [
    {"label": "风险隐患", "value": "hazard"},
    {"label": "矛盾纠纷（高风险计3）", "value": "dispute"},
    {"label": "预警（计2）", "value": "alert"},
]
HEAT_ZH = {"incidents": "警情热力", "risks": "风险热力（隐患、纠纷、预警）"}
# what the density counts, per km²: incidents one each; risks weighed (see HEAT_SOURCES)
HEAT_UNIT = {"incidents": "起/平方公里", "risks": "风险分/平方公里（加权）"}


def heat_layer(
    c: AppContext,
    period: Period,
    kind: Any,
    cats: Any,
    mode: Any,
    offset: Any,
    start: Any,
    end: Any,
    ground: str = "light",
) -> dict[str, Any]:
    """The heat image for the map's filters (cached per scope, filters and datum).

    Parameters
    ----------
    c : AppContext
        The app, acting for the current viewer.
    period : Period
        The period the page shows.
    kind : str
        ``"incidents"`` or ``"risks"``; any other text switches heat off.
    cats : list of str or None
        Categories to count (None or empty: all; at most :data:`dashboard.bounds.MAX_ITEMS`).
    mode, offset, start, end
        The time window, see :func:`dashboard.map.framing.window`.
    ground : str
        What the heat is drawn over: ``"light"`` (the map's basemap) or ``"dark"`` (the wall's).

    Returns
    -------
    dict
        ``url`` (a PNG data URL, empty when off), ``bounds``, ``total`` (events weighed),
        ``legend`` (its text), ``scale`` (the fixed top of a week's colour scale, or None),
        ``top`` (the density drawn full red: the scale, else the window's own peak) and ``unit``.

    Raises
    ------
    dashboard.bounds.OutOfBounds
        For a filter of the wrong type or out of bounds.
    """
    scope = c.scope()
    kind, cats = bounds.text(kind), bounds.texts(cats)
    if kind not in HEAT_SOURCES:
        return {"url": "", "bounds": None, "total": 0, "legend": "热力已关闭", "scale": None, "top": None}
    source = cast(HeatKind, kind)
    t0, t1 = window(period, mode, offset, start, end)
    key = ("heat", scope, source, tuple(sorted(cats or [])), t0, t1, c.settings.basemap_crs, ground)

    def compute() -> dict[str, Any]:
        x, y, w = heat_points(c.url, scope, source, t0, t1, cats or None)
        # single weeks share one colour scale (so a playback shows real change): full red at 1.5 ×
        # the weekly average peak of the last four weeks; other windows scale to their own peak
        peak = weekly_peak(c, period, source, cats) if mode == "week" else None
        heat = render_heat(
            x, y, w, heat_extent(c), c.settings.basemap_crs, peak=peak, colours=PALETTES[ground]
        )
        label = (
            f"{HEAT_ZH[source]} · {t0:%m月%d日}—{(t1 - timedelta(seconds=1)):%m月%d日} · 共{heat.total:,.0f}"
        )
        return {
            "url": heat.data_url(),
            "bounds": heat.bounds,
            "total": heat.total,
            "legend": label,
            "scale": peak,
            "top": peak if peak is not None else heat.peak,
            "unit": HEAT_UNIT[source],
        }

    return c.cached(key, compute)


def weekly_peak(c: AppContext, period: Period, kind: HeatKind, cats: list[str] | None) -> float | None:
    """The colour scale's top for single weeks: 1.5 × a quarter of the peak density of the four
    whole weeks to ``period`` (to the week before it when it is a week so far)."""
    scope = c.scope()
    week = period.week if period.complete else period.week.previous()

    def compute() -> float | None:
        x, y, w = heat_points(c.url, scope, kind, week.shift(-3).start, week.end, cats or None)
        # a scale needs no full raster: densities are per km², so a coarse raster's peak is the
        # full one's (slightly lower: coarser pixels blur)
        peak = density(x, y, w, heat_extent(c), pixels=128)[0].max(initial=0.0)
        return 1.5 * peak / 4 if peak > 0 else None

    return c.cached(("heat-peak", scope, kind, tuple(sorted(cats or [])), week), compute)


def heat_categories(c: AppContext, kind: Any) -> tuple[list[dict[str, str]], None, str]:
    """The category filter's options for a heat layer (and clear the choice)."""
    if bounds.text(kind) == "risks":
        return RISK_CATEGORIES, None, "全部风险类别"
    cats = c.cached(("cats",), lambda: breakdowns.categories(c.url))
    return [{"label": r["name_zh"], "value": r["category"]} for r in cats], None, "全部警情类别"
