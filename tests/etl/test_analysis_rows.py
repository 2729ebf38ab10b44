"""研判 as stored and shown: the row of a new hot spot says hot three times, in its class, its level
and its z. On the county a grid shown 新增热点 read Gi* z = -0.33 beside p = 0.005: its level came from
the Poisson test on the units' areas and its z from esda's, which knows no area. Planted here on a
few grids of unequal areas, run through the job that writes the rows (etl.analysis.run.hotspots);
and a warehouse analysed by that older method is analysed again when it is migrated."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from libpysal.weights import lat2W
from sqlalchemy import create_engine, text

from etl.analysis.data import Data
from etl.analysis.run import hotspots
from etl.analysis.units import Units
from etl.db import normalise_url
from etl.migrate import migrate
from etl.warehouse import Warehouse
from tests.support.database import loaded_database

SIDE, WEEKS = 6, 12
CENTRE = 14  # of the small grids' block (7–9, 13–15, 19–21), each a five-hundredth of a large grid's area
# core.hotspot_trends' columns as hotspots() writes them
CLASS, GI_Z, GI_P, LEVEL = 5, 9, 10, 11


def planted() -> Data:
    """36 grids of one station; a block of nine small grids amid large ones, without incidents for
    eleven weeks, and three at its centre in the twelfth, while each large grid has a few a week."""
    n = SIDE * SIDE
    block = [7, 8, 9, 13, 14, 15, 19, 20, 21]
    area = np.full(n, 1_000_000.0)
    area[block] = 2_000.0
    weekly = np.random.default_rng(7).poisson(3, (WEEKS, n)).astype(float)
    weekly[:, block] = 0
    weekly[-1, CENTRE] = 3
    codes = np.array([f"G{i:02d}" for i in range(n)], dtype=object)
    units = Units(
        kind="grid",
        codes=codes,
        district=np.full(n, "D1", dtype=object),
        station=np.full(n, "S1", dtype=object),
        grid=codes,
        area_m2=area,
        geoms=np.empty(n, dtype=object),
        adjacency=sp.csr_matrix(lat2W(SIDE, SIDE, rook=False).sparse),
    )
    return Data(units={"grid": units}, first=date(2026, 9, 7), weekly={"grid": weekly}, elements={})


def test_a_new_hot_spot_reads_hot_in_its_class_its_level_and_its_z() -> None:
    _weeks, trends = hotspots(planted(), WEEKS - 1, WEEKS)
    for scope in ("all", "S1"):
        centre = next(r for r in trends if r[0] == scope and r[2] == f"G{CENTRE:02d}")
        assert centre[CLASS] == "new_hot", centre
        assert centre[LEVEL] > 0 and centre[GI_Z] > 1.64 and centre[GI_P] < 0.1, centre
    # and no row anywhere reads hot one way and cold (or nothing) another
    for r in trends:
        if r[LEVEL] != 0:
            assert np.sign(r[GI_Z]) == np.sign(r[LEVEL]) and abs(r[GI_Z]) > 1.64, r
        if r[CLASS].endswith(("_hot", "_cold")) and not r[CLASS].startswith("historical"):
            assert np.sign(r[LEVEL]) == (1 if r[CLASS].endswith("_hot") else -1), r


# the rows whose z says otherwise than their level: of the other sign, or short of the 90 % level's
CONTRADICTED = (
    "select count(*) from core.hotspot_trends "
    "where level <> 0 and (sign(gi_z) <> sign(level) or abs(gi_z) < 1.64)"
)


@pytest.mark.db
def test_an_analysis_stored_by_the_older_method_is_computed_again_when_migrated(
    warehouse: Warehouse, test_db_url: str, demo_manifest: Path
) -> None:
    """The demo's hot spots given esda's z back (a hot spot's z negative or small, as the county's
    were): migrating the warehouse computes its analysis again, each z its level's."""
    url = loaded_database(warehouse, test_db_url, demo_manifest, "analysis_rows")
    engine = create_engine(normalise_url(url))
    try:
        with engine.begin() as conn:
            assert conn.execute(text(CONTRADICTED)).scalar_one() == 0
            hot = conn.execute(
                text("update core.hotspot_trends set gi_z = -0.33 where level > 0 returning unit_code")
            ).all()
            assert hot
        migrate(url, warehouse.app_role())
        with engine.connect() as conn:
            assert conn.execute(text(CONTRADICTED)).scalar_one() == 0
            assert conn.execute(
                text("select count(*) from core.hotspot_trends where level > 0")
            ).scalar_one() == len(hot)
    finally:
        engine.dispose()
