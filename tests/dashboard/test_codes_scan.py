"""No English code reaches a person: every page, callback, PDF and XLSX scanned for the codebook's codes.

Signed in as the leadership and as a station chief, the test opens every kind of page (map, wall,
quality, persons, audit, stations, zones, grids, buildings), runs every callback that writes text
a person reads (map layers with their tooltips, heat, choropleth, search, the wall's rotation and
refresh, audit, person search), and downloads each station's PDF and XLSX. The forbidden words are
the codebook's own codes (tests/support/codes.py): a new enum or code is scanned for without
changing this test. A finding names the place and the enums the word is a code of.
"""

from __future__ import annotations

import json
from typing import Any

import dash
import pytest
from sqlalchemy import Engine

from dashboard.layerfiles import STATIC_POINTS, url
from tests.support.accounts import login
from tests.support.codes import codes_in, findings, pdf_text, response_text, xlsx_text
from tests.support.dash_calls import column, dash_call, key_of

pytestmark = pytest.mark.db

WEEK = "2026-W47"


def scan(
    demo_app: dash.Dash, core: Engine, username: str, stations: list[str], audit: bool
) -> dict[str, str]:
    """Where → the readable text, of everything ``username`` can open in ``stations``."""
    client = demo_app.server.test_client()
    login(client, username)
    zones = column(
        core, "select zone_code from core.police_zones where station_code = any(:s) order by 1", s=stations
    )
    grids = column(
        core, "select grid_code from core.grids where station_code = any(:s) order by 1 limit 12", s=stations
    )
    buildings = column(
        core,
        "select b.building_code from core.buildings b join core.rental_units u using (building_code) "
        "where b.station_code = any(:s) group by 1 order by count(*) desc, 1 limit 6",
        s=stations,
    )
    texts: dict[str, str] = {}
    route = key_of(demo_app, "page.children")
    paths = ["/", "/wall", "/quality", "/persons", "/analysis"] + (["/audit"] if audit else [])
    paths += [f"/station/{s}" for s in stations] + [f"/zone/{z}" for z in zones]
    paths += [f"/grid/{g}" for g in grids] + [f"/building/{b}" for b in buildings]
    # the governance side of the same ground: its towns and a village of each
    places = column(
        core,
        "select distinct on (town_code) town_code || '/' || village_code from core.grids "
        "where station_code = any(:s) order by town_code, village_code",
        s=stations,
    )
    paths += (
        ["/towns"]
        + [f"/town/{p.split('/')[0]}" for p in places]
        + [f"/village/{p.split('/')[1]}" for p in places]
    )
    for path in paths:
        status, body = dash_call(client, demo_app, route, {("url", "pathname"): path})
        assert status == 200 and "not-found" not in body, (username, path)
        texts[path] = response_text(body)
    lon, lat = column(
        core,
        "select array[st_x(st_centroid(geom)), st_y(st_centroid(geom))] from core.buildings "
        "where building_code = :b",
        b=buildings[0],
    )[0]
    street = [[lat - 0.004, lon - 0.004], [lat + 0.004, lon + 0.004]]
    calls: dict[str, tuple[str, dict[tuple[str, str], Any]]] = {
        "areas of a station": (
            key_of(demo_app, "map-stations.url", "map-grids.url"),
            {("map-view", "zoom"): 13, ("map-selected-station", "data"): stations[0]},
        ),
        "station click": (
            key_of(demo_app, "map-selected-station.data", "map-selection.children"),
            {("map-stations", "clickData"): {"properties": {"code": stations[0]}}},
        ),
        "street points": (
            key_of(demo_app, "map-buildings.data"),
            {("map-view", "zoom"): 17, ("map-view", "bounds"): street},
        ),
        "wall refresh": (key_of(demo_app, "wall-figures.children"), {("wall-refresh", "n_intervals"): 1}),
    }
    for level in ("zone", "grid"):
        for metric in ("count", "rate", "wow"):
            calls[f"choropleth {level} {metric}"] = (
                key_of(demo_app, "map-choropleth.data"),
                {
                    ("map-choro-level", "value"): level,
                    ("map-choro-metric", "value"): metric,
                    ("map-heat-window", "value"): "week",
                    ("map-week-offset", "value"): 0,
                    ("map-view", "zoom"): 13,
                },
            )
    for kind in ("incidents", "risks"):
        calls[f"heat {kind}"] = (
            key_of(demo_app, "map-heat-legend.children"),
            {
                ("map-heat-kind", "value"): kind,
                ("map-heat-window", "value"): "week",
                ("map-week-offset", "value"): 0,
            },
        )
        calls[f"heat categories {kind}"] = (
            key_of(demo_app, "map-heat-cats.options"),
            {("map-heat-kind", "value"): kind},
        )
    for n in range(len(stations)):
        calls[f"wall rotation {n}"] = (
            key_of(demo_app, "wall-current.children"),
            {("wall-tick", "n_intervals"): n},
        )
    searches = [stations[0], zones[0], grids[0], buildings[0], "小区", "工作站", "村"]
    for q in searches:
        calls[f"search {q}"] = (
            key_of(demo_app, "map-search-results.children"),
            {("map-search-q", "value"): q},
        )
    if audit:
        for action in ("", "login", "view_persons", "search_persons", "export"):
            calls[f"audit {action or 'all'}"] = (
                key_of(demo_app, "audit-rows.children"),
                {("audit-action", "value"): action},
            )
    # a station chief searches people of their own stations (the leadership anyone's)
    calls["person search"] = (
        key_of(demo_app, "person-results.children"),
        {
            ("person-go", "n_clicks"): 1,
            ("person-q", "value"): column(
                core,
                "select name from core.persons where station_code = any(:s) order by 1 limit 1",
                s=stations,
            )[0],
            ("person-reason", "value"): "案件核查",
        },
    )
    for what, (key, values) in calls.items():
        status, body = dash_call(client, demo_app, key, values)
        assert status in (200, 204), (username, what, body[:300])
        texts[what] = response_text(body) if status == 200 else ""
        if what == "areas of a station":  # the outlines come as files the browser fetches
            texts[what] = " ".join(layer_text(client, u) for u in json.loads(body)["response"].values())
    # the grids' names at street zoom, and the static point layers the map page names by URL
    for name, zoom in (("grid-labels", 16), ("station-labels", 13), *((p, None) for p in STATIC_POINTS)):
        texts[name] = layer_text(client, {"url": url(name, zoom, stations[0] if zoom == 16 else None)})
    assert "·" in texts["grid-labels"], username
    for station in stations:
        pdf = client.get(f"/download/weekly/{station}.pdf?week={WEEK}")
        xlsx = client.get(f"/download/weekly/{station}.xlsx?week={WEEK}")
        assert pdf.status_code == xlsx.status_code == 200, (username, station)
        texts[f"{station}.pdf"] = pdf_text(pdf.data)
        texts[f"{station}.xlsx"] = xlsx_text(xlsx.data)
    return texts


