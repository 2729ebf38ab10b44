"""A place's name is a clerk's text and names people: a building called 张三自建房, a camera at
李四便利店门口, a workstation after its officer, a compound after its landlord. A stored person's or
landlord's name (and a phone) in the name of a building, camera, workstation (and its theme),
compound, smart community or rental unit reaches no map layer, search hit, page or list whole; and
searching the name does not find the place, so the search cannot confirm it either.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dash
import pytest
from sqlalchemy import Engine, text

from dashboard.context import AppContext
from dashboard.map import basemap, layers
from dashboard.queries import elements
from tests.support.accounts import login
from tests.support.dash_calls import dash_call, key_of
from tests.support.planted import first_codes, stored_names, written

pytestmark = pytest.mark.db

PHONE = "13812345678"
# (table, code column, name column): every place whose name a page or layer shows
PLACES = (
    ("core.buildings", "building_code", "name"),
    ("core.cameras", "camera_code", "name"),
    ("core.workstations", "workstation_code", "name"),
    ("core.workstations", "workstation_code", "theme"),
    ("core.communities", "community_code", "name"),
    ("core.smart_communities", "smart_code", "name"),
    ("core.rental_units", "unit_code", "room_no"),
)


@pytest.fixture
def planted(core: Engine) -> Iterator[tuple[str, str, dict[str, str]]]:
    """A stored person's and a landlord's names written into one place of each kind; the places as
    they were afterwards."""
    with core.connect() as conn:
        person, landlord = stored_names(conn)
        codes = first_codes(conn, PLACES)
    named = {
        "core.buildings.name": f"{person}自建房",
        "core.cameras.name": f"{landlord}便利店门口{PHONE}",
        "core.workstations.name": f"{person}警务工作站",
        "core.workstations.theme": f"{landlord}调解室",
        "core.communities.name": f"{landlord}出租屋小区",
        "core.smart_communities.name": f"{person}智安小区",
        "core.rental_units.room_no": f"{person}房",
    }
    with written(core, PLACES, codes, named):
        yield person, landlord, codes


def _station_of(core: Engine, code: str) -> str:
    with core.connect() as conn:
        return str(
            conn.execute(
                text("select station_code from core.buildings where building_code = :c"), {"c": code}
            ).scalar_one()
        )


def test_names_inside_place_names_are_masked_on_the_map_in_search_and_pages(
    demo_app: dash.Dash,
    accounts: dict[str, Any],
    c: AppContext,
    core: Engine,
    planted: tuple[str, str, dict[str, str]],
) -> None:
    person, landlord, codes = planted
    scope = c.scope()
    shown: dict[str, Any] = {}
    for layer in ("cameras", "workstations", "smart_communities"):
        shown[layer] = layers.point_layer(c.url, scope, layer, 11, None)
    with core.connect() as conn:
        x, y = conn.execute(
            text("select st_x(geom), st_y(geom) from core.buildings where building_code = :c"),
            {"c": codes["core.buildings.name"]},
        ).one()
        cx, cy = conn.execute(
            text(
                "select st_x(st_centroid(geom)), st_y(st_centroid(geom)) from core.communities "
                "where community_code = :c"
            ),
            {"c": codes["core.communities.name"]},
        ).one()
    box = (x - 0.002, y - 0.002, x + 0.002, y + 0.002)
    shown["buildings"] = layers.point_layer(c.url, scope, "buildings", 17, box)
    with core.connect() as conn:
        ux, uy = conn.execute(
            text("select st_x(geom), st_y(geom) from core.rental_units where unit_code = :c"),
            {"c": codes["core.rental_units.room_no"]},
        ).one()
        # a building's name shows where it has no address to show instead: read as the views give it
        shown["serve.buildings"] = conn.execute(
            text("select name from serve.buildings where building_code = :c"),
            {"c": codes["core.buildings.name"]},
        ).scalar_one()
    unit_box = (ux - 0.001, uy - 0.001, ux + 0.001, uy + 0.001)
    shown["rental_units"] = layers.point_layer(c.url, scope, "rental_units", 17, unit_box)
    shown["place names"] = basemap.labels(c.url, 17, (cx - 0.01, cy - 0.01, cx + 0.01, cy + 0.01))
    shown["building"] = elements.building(c.url, scope, codes["core.buildings.name"])
    for what in ("自建房", "便利店门口", "警务工作站", "出租屋小区", "智安小区"):
        shown[f"search {what}"] = elements.search(c.url, scope, what, limit=50)
    client = demo_app.server.test_client()
    login(client, "leader")
    station = _station_of(core, codes["core.buildings.name"])
    route = key_of(demo_app, "page.children")
    for path in (f"/building/{codes['core.buildings.name']}", f"/station/{station}"):
        status, shown[path] = dash_call(client, demo_app, route, {("url", "pathname"): path})
        assert status == 200, path
    flat = {what: str(body) for what, body in shown.items()}
    assert {
        what: body for what, body in flat.items() if person in body or landlord in body or PHONE in body
    } == {}
    # the planted names did reach what was read, masked: the scan could have failed
    masked_person, masked_landlord = person[0] + "**", landlord[0] + "*"
    for what, word in (
        ("cameras", f"{masked_landlord}便利店门口"),
        ("workstations", f"{masked_person}警务工作站 · {masked_landlord}调解室"),
        ("smart_communities", f"{masked_person}智安小区"),
        ("serve.buildings", f"{masked_person}自建房"),
        ("rental_units", f"{masked_person}房"),
        ("search 出租屋小区", f"{masked_landlord}出租屋小区"),
        ("search 警务工作站", f"{masked_person}警务工作站"),
    ):
        assert word in flat[what], what
    # typing the whole name finds nothing: the search is no oracle for it
    for whole in (f"{landlord}出租屋小区", f"{person}智安小区", f"{person}警务工作站"):
        hits = elements.search(c.url, scope, whole, limit=50)
        assert [h for h in hits if whole[:2] in str(h)] == [], whole
