"""Map views as the browser reports them (Leaflet's bounds of a window at a zoom), and the densest
street of the demo: where a street view carries the most."""

from __future__ import annotations

import numpy as np
from sqlalchemy import Engine

from tests.support.dash_calls import column


def leaflet_view(
    x: float, y: float, zoom: int, width_px: int = 1600, height_px: int = 900
) -> list[list[float]]:
    """Leaflet's bounds ``[[south, west], [north, east]]`` of a window of that size centred on
    (x, y) at ``zoom``."""
    deg = 360 / (256 * 2**zoom)
    dx, dy = width_px / 2 * deg, height_px / 2 * deg * np.cos(np.radians(y))
    return [[y - dy, x - dx], [y + dy, x + dx]]


def dense_spot(core: Engine, station: str | None = None) -> tuple[float, float]:
    """The building with the most outlines around it (of ``station``): the heaviest street view."""
    where = "where b.station_code = :s" if station else ""
    return tuple(  # type: ignore[return-value]
        column(
            core,
            "select array[st_x(b.geom), st_y(b.geom)] from core.buildings b "
            f"{where} order by (select count(*) from core.building_footprints f "
            "where st_dwithin(f.geom, b.geom, 0.004)) desc, b.building_code limit 1",
            s=station,
        )[0]
    )
