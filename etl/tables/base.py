"""The one MetaData of the warehouse's tables and the column shapes its declarations repeat.

Every geometry is EPSG:4326 (CGCS2000 treated as equal) and typed (a wrong SRID is refused);
codes, ID numbers and phones are text. GiST indexes are made by SQL (one loop over every
geometry column), so no declared geometry asks for one.
"""

from __future__ import annotations

from geoalchemy2 import Geometry
from sqlalchemy import Column, DateTime, ForeignKey, MetaData, Text

METADATA = MetaData()

SRID = 4326
# the codes of both hierarchies every located element carries, set by the loader's spatial join
ATTRIBUTION = ("grid_code", "zone_code", "station_code")
TIME = DateTime(timezone=True)


def point(name: str = "geom", nullable: bool = False) -> Column:
    """A point column in EPSG:4326.

    Parameters
    ----------
    name
        The column's name.
    nullable
        Whether the point may be missing.
    """
    return Column(name, Geometry("POINT", srid=SRID, spatial_index=False), nullable=nullable)


def area(name: str = "geom", nullable: bool = False) -> Column:
    """A multipolygon column in EPSG:4326 (SQL adds ``check (st_isvalid(...))``).

    Parameters
    ----------
    name
        The column's name.
    nullable
        Whether the area may be missing.
    """
    return Column(name, Geometry("MULTIPOLYGON", srid=SRID, spatial_index=False), nullable=nullable)


def line(name: str = "geom") -> Column:
    """A multilinestring column in EPSG:4326 (a road's centre line, in one or more parts).

    Parameters
    ----------
    name
        The column's name.
    """
    return Column(name, Geometry("MULTILINESTRING", srid=SRID, spatial_index=False), nullable=False)


def code(name: str, references: str, nullable: bool = False, ondelete: str | None = None) -> Column:
    """A text code that must name a row of another table.

    Parameters
    ----------
    name
        The column's name.
    references
        The referenced column, ``schema.table.column``.
    nullable
        Whether the reference may be missing.
    ondelete
        What deleting the referenced row does (``"CASCADE"``), if not refused.
    """
    return Column(name, Text, ForeignKey(references, ondelete=ondelete), nullable=nullable)


def district() -> Column:
    """The district a row belongs to (every core row has one)."""
    return code("district_code", "core.districts.district_code")


def attribution(with_grid: bool = True) -> list[Column]:
    """The attribution columns (a grid carries only its police zone and station).

    Parameters
    ----------
    with_grid
        Whether the row also carries the grid it lies in.
    """
    return [
        Column(name, Text, info={"attribution": True})
        for name in ATTRIBUTION
        if with_grid or name != "grid_code"
    ]
