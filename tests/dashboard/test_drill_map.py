"""A drill page's map of its area: its outline, its own child areas (a station's zones and grids, a
zone's grids, a grid's buildings) and its open items, nothing outside the viewer's scope; every code
and item of its tables links to a page on the period shown; the building page states its facts."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from dashboard.context import AppContext
from dashboard.periodbar import search_of
from dashboard.routes import render
from tests.support.accounts import chief
from tests.support.dash_calls import column
from tests.support.layouts import find, hrefs, text_of

pytestmark = pytest.mark.db

PAST = "?week=2026-W45"


def codes(layer: object) -> set[str]:
    return {f["properties"]["code"] for f in layer.data["features"]}  # type: ignore[attr-defined]


def test_a_station_page_maps_its_zones_grids_and_open_items(c: AppContext, core: Engine) -> None:
    station = min(column(core, "select station_code from core.police_stations"))
    page = render(c, f"/station/{station}", PAST)
    the_map = find(page, "area-map")
    assert the_map is not None and the_map.style["height"] == "420px"
    assert codes(find(the_map, "area-map-outline")) == {station}
    grids = set(column(core, "select grid_code from core.grids where station_code = :s", s=station))
    zones = set(column(core, "select zone_code from core.police_zones where station_code = :s", s=station))
    assert codes(find(the_map, "area-map-grids")) == grids
    assert codes(find(the_map, "area-map-zones")) == zones
    items = find(the_map, "area-map-items").data["features"]
    # open items of this station only, the ones the page's table lists among them
    mine = set(
        column(
            core,
            "select event_no from core.grid_events where station_code = :s union all "
            "select hazard_no from core.hazards where station_code = :s union all "
            "select dispute_no from core.disputes where station_code = :s",
            s=station,
        )
    )
    shown = {f["properties"]["code"] for f in items}
    listed = text_of(find(page, "drill-open-items"))
    assert shown and shown <= mine
    assert {f["properties"]["code"] for f in items if f["properties"]["code"] in listed}
    assert "起/平方公里" in text_of(find(page, "area-map-legend"))


def test_a_grid_page_maps_its_own_buildings(c: AppContext, core: Engine) -> None:
    grid = min(column(core, "select grid_code from core.grids where geom is not null"))
    the_map = find(render(c, f"/grid/{grid}", PAST), "area-map")
    own = set(column(core, "select building_code from core.buildings where grid_code = :g", g=grid))
    shown = codes(find(the_map, "area-map-buildings"))
    assert shown and shown <= own


def test_a_chief_sees_no_map_out_of_scope(c: AppContext, core: Engine) -> None:
    first, other = sorted(column(core, "select station_code from core.police_stations"))[:2]
    with c.acting_as(chief(first)):
        assert find(render(c, f"/station/{other}", PAST), "area-map") is None
        the_map = find(render(c, f"/station/{first}", PAST), "area-map")
        assert the_map is not None and codes(find(the_map, "area-map-outline")) == {first}


def test_codes_and_items_link_on_the_period(c: AppContext, core: Engine) -> None:
    q = search_of(c.period(PAST))
    station = min(column(core, "select station_code from core.police_stations"))
    page = render(c, f"/station/{station}", PAST)
    items = hrefs(find(page, "drill-open-items"))
    rows = len(find(page, "drill-open-items").children.children[1].children)
    # an item with a card opens its own page (督办), any other its grid's; its grid its grid's page
    assert items and all(h.startswith(("/grid/", "/item/")) and h.endswith(q) for h in items)
    assert any(h.startswith("/item/") for h in items) and any(h.startswith("/grid/") for h in items)
    assert len(items) == 2 * rows  # the item's number and its grid, on every row


def test_the_building_page_states_its_facts(c: AppContext, core: Engine) -> None:
    building = column(
        core,
        "select b.building_code from core.buildings b join core.access_daily d using (building_code) "
        "group by 1 order by count(*) desc, 1 limit 1",
    )[0]
    page = render(c, f"/building/{building}", PAST)
    facts = text_of(find(page, "building-facts"))
    for word in ("层数", "用途", "户数", "出租屋", "实有人口", "登记租客"):
        assert word in facts
    (floors,) = column(core, "select floors::text from core.buildings where building_code = :b", b=building)
    assert floors in facts
    gate = find(page, "building-access")
    assert gate is not None and "门禁" in text_of(page)


def test_a_town_page_maps_its_villages_and_grids(c: AppContext, core: Engine) -> None:
    town = min(column(core, "select town_code from core.grids where town_code is not null"))
    the_map = find(render(c, f"/town/{town}", PAST), "area-map")
    assert the_map is not None
    assert codes(find(the_map, "area-map-outline")) == {town}
    grids = set(column(core, "select grid_code from core.grids where town_code = :t", t=town))
    villages = set(column(core, "select distinct village_code from core.grids where town_code = :t", t=town))
    assert codes(find(the_map, "area-map-grids")) == grids
    assert codes(find(the_map, "area-map-villages")) == villages
    # each village's popup links to its page (the code it carries)
    assert all(
        f["properties"]["links"] == [f["properties"]["code"]]
        for f in find(the_map, "area-map-villages").data["features"]
    )
    items = {f["properties"]["code"] for f in find(the_map, "area-map-items").data["features"]}
    mine = set(column(core, "select event_no from core.grid_events where grid_code = any(:g)", g=list(grids)))
    mine |= set(column(core, "select hazard_no from core.hazards where grid_code = any(:g)", g=list(grids)))
    mine |= set(column(core, "select dispute_no from core.disputes where grid_code = any(:g)", g=list(grids)))
    assert items <= mine


def test_a_village_page_maps_its_grids(c: AppContext, core: Engine) -> None:
    village = min(column(core, "select village_code from core.grids where village_code is not null"))
    the_map = find(render(c, f"/village/{village}", PAST), "area-map")
    assert the_map is not None
    assert codes(find(the_map, "area-map-outline")) == {village}
    grids = set(column(core, "select grid_code from core.grids where village_code = :v", v=village))
    assert codes(find(the_map, "area-map-grids")) == grids
