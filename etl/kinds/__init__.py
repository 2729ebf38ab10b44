"""Per-kind loading: which hooks (etl/kinds/base.py) each kind of the contract loads with.

A kind's family follows from its geometry; the kinds named in ``_SPECIAL`` add what only they need.
"""

from __future__ import annotations

from etl.contract import Kind
from etl.kinds.base import KindLoading, WithUniqueKeys
from etl.kinds.gate_events import GateEvents
from etl.kinds.lines import Lines
from etl.kinds.parented import AtBuilding, Persons
from etl.kinds.points import Buildings, Points
from etl.kinds.polygons import District, Polygons, ZoneGridPolygons

_BY_GEOMETRY: dict[str, type[KindLoading]] = {
    "none": KindLoading,
    "polygon": Polygons,
    "line": Lines,
    "point": Points,
}
_SPECIAL: dict[str, type[KindLoading]] = {
    "district": District,
    "police_zone": ZoneGridPolygons,
    "grid": ZoneGridPolygons,
    "building": Buildings,
    "rental_unit": AtBuilding,
    "access_device": AtBuilding,
    "person": Persons,
    "access_event": GateEvents,
    "grid_event_kind": WithUniqueKeys,
}


def loading_for(kind: Kind) -> KindLoading:
    """A fresh loading of ``kind`` (one per source load: it may keep state across chunks).

    Raises
    ------
    ValueError
        When the kind is located through a parent but no module says how.
    """
    cls = _SPECIAL.get(kind.name) or _BY_GEOMETRY.get(kind.geometry)
    if cls is None:
        raise ValueError(f"kind {kind.name} ({kind.geometry}) has no loading in etl/kinds")
    return cls(kind)


__all__ = ["KindLoading", "loading_for"]
