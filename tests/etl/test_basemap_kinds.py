"""The surveying layers (roads, water, green areas, building outlines) load like every other kind:
converted from their declared datum, checked, quarantined with a reason, joined to their building."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, Polygon
from sqlalchemy import create_engine, text

from common.coords import from_wgs84
from etl.contract import GEOMETRY_FIELD, KINDS
from etl.db import normalise_url
from etl.kinds import loading_for
from etl.manifest import Source
from etl.validate import Context, SeenKeys, check_chunk

AREA = shapely.box(113.7, 23.2, 113.9, 23.4)


def _road_chunk(geoms: list, classes: list[str]) -> tuple[pd.DataFrame, Source]:
    source = Source(
        name="道路",
        kind="road",
        path="roads.shp",
        format="shp",
        crs="GCJ02",
        columns={"road_code": "DLBM", "name": "DLMC", "road_class": "DLDJ", "district_code": "QHDM"},
    )
    df = pd.DataFrame(
        {
            "DLBM": [f"R{i}" for i in range(len(geoms))],
            "DLMC": ["荔景大道"] * len(geoms),
            "DLDJ": classes,
            "QHDM": "440118",
            "_line": np.arange(1, len(geoms) + 1),
            "_geom": np.array(geoms, dtype=object),
        }
    )
    return df, source


def test_a_road_is_shifted_from_gcj02_and_a_shape_that_is_no_line_is_quarantined() -> None:
    wgs = LineString([(113.80, 23.30), (113.81, 23.301), (113.82, 23.30)])
    gx, gy = from_wgs84(*np.array(wgs.coords).T, "GCJ02")
    as_delivered = LineString(np.column_stack([gx, gy]))
    square = Polygon([(113.8, 23.3), (113.801, 23.3), (113.801, 23.301)])
    df, source = _road_chunk([as_delivered, square, None, as_delivered], ["主干路", "支路", "街巷", "快速路"])
    kind = KINDS["road"]
    loading = loading_for(kind)
    at = loading.convert(df, source)
    checked = check_chunk(df, source, kind, Context(district=AREA), SeenKeys(), at)
    q = checked.quarantine.set_index("line_no")
    assert q.loc[2, "reason_code"] == "invalid_geometry" and q.loc[2, "field"] == GEOMETRY_FIELD
    assert "line" in q.loc[2, "detail"]
    assert q.loc[3, "reason_code"] == "coord_missing"
    assert q.loc[4, "reason_code"] == "unknown_category" and q.loc[4, "field"] == "road_class"
    (row,) = checked.rows.itertuples()
    assert row.road_class == "arterial"
    back = np.array(row.geom.geoms[0].coords)
    assert np.abs(back - np.array(wgs.coords)).max() < 1e-8  # the GCJ-02 offset (≈ 500 m) undone


@pytest.mark.db
def test_the_demo_delivers_every_surveying_layer_and_outlines_sit_on_their_buildings(
    demo_db: tuple[str, str],
) -> None:
    with create_engine(normalise_url(demo_db[0])).connect() as conn:
        classes = dict(conn.execute(text("select road_class, count(*) from core.roads group by 1")).all())
        assert set(classes) == {"expressway", "arterial", "secondary", "branch", "lane"}
        assert conn.execute(text("select count(*) from core.water_areas")).scalar_one() > 3
        assert conn.execute(text("select count(*) from core.green_areas")).scalar_one() > 3
        # outlines were delivered in GCJ-02: converted, each lies on its building's point (the
        # building's own feed is WGS-84, metres of jitter), not half a kilometre off
        far = conn.execute(
            text(
                "select count(*), max(st_distance(f.geom::geography, b.geom::geography)) "
                "from core.building_footprints f join core.buildings b using (building_code)"
            )
        ).one()
        n_buildings = conn.execute(text("select count(*) from core.buildings")).scalar_one()
        assert far[0] > 0.9 * n_buildings and far[1] < 50
        rejects = dict(
            conn.execute(
                text("select reason_code, count(*) from ops.quarantine where kind = 'footprint' group by 1")
            ).all()
        )
        assert rejects == {"invalid_geometry": 1, "unknown_reference": 1}
