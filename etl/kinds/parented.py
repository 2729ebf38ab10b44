"""Kinds located through their building (rental units, gate devices) or their unit (persons).

They have no coordinates of their own: the upsert takes position, district and the three area
codes from the parent row already in core, so they follow the parent's attribution.
"""

from __future__ import annotations

from psycopg import sql

from etl.kinds.base import KindLoading
from etl.sql import read_sql
from etl.tables import ATTRIBUTION

_FROM_PARENT = ["district_code", "geom", *ATTRIBUTION]
# a person's derived columns: where they live (their unit's building wins over a building given
# directly) and what their ID number tells
_PERSON_DERIVED = {
    "building_code": "p.building_code",
    "district_code": "p.district_code",
    "geom": "coalesce(u.geom, p.geom)",
    "grid_code": "coalesce(u.grid_code, p.grid_code)",
    "zone_code": "coalesce(u.zone_code, p.zone_code)",
    "station_code": "coalesce(u.station_code, p.station_code)",
    "birth_date": "to_date(substr(s.id_number, 7, 8), 'YYYYMMDD')",
    "hukou_division_code": "substr(s.id_number, 1, 6)",
}
_GENDER_FROM_ID = (
    "coalesce(s.gender, case when mod(substr(s.id_number, 17, 1)::int, 2) = 1 then 'M' else 'F' end)"
)


class AtBuilding(KindLoading):
    """Rows that lie in their building: its position, district and area codes."""

    upsert_joins = "join core.buildings p on p.building_code = s.building_code"

    def upsert_columns(self) -> list[tuple[str, sql.Composable]]:
        """The staged fields, then the building's position and codes."""
        return super().upsert_columns() + [
            (c, sql.SQL("p.{}").format(sql.Identifier(c))) for c in _FROM_PARENT
        ]


class Persons(KindLoading):
    """Persons, placed at their rental unit if they have one, else at their building."""

    upsert_joins = read_sql("person_parent.sql")

    def upsert_columns(self) -> list[tuple[str, sql.Composable]]:
        """The staged fields (gender from the ID number when empty), then where they live."""
        columns = [(c, e) for c, e in super().upsert_columns() if c != "building_code"]
        columns = [(c, sql.SQL(_GENDER_FROM_ID) if c == "gender" else e) for c, e in columns]
        return columns + [(c, sql.SQL(e)) for c, e in _PERSON_DERIVED.items()]
