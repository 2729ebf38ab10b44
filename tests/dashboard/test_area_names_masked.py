"""An area's name and an address are a clerk's text from a file and name people: a police zone
after its community officer (老杨警务室), a grid after its worker (张三网格), a standard address in a
city village after its householder (张三屋后巷3号), a station's address likewise. A stored person's
or landlord's name (and a phone) in them reaches no map layer, search hit, page or list whole, and
searching the name does not find the place.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dash
import pytest
from sqlalchemy import Engine, text

from dashboard.context import AppContext
from dashboard.map import layers
from dashboard.queries import areas, elements
from tests.support.accounts import login
from tests.support.dash_calls import dash_call, key_of
from tests.support.planted import first_codes, stored_names, written

pytestmark = pytest.mark.db

PHONE = "13812345678"
# (table, code column, text column): every area text and address a page, layer or search shows
TEXTS = (
    ("core.police_stations", "station_code", "name"),
    ("core.police_stations", "station_code", "address"),
    ("core.police_zones", "zone_code", "name"),
    ("core.grids", "grid_code", "name"),
    ("core.standard_addresses", "address_code", "full_address"),
)


@pytest.fixture
def planted(core: Engine) -> Iterator[tuple[str, str, dict[str, str]]]:
    """A stored person's and a landlord's names written into a station, zone, grid and address; the
    codes planted."""
    with core.connect() as conn:
        person, landlord = stored_names(conn)
        # the address of a building, so the building's page and the buildings layer show it
        address = conn.execute(
            text("select address_code from core.buildings where address_code is not null order by 1 limit 1")
        ).scalar_one()
        codes = first_codes(conn, TEXTS, {"core.standard_addresses.full_address": address})
    named = {
        "core.police_stations.name": f"{person}派出所",
        "core.police_stations.address": f"{landlord}屋后巷{PHONE}号",
        "core.police_zones.name": f"{landlord}警务室",
        "core.grids.name": f"{person}网格",
        "core.standard_addresses.full_address": f"广东省广州市增城区荔城街道{person}屋后巷3号",
    }
    with written(core, TEXTS, codes, named):
        yield person, landlord, codes


def test_names_in_area_names_and_addresses_are_masked_everywhere_they_show(
    demo_app: dash.Dash,
    accounts: dict[str, Any],
    c: AppContext,
    core: Engine,
    planted: tuple[str, str, dict[str, str]],
) -> None:
    person, landlord, codes = planted
    scope = c.scope()
    station = codes["core.police_stations.name"]
    zone = codes["core.police_zones.name"]
    grid = codes["core.grids.name"]
    with core.connect() as conn:
        building, x, y = conn.execute(
            text(
                "select building_code, st_x(geom), st_y(geom) from core.buildings "
                "where address_code = :a order by 1 limit 1"
            ),
            {"a": codes["core.standard_addresses.full_address"]},
        ).one()
        served = conn.execute(
            text(
                "select (select name || ' ' || address from serve.stations where station_code = :s), "
                "(select name from serve.zones where zone_code = :z), "
                "(select name from serve.grids where grid_code = :g), "
                "(select full_address || ' ' || short_address from serve.buildings where building_code = :b)"
            ),
            {"s": station, "z": zone, "g": grid, "b": building},
        ).one()
    shown: dict[str, Any] = {f"serve {i}": v for i, v in enumerate(served)}
    shown["names"] = areas.names(c.url, scope)
    for layer in ("station", "zone", "grid"):
        shown[f"layer {layer}"] = layers.area_layer(c.url, scope, layer, 12)
    shown["buildings"] = layers.point_layer(
        c.url, scope, "buildings", 17, (x - 0.002, y - 0.002, x + 0.002, y + 0.002)
    )
    shown["building"] = elements.building(c.url, scope, building)
    for what in ("派出所", "警务室", "网格", "屋后巷", "屋后巷3号"):
        shown[f"search {what}"] = elements.search(c.url, scope, what, limit=50)
    client = demo_app.server.test_client()
    login(client, "leader")
    route = key_of(demo_app, "page.children")
    for path in (f"/station/{station}", f"/zone/{zone}", f"/grid/{grid}", f"/building/{building}"):
        status, shown[path] = dash_call(client, demo_app, route, {("url", "pathname"): path})
        assert status == 200, path
    flat = {what: str(body) for what, body in shown.items()}
    assert {
        what: body[:300] for what, body in flat.items() if person in body or landlord in body or PHONE in body
    } == {}
    # the planted names did reach what was read, masked: the scan could have failed
    masked_person, masked_landlord = person[0] + "**", landlord[0] + "*"
    for what, word in (
        ("serve 0", f"{masked_person}派出所 {masked_landlord}屋后巷"),
        ("serve 1", f"{masked_landlord}警务室"),
        ("serve 2", f"{masked_person}网格"),
        ("serve 3", f"{masked_person}屋后巷3号"),
        ("names", f"{masked_landlord}警务室"),
        ("search 警务室", f"{masked_landlord}警务室"),
        ("search 屋后巷3号", f"{masked_person}屋后巷3号"),
        (f"/grid/{grid}", f"{masked_person}网格"),
    ):
        assert word in flat[what], what
    # typing the whole name finds nothing: the search is no oracle for it
    for whole in (f"{landlord}警务室", f"{person}网格", f"{person}屋后巷", f"{person}派出所"):
        hits = elements.search(c.url, scope, whole, limit=50)
        assert [h for h in hits if whole[:2] in str(h)] == [], whole
