"""Kinds drawn as polygons (district, towns, villages, police areas, grids): converted, never attributed."""

from __future__ import annotations

from typing import ClassVar

import pandas as pd
import psycopg

from etl.convert import Located, convert_polygons
from etl.kinds.base import OwnGeometry
from etl.manifest import Source
from etl.sql import read_sql


class Polygons(OwnGeometry):
    """Polygons in WGS-84, as MultiPolygons."""

    extra_columns: ClassVar[dict[str, str]] = {"geom": "geometry(Geometry, 4326)"}

    def convert(self, chunk: pd.DataFrame, source: Source) -> Located | None:
        """The chunk's polygons in WGS-84."""
        return convert_polygons(chunk, source)


class District(Polygons):
    """The district boundary: the area every other kind is checked against, so it loads without one."""

    defines_area = True


class ZoneGridPolygons(Polygons):
    """Police zones and grids: each change recomputes which grids share which zones."""

    def derive(self, conn: psycopg.Connection) -> None:
        """``core.zone_grids`` and each grid's own zone, once there are grids to share; then the
        grids and stations of the town leaders and village officers (their towns' grids may change)."""
        if conn.execute("select 1 from core.grids limit 1").fetchone():
            conn.execute(read_sql("derive_zone_grids.sql"))
            conn.execute(read_sql("governance_scopes.sql"))