def layer_text(client: Any, output: dict[str, str]) -> str:
    """The readable text of the layer file a callback named (``{"url": …}``)."""
    resp = client.get(output["url"])
    assert resp.status_code == 200, output
    return response_text(json.dumps({"response": {"layer": {"data": resp.get_json()}}}))


def test_no_page_or_export_shows_an_english_code(
    demo_app: dash.Dash, accounts: dict[str, Any], core: Engine
) -> None:
    stations = column(core, "select station_code from core.police_stations order by 1")
    leader = scan(demo_app, core, "leader", stations, audit=True)
    chief = scan(demo_app, core, "chief_a", list(accounts["chief_a"].stations), audit=False)
    texts = {**{f"leader {k}": v for k, v in leader.items()}, **{f"chief {k}": v for k, v in chief.items()}}
    # the scan read what a person reads: names, figures, tooltips, table cells, report text
    assert all(texts[f"leader {p}"] for p in ("/", "/wall", "/audit", f"{stations[0]}.pdf"))
    assert "出租屋" in texts[f"leader {stations[0]}.xlsx"] or "网格" in texts[f"leader {stations[0]}.xlsx"]
    assert "（" in texts["leader areas of a station"]  # the outlines' tooltips: name（code）
    # grids are named with their village wherever a person reads them: the wall's ranking, tables
    assert "·第" in texts["leader wall refresh"] and "·第" in texts[f"leader /station/{stations[0]}"]
    assert "共 " in texts["chief person search"] and "性别" in texts["chief person search"]
    assert findings(texts) == {}


def test_the_scan_finds_codes_where_a_person_reads_them() -> None:
    # every enum's codes are forbidden, found as words of their own, not inside other words or codes
    assert codes_in("类型 estate · 性别 M · 卡口 vehicle_checkpoint") == ["estate", "M", "vehicle_checkpoint"]
    assert codes_in("2F surface B440118 leadership None") == ["leadership", "None"]
    assert codes_in("用户名：t-a-lock-holds-for-the-address-t；角色：grid_worker") == ["grid_worker"]
    body = (
        '{"response": {"t": {"children": [{"type": "Td", "namespace": "dash_html_components",'
        ' "props": {"children": "shared", "id": "face", "className": "whole"}}]},'
        ' "m": {"data": {"type": "FeatureCollection", "features": [{"properties": {"code": "x",'
        ' "tooltip": "摄像头 · urban"}}]}}}}'
    )
    assert findings({"page": response_text(body)}) == {"page": ["shared (rent_kind)", "urban (ring)"]}
