"""What a map feature's popup says: a few key facts and links to the pages that exist for it.

A layer's fact names and link words go once in its GeoJSON's ``hideout["popup"]``; each feature
carries only its values (``facts``) and the codes its links open (``links``, None where it has
none), so a street view of a thousand buildings stays small. ``assets/onemap_map.js`` builds the
popup from both, as text, and keeps the page's period in every link.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from common.china import TZ
from common.codebook import EnumName, label

# a fact: (column of the layer's view, what the popup calls it, how its value is written)
Fact = tuple[str, str, Callable[[Any], str]]
# a link: (what it says, the page's path up to the code, column holding the code)
Link = tuple[str, str, str]


def _plain(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, datetime):
        return f"{value.astimezone(TZ):%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def _coded(enum: EnumName) -> Callable[[Any], str]:
    return lambda v: label(enum, v) or "—"


def _km2(value: Any) -> str:
    return "—" if value is None else f"{float(value) / 1e6:,.2f} 平方公里"


def _when(value: Any) -> str:
    # PostgreSQL's JSON writes a timestamp as ISO text
    return _plain(datetime.fromisoformat(value) if isinstance(value, str) else value)


def _online(value: Any) -> str:
    return "—" if value is None else ("在线" if value else "离线")


FACTS: dict[str, tuple[Fact, ...]] = {
    "station": (("address", "地址", _plain), ("duty_phone", "值班电话", _plain)),
    "zone": (("officer_count", "民警", _plain), ("auxiliary_count", "辅警", _plain)),
    "grid": (
        ("grid_kind", "类型", _coded("grid_kind")),
        ("worker_count", "网格员", _plain),
        ("area_m2", "面积", _km2),
    ),
    "smart_communities": (
        ("face_cameras", label("sensor_kind", "face_camera"), _plain),
        ("vehicle_cameras", label("sensor_kind", "vehicle_camera"), _plain),
        ("access_controls", label("sensor_kind", "access_control"), _plain),
        ("sensors_online", "感知设备在线", _plain),
    ),
    "cameras": (("online", "状态", _online),),
    "workstations": (
        ("staff_police", "民警", _plain),
        ("staff_grid", "网格员", _plain),
        ("opened_on", "启用", _plain),
    ),
    "buildings": (
        ("floors", "层数", _plain),
        ("building_use", "用途", _coded("building_use")),
        ("households", "户数", _plain),
    ),
    "rental_units": (
        ("registered_tenants", "登记租客", _plain),
        ("rent_kind", "出租方式", _coded("rent_kind")),
        ("area_m2", "面积（平方米）", _plain),
    ),
    "incidents": (("category_zh", "类别", _plain), ("reported_at", "报警时间", _when)),
    # an area's open items (drill pages' maps, dashboard/map/areamap.py)
    "open_items": (
        ("item_kind", "类型", _coded("item_kind")),
        ("card", "督办", _coded("card")),
        ("status_zh", "状态", _plain),
        ("since", "登记/发现", _when),
    ),
}
IN_GRID: Link = ("所在网格 ›", "/grid/", "grid_code")
LINKS: dict[str, tuple[Link, ...]] = {
    "station": (("派出所页面 ›", "/station/", "code"),),
    "zone": (("警务区页面 ›", "/zone/", "code"),),
    "grid": (("网格页面 ›", "/grid/", "code"), ("所属警务区 ›", "/zone/", "zone_code")),
    "smart_communities": (IN_GRID,),
    "cameras": (IN_GRID,),
    "workstations": (IN_GRID,),
    "buildings": (("楼栋页面 ›", "/building/", "code"), IN_GRID),
    "rental_units": (("所在楼栋 ›", "/building/", "building_code"), IN_GRID),
    "incidents": (IN_GRID,),
    "open_items": (IN_GRID,),
}


def columns(layer: str) -> list[str]:
    """The view's columns a layer's popups need besides its code (facts and linked codes)."""
    wanted = [f[0] for f in FACTS.get(layer, ())] + [k[2] for k in LINKS.get(layer, ())]
    return list(dict.fromkeys(c for c in wanted if c != "code"))


def legend(layer: str) -> dict[str, Any]:
    """The layer's part of every popup: fact names and links (words and paths), for its hideout."""
    return {
        "facts": [f[1] for f in FACTS.get(layer, ())],
        "links": [[k[0], k[1]] for k in LINKS.get(layer, ())],
    }


def values(layer: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """A feature's popup values from its row: ``facts`` as text, ``links`` as codes (None: no page)."""
    return {
        "facts": [write(row.get(col)) for col, _, write in FACTS.get(layer, ())],
        "links": [row.get(col) for _, _, col in LINKS.get(layer, ())],
    }
