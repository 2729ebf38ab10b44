"""Every text an agency's file delivers can carry a person's name: the kind of a grid event as its
clerk typed it (张三家漏水), a hazard's responsible department or batch (李四承包队), a road in a city
village (张三屋后巷), a village or town, a station's duty phone with its officer (张三 138…). The test
writes a stored person's or landlord's name into every text field of the data contract, on one row
of each kind, and reads every serve view (what every page, layer, search, wall and export reads) for
those rows: no name comes back whole. A field added to the contract is planted too, and so checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dash
import pytest
from sqlalchemy import Engine, text

from dashboard.context import AppContext
from dashboard.map import basemap
from dashboard.queries import areas
from etl.contract import KINDS
from tests.support.accounts import login
from tests.support.dash_calls import dash_call, key_of
from tests.support.planted import Text, stored_names, written

pytestmark = pytest.mark.db

# the names themselves (served through serve.mask_name), not texts that may hold one
NAME_COLUMNS = {("core.persons", "name"), ("core.rental_units", "landlord_name")}
# the row of a kind whose texts a page shows: one an element points to, so the views joining it show it
ROW_OF = {
    "core.grid_event_kinds": "select kind_code from core.grid_events order by event_no limit 1",
    "core.villages": "select village_code from core.grids where village_code is not null order by 1 limit 1",
    "core.towns": "select town_code from core.grids where town_code is not null order by 1 limit 1",
    "core.standard_addresses": "select min(address_code) from core.buildings",
}


def _texts() -> list[tuple[Text, str]]:
    """Every text field of the contract (its table, key and column) with its kind's name."""
    out = []
    for kind in KINDS.values():
        for f in kind.fields:
            if f.type == "text" and kind.key and (kind.table, f.name) not in NAME_COLUMNS:
                out.append(((kind.table, kind.key, f.name), kind.name))
    return out


@pytest.fixture
def planted(core: Engine) -> Iterator[tuple[str, str, dict[str, str], dict[str, str]]]:
    """A stored name written into every text field of the contract; the names, the values written
    (by ``table.column``) and the row of each table (by its key column)."""
    texts = _texts()
    with core.connect() as conn:
        person, landlord = stored_names(conn)
        rows: dict[str, tuple[str, str]] = {}
        for (table, key, _), _kind in texts:
            sql = ROW_OF.get(table, f"select {key} from {table} order by {key} limit 1")
            rows[table] = (key, str(conn.execute(text(sql)).scalar_one()))
    codes = {f"{t}.{col}": rows[t][1] for (t, _, col), _ in texts}
    values = {
        f"{t}.{col}": f"{person if n % 2 else landlord}{'家漏水' if n % 3 else '承包队'}"
        for n, ((t, _, col), _) in enumerate(texts)
    }
    with written(core, [t for t, _ in texts], codes, values):
        yield person, landlord, values, {key: code for key, code in rows.values()}


def _serve_rows(core: Engine, keys: dict[str, str]) -> dict[str, str]:
    """Each serve view's rows that hold a planted row (by any of its key columns), as text."""
    out: dict[str, str] = {}
    with core.connect() as conn:
        columns: dict[str, list[str]] = {}
        for view, column in conn.execute(
            text(
                "select table_name, column_name from information_schema.columns "
                "where table_schema = 'serve' order by table_name, ordinal_position"
            )
        ):
            columns.setdefault(view, []).append(column)
        for view, cols in columns.items():
            conds = [f"{c}::text = :{c}" for c in cols if c in keys]
            params: dict[str, Any] = {c: keys[c] for c in cols if c in keys}
            if view == "search_index":
                conds, params = ["code = any(:codes)"], {"codes": list(keys.values())}
            shown = ", ".join(c for c in cols if c != "geom")
            where = " or ".join(conds) or "true"
            found = conn.execute(text(f"select {shown} from serve.{view} where {where}"), params).all()
            out[view] = str([tuple(r) for r in found])
    return out


def test_a_name_in_any_text_of_a_file_is_masked_in_every_view_page_and_map_label(
    demo_app: dash.Dash,
    accounts: dict[str, Any],
    c: AppContext,
    core: Engine,
    planted: tuple[str, str, dict[str, str], dict[str, str]],
) -> None:
    person, landlord, values, keys = planted
    shown = _serve_rows(core, keys)
    scope = c.scope()
    with core.connect() as conn:
        x0, y0, x1, y1 = conn.execute(
            text("select st_xmin(e), st_ymin(e), st_xmax(e), st_ymax(e) from (select st_extent(geom) as e "
                 "from core.roads where road_code = :r) as b"),
            {"r": keys["road_code"]},
        ).one()  # fmt: skip
        vx, vy = conn.execute(
            text("select st_x(c), st_y(c) from (select st_pointonsurface(geom) as c from core.villages "
                 "where village_code = :v) as p"),
            {"v": keys["village_code"]},
        ).one()  # fmt: skip
    shown["road labels"] = str(basemap.labels(c.url, 16, (x0 - 0.01, y0 - 0.01, x1 + 0.01, y1 + 0.01)))
    shown["village labels"] = str(basemap.labels(c.url, 15, (vx - 0.02, vy - 0.02, vx + 0.02, vy + 0.02)))
    shown["town labels"] = str(basemap.labels(c.url, 11, None))
    shown["towns"] = str(areas.towns(c.url, scope))
    shown["names"] = str(areas.names(c.url, scope))
    client = demo_app.server.test_client()
    login(client, "leader")
    route = key_of(demo_app, "page.children")
    with core.connect() as conn:
        grid, station = conn.execute(
            text("select grid_code, station_code from core.grids where village_code = :v order by 1 limit 1"),
            {"v": keys["village_code"]},
        ).one()
        hazard_station = conn.execute(
            text("select station_code from core.hazards where hazard_no = :h"), {"h": keys["hazard_no"]}
        ).scalar_one()
    for path in (
        f"/grid/{grid}",
        f"/station/{station}",
        f"/station/{hazard_station}",
        f"/village/{keys['village_code']}",
    ):
        status, body = dash_call(client, demo_app, route, {("url", "pathname"): path})
        assert status == 200, path
        shown[path] = str(body)

    def around(body: str) -> list[str]:
        at = [i for name in (person, landlord) for i in range(len(body)) if body.startswith(name, i)]
        return [body[max(i - 60, 0) : i + 20] for i in at[:3]]

    assert {what: around(body) for what, body in shown.items() if person in body or landlord in body} == {}
    # the planted texts did reach what was read, masked: the scan could have failed
    masked = {
        v: v.replace(person, person[0] + "**").replace(landlord, landlord[0] + "*") for v in values.values()
    }
    for what, field in (
        ("grid_events", "core.grid_event_kinds.name_zh"),
        ("hazards", "core.hazards.responsible_dept"),
        ("hazards", "core.hazards.hint_batch"),
        ("roads", "core.roads.name"),
        ("villages", "core.villages.name"),
        ("towns", "core.towns.name"),
        ("stations", "core.police_stations.duty_phone"),
        ("road labels", "core.roads.name"),
    ):
        assert masked[values[field]] in shown[what], (what, field)
