"""Kinds located by their own coordinates: converted to WGS-84, attributed by where they lie.

Attribution is a spatial lookup in Python (etl/attribute.py) over the loaded grids and police
zones, on accepted rows only, so the codes are in each row before it is copied.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
import psycopg
from shapely import wkb

from etl.attribute import Attributor
from etl.convert import Located, convert_points
from etl.kinds.base import OwnGeometry
from etl.manifest import Source
from etl.tables import ATTRIBUTION
from etl.validate import Context


class Points(OwnGeometry):
    """Points with the grid, police zone and station they lie in."""

    extra_columns: ClassVar[dict[str, str]] = {
        "geom": "geometry(Geometry, 4326)",
        **dict.fromkeys(ATTRIBUTION, "text"),
    }

    def prepare(self, conn: psycopg.Connection, ctx: Context) -> None:
        """The loaded grids and police zones, for attribution."""
        self.attributor = Attributor(
            [
                (r[0], wkb.loads(bytes(r[1])))
                for r in conn.execute("select grid_code, st_asbinary(geom) from core.grids")
            ],
            [
                (r[0], r[1], wkb.loads(bytes(r[2])))
                for r in conn.execute(
                    "select zone_code, station_code, st_asbinary(geom) from core.police_zones"
                )
            ],
        )

    def convert(self, chunk: pd.DataFrame, source: Source) -> Located | None:
        """The chunk's points in WGS-84."""
        return convert_points(chunk, source)

    def attribute(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Each accepted point's grid, police zone and station."""
        grid, zone, station = self.attributor.assign(rows["geom"].to_numpy())
        return rows.assign(grid_code=grid, zone_code=zone, station_code=station)


class Buildings(Points):
    """Buildings, whose doorplates tell a mislabelled datum (the crs_mismatch check)."""

    def prepare(self, conn: psycopg.Connection, ctx: Context) -> None:
        """Grids and zones as for any point, and the standard addresses' positions."""
        super().prepare(conn, ctx)
        # three arrays in binary, not a Python tuple per address: a tenth of a second at county scale
        with conn.cursor(binary=True) as cur:
            row = cur.execute(
                "select array_agg(address_code), array_agg(st_x(geom)), array_agg(st_y(geom)) "
                "from core.standard_addresses"
            ).fetchone()
        codes, xs, ys = row if row is not None and row[0] is not None else ([], [], [])
        ctx.address_points = pd.DataFrame(
            {"x": np.array(xs, dtype=float), "y": np.array(ys, dtype=float)},
            index=pd.Index(codes, dtype="str", name="address_code"),
        )
