"""The printed report's station map names its police zones and grids: a station chief reading the
paper tells which area is which, and reads its scale bar and heat scale (their numbers printed at
6.5 pt before). Drawn from the demo in real PostGIS, for every station."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from dashboard.map.layers import area_layer
from dashboard.map.legends import TICKS
from dashboard.periods import Period, Week
from dashboard.queries import areas
from dashboard.queries.areas import Area
from dashboard.reports.mapimage import PRINT_MM, WIDTH, station_map_named
from dashboard.reports.mapnames import COLOURS
from dashboard.scope import Scope

pytestmark = pytest.mark.db

WEEK = Period(Week(2026, 47))


def overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_every_zone_and_most_grids_are_named_apart_and_readable_as_the_scales(
    demo_db: tuple[str, str],
) -> None:
    url = demo_db[1]
    scope = Scope.everything()
    grids_named = grids_all = heat_scales = 0
    for s in areas.stations(url, scope):
        code = s["station_code"]
        jpeg, names = station_map_named(url, scope, code, WEEK.start, WEEK.end)
        image = np.asarray(Image.open(io.BytesIO(jpeg)).convert("RGB")).astype(int)
        height, width = image.shape[:2]
        # the page's width across, or a narrower map for a station too tall to print that wide
        assert width == WIDTH or height / width > PRINT_MM[1] / PRINT_MM[0] - 0.01, (code, width, height)
        px_per_mm = max(width / PRINT_MM[0], height / PRINT_MM[1])  # as the page prints it
        zones = {
            f["properties"]["label"]
            for f in area_layer(url, scope, "zone", 16, "WGS84", Area("station", code))["features"]
        }
        grids = area_layer(url, scope, "grid", 16, "WGS84", Area("station", code))["features"]
        # every police zone by its whole name
        assert {n.text for n in names if n.kind == "zone"} == zones, code
        grid_texts = [n.text for n in names if n.kind == "grid"]
        assert all(any(g["properties"]["label"].endswith(t) for g in grids) for t in grid_texts), grid_texts
        # the scale bar's length, and with heat the heat scale's title and numbers (0 to the top
        # drawn full red)
        legend = [n.text for n in names if n.kind == "legend"]
        assert len(legend) == 1 or (len(legend) == 2 + TICKS and float(legend[-TICKS]) == 0), legend
        heat_scales += len(legend) > 1 and legend[-1].startswith("≥")
        grids_named += len(grid_texts)
        grids_all += len(grids)
        for i, n in enumerate(names):
            # inside the picture, over no other name
            assert n.box[0] >= 0 and n.box[2] <= width and n.box[1] >= 0 and n.box[3] <= height, n
            assert not [m for m in names[i + 1 :] if overlap(n.box, m.box)], n
            # read on paper: at least 2.47 mm (7 pt) as printed
            assert n.size / px_per_mm >= 2.47, n
            # and written: the name's (or the scales' words') colour is in its box
            x0, y0, x1, y1 = (round(v) for v in n.box)
            cut = image[y0:y1, x0:x1]
            ink = np.abs(cut - np.array(COLOURS[n.kind][:3])).sum(axis=2) < 90
            assert ink.sum() > min(40, ink.size // 8), (code, n)  # a lone "0" is small
    assert grids_all and grids_named >= 0.6 * grids_all, (grids_named, grids_all)
    assert heat_scales >= 0.5 * len(areas.stations(url, scope)), heat_scales
