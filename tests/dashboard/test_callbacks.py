"""The map's and the wall's callbacks called with real data; numbers checked against SQL of the test's own."""

from __future__ import annotations

import base64
import io
import json
import re
from datetime import datetime
from typing import Any

import dash
import numpy as np
import pytest
import shapely
import shapely.geometry
from PIL import Image
from sqlalchemy import Engine, text

from dashboard.app import create_app
from dashboard.context import AppContext
from dashboard.map import playlist
from dashboard.map.choropleth import choropleth
from dashboard.map.heat import heat_categories, heat_layer
from dashboard.map.labels import grid_labels
from dashboard.map.layers import MAX_POINTS, POINT_LAYERS, TIMED, area_layers, point_layers
from dashboard.map.navigate import fly_to, search
from dashboard.pages import mapview, wall
from dashboard.queries import areas, indicators
from dashboard.routes import render
from dashboard.settings import DashboardSettings
from tests.support.accounts import DEMO_UNTIL, SECRET, chief, login
from tests.support.dash_calls import column

pytestmark = pytest.mark.db

W0, W1 = "2026-11-16 00:00+08", "2026-11-23 00:00+08"  # the demo's last week
F0 = "2026-10-26 00:00+08"  # four weeks back


def scalar(core: Engine, sql: str, **params: Any) -> Any:
    with core.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def test_heat_counts_the_incidents_of_the_window(c: AppContext, core: Engine) -> None:
    heat = heat_layer(c, c.period(), "incidents", None, "week", 0, None, None)
    want = scalar(
        core, f"select count(*) from core.incidents where reported_at >= '{W0}' and reported_at < '{W1}'"
    )
    assert heat["total"] == want > 0
    png = Image.open(io.BytesIO(base64.b64decode(heat["url"].split(",", 1)[1])))
    assert png.format == "PNG" and "transparency" in png.info  # a palette with alpha
    alpha = np.asarray(png.convert("RGBA"))[:, :, 3]
    assert (alpha > 0).mean() > 0.005  # something is drawn …
    assert (alpha == 0).mean() > 0.3  # … and not everything
    (s, w), (n, e) = heat["bounds"]
    assert s < n and w < e
    top = column(core, "select category from core.incidents group by 1 order by count(*) desc limit 1")[0]
    one = heat_layer(c, c.period(), "incidents", [top], "4w", 0, None, None)
    want = scalar(
        core,
        f"select count(*) from core.incidents where category = :cat and reported_at >= '{F0}' "
        f"and reported_at < '{W1}'",
        cat=top,
    )
    assert one["total"] == want > 0


def test_risk_heat_weighs_hazards_disputes_and_alerts(c: AppContext, core: Engine) -> None:
    heat = heat_layer(c, c.period(), "risks", None, "custom", 0, "2026-10-26", "2026-11-22")
    want = scalar(
        core,
        f"""
        select (select count(*) from core.hazards where found_at >= '{F0}' and found_at < '{W1}')
             + (select coalesce(sum(case when risk_level = 'high' then 3 else 1 end), 0) from core.disputes
                where found_at >= '{F0}' and found_at < '{W1}')
             + (select 2 * count(*) from core.alerts where detected_at >= '{F0}' and detected_at < '{W1}')
        """,
    )
    assert heat["total"] == want > 0


def test_playback_moves_the_window_a_week_at_a_time(c: AppContext, core: Engine) -> None:
    totals = [
        heat_layer(c, c.period(), "incidents", None, "week", k, None, None)["total"] for k in (0, -1, -2)
    ]
    want = [
        scalar(
            core,
            "select count(*) from core.incidents where reported_at >= :a and reported_at < :b",
            a=f"2026-11-{16 - 7 * k:02d} 00:00+08",
            b=f"2026-11-{23 - 7 * k:02d} 00:00+08",
        )
        for k in (0, 1, 2)
    ]
    assert totals == want


def test_choropleth_counts_per_grid(c: AppContext, core: Engine) -> None:
    fc, legend = choropleth(c, c.period(), "grid", "count", "week", 0, None, None, 12)
    got = {f["properties"]["code"]: f["properties"]["value"] for f in fc["features"]}
    assert {len(f["properties"]["style"]) for f in fc["features"]} == {1}  # only the fill differs
    with core.connect() as conn:
        want = dict(
            conn.execute(
                text(
                    "select g.grid_code, count(i.incident_no) from core.grids g left join core.incidents i "
                    f"on i.grid_code = g.grid_code and i.reported_at >= '{W0}' and i.reported_at < '{W1}' "
                    "group by 1"
                )
            ).all()
        )
    assert got == {k: float(v) for k, v in want.items()}
    # the legend names the measure and carries the class breaks, each with how many grids it has
    assert "警情数" in legend["title"]
    assert sum(k["n"] for k in legend["classes"]) == len(fc["features"])
    top = max(got.values())
    assert any(k["text"].startswith("≥") for k in legend["classes"]) and f"{top * 4 / 5:,.0f}" in str(legend)
    rate, _ = choropleth(c, c.period(), "zone", "rate", "week", 0, None, None, 12)
    zone = max(rate["features"], key=lambda f: f["properties"]["value"] or 0)["properties"]
    n = scalar(
        core,
        f"select count(*) from core.incidents where zone_code = :z and reported_at >= '{W0}' "
        f"and reported_at < '{W1}'",
        z=zone["code"],
    )
    people = scalar(core, "select count(*) from core.persons where zone_code = :z", z=zone["code"])
    assert zone["value"] == pytest.approx(n * 1000 / people)


def test_clicking_a_station_brings_its_zones_and_grids(c: AppContext, core: Engine) -> None:
    stations, zones, grids = area_layers(c, 11, None)
    assert len(stations["features"]) == scalar(core, "select count(*) from core.police_stations")
    assert zones["features"] == grids["features"] == []
    code = stations["features"][0]["properties"]["code"]
    _, zones, grids = area_layers(c, 13, code)
    assert sorted(f["properties"]["code"] for f in zones["features"]) == column(
        core, "select zone_code from core.police_zones where station_code = :s order by 1", s=code
    )
    assert sorted(f["properties"]["code"] for f in grids["features"]) == column(
        core, "select grid_code from core.grids where station_code = :s order by 1", s=code
    )


def test_many_points_only_in_view_at_street_zoom(c: AppContext, core: Engine) -> None:
    untimed = [k for k in POINT_LAYERS if k not in TIMED]
    layers = dict(zip(untimed, point_layers(c, 12, None), strict=True))
    assert layers["buildings"]["features"] == [] and layers["rental_units"]["features"] == []
    assert len(layers["cameras"]["features"]) == scalar(core, "select count(*) from core.cameras")
    # a street-sized box where the window's incidents are densest (wherever the demo's ground put it)
    x0, y0 = scalar(
        core,
        "select array[floor(st_x(geom) / 0.02) * 0.02, floor(st_y(geom) / 0.02) * 0.02] from core.incidents "
        f"where reported_at >= '{W0}' and reported_at < '{W1}' group by 1 order by count(*) desc, 1 limit 1",
    )
    x1, y1 = x0 + 0.02, y0 + 0.02
    near = dict(zip(untimed, point_layers(c, 16, [[y0, x0], [y1, x1]]), strict=True))
    want = scalar(
        core,
        "select count(*) from core.buildings where geom && st_makeenvelope(:a, :b, :c, :d, 4326)",
        a=x0,
        b=y0,
        c=x1,
        d=y1,
    )
    assert len(near["buildings"]["features"]) == min(want, MAX_POINTS) > 0
    # incidents: those of the time window, one point each, in view at street zoom only
    window = (datetime.fromisoformat(W0), datetime.fromisoformat(W1))
    assert point_layers(c, 14, [[y0, x0], [y1, x1]], ["incidents"], window)[0]["features"] == []
    incidents = point_layers(c, 16, [[y0, x0], [y1, x1]], ["incidents"], window)[0]["features"]
    want = scalar(
        core,
        "select count(*) from core.incidents where geom && st_makeenvelope(:a, :b, :c, :d, 4326) "
        f"and reported_at >= '{W0}' and reported_at < '{W1}'",
        a=x0,
        b=y0,
        c=x1,
        d=y1,
    )
    assert len(incidents) == want > 0
    assert all(f["properties"]["facts"][1].startswith("2026-11-") for f in incidents)  # when, in words


def test_search_finds_codes_and_forgives_a_typo(c: AppContext, core: Engine) -> None:
    grid = column(core, "select grid_code from core.grids order by 1 limit 1")[0]
    assert search(c, grid)[0]["code"] == grid
    name, code = column(
        core, "select name || '|' || workstation_code from core.workstations order by 1 limit 1"
    )[0].split("|")
    assert any(h["code"] == code for h in search(c, name))
    typo = name[:-2] + "X" + name[-1]  # one character wrong
    assert any(h["code"] == code for h in search(c, typo))
    viewport, highlight = fly_to(c, "grid", grid)
    assert viewport["transition"] == "flyToBounds" and highlight["features"][0]["properties"]["code"] == grid


def test_the_wall_goes_through_its_playlist(c: AppContext, core: Engine) -> None:
    names = column(core, "select name from core.police_stations order by station_code")
    views = playlist.playlist(c)
    assert [v.kind for v in views] == ["area", *["station"] * len(names), "red_cards", "hot_spots"]
    assert {v.seconds for v in views} == {c.settings.wall_rotate_seconds}
    shown = [playlist.rotation(c, n, c.period())[1] for n in range(len(views) + 1)]
    assert shown == ["全域", *names, "红牌督办", "警情热点网格", "全域"]
    hot = indicators.grid_ranking(c.url, c.scope(), c.period(), limit=8)
    for n in (len(names) + 1, len(names) + 2):  # red cards, hot spots: fly to the grids they light up
        viewport, _, panel, focus = playlist.rotation(c, n, c.period())
        assert panel and focus["features"]
        x0, y0, x1, y1 = shapely.total_bounds(
            [shapely.geometry.shape(f["geometry"]) for f in focus["features"]]
        )
        (s, w), (n_, e) = viewport["bounds"]
        assert s < y0 < y1 < n_ and w < x0 < x1 < e
    assert {f["properties"]["code"] for f in focus["features"]} == {r["grid_code"] for r in hot}


def test_the_wall_map_names_its_stations_and_scales_its_heat(c: AppContext, core: Engine) -> None:
    outlines = area_layers(c, 11, None)[0]
    labels = wall.station_labels(c, outlines)
    names = column(core, "select name from core.police_stations order by station_code")
    assert sorted(f["properties"]["label"] for f in labels["features"]) == sorted(names)
    for label, outline in zip(labels["features"], outlines["features"], strict=True):
        inside = shapely.geometry.shape(outline["geometry"])
        assert inside.contains(shapely.geometry.shape(label["geometry"]))
    week_heat = heat_layer(c, c.period(), "incidents", None, "week", 0, None, None)
    shown = str(wall.legend(week_heat))
    top = week_heat["scale"]
    assert top and f"≥{top:,.1f}" in shown and f"{top / 2:,.1f}" in shown and "起/平方公里" in shown
    off = str(wall.legend(heat_layer(c, c.period(), "off", None, "week", 0, None, None)))
    assert "热力已关闭" in off


def test_the_wall_playlist_is_configurable() -> None:
    s = DashboardSettings(wall_playlist="hot_spots:45, area", wall_rotate_seconds=12)
    assert s.wall_views() == [("hot_spots", 45), ("area", 12)]
    for bad in ("area,everything", "area:2", "area:x"):
        with pytest.raises(ValueError, match="ONEMAP_WALL_PLAYLIST"):
            DashboardSettings(wall_playlist=bad)


def test_station_score_follows_its_weights(c: AppContext, core: Engine) -> None:
    week = c.period()
    rows = indicators.station_scores(c.url, c.scope(), week, c.settings.score_weights())
    with core.connect() as conn:
        stations = conn.execute(text("select count(*) from core.police_stations")).scalar_one()
    assert len(rows) == stations and all(0 <= r["score"] <= 100 for r in rows)
    for r in rows:
        expect = 100 * (0.5 * r["base_work"] + 0.3 * r["incident_control"] + 0.2 * r["daily_management"])
        assert r["score"] == pytest.approx(expect, abs=0.05)
    only_base = indicators.station_scores(
        c.url, c.scope(), week, {"base_work": 1, "incident_control": 0, "daily_management": 0}
    )
    assert {r["station_code"]: r["score"] for r in only_base} == {
        r["station_code"]: pytest.approx(100 * r["base_work"], abs=0.05) for r in rows
    }


def test_a_stations_scope_holds_in_every_callback(c: AppContext, core: Engine) -> None:
    a, b = column(core, "select station_code from core.police_stations order by 1 limit 2")
    mine = c
    with c.acting_as(chief(a)):
        heat = heat_layer(mine, mine.period(), "incidents", None, "week", 0, None, None)
        want = scalar(
            core,
            f"select count(*) from core.incidents where station_code = :a and reported_at >= '{W0}' "
            f"and reported_at < '{W1}'",
            a=a,
        )
        assert heat["total"] == want
        stations, zones, grids = area_layers(mine, 13, b)  # a click forged for the other station
        assert [f["properties"]["code"] for f in stations["features"]] == [a]
        assert zones["features"] == grids["features"] == []
        b_grid = column(core, "select grid_code from core.grids where station_code = :b limit 1", b=b)[0]
        assert search(mine, b_grid) == []
        assert "not-found" in json.dumps(render(mine, f"/grid/{b_grid}").to_plotly_json(), default=str)
        assert "not-found" in json.dumps(render(mine, f"/station/{b}").to_plotly_json(), default=str)
        choro, _ = choropleth(mine, mine.period(), "grid", "count", "week", 0, None, None, 12)
        in_a = set(column(core, "select grid_code from core.grids where station_code = :a", a=a))
        assert {f["properties"]["code"] for f in choro["features"]} == in_a
        assert {v.station for v in playlist.playlist(mine) if v.kind == "station"} == {a}
        for n in range(len(playlist.playlist(mine))):
            focus = playlist.rotation(mine, n, mine.period())[3]
            assert {f["properties"]["code"] for f in focus["features"]} <= in_a


def test_every_map_view_is_under_a_megabyte(c: AppContext) -> None:
    sizes = {
        "layout": len(json.dumps(mapview.layout(c, c.period()).to_plotly_json(), default=str)),
        "heat": len(json.dumps(heat_layer(c, c.period(), "incidents", None, "4w", 0, None, None))),
        "areas": len(json.dumps(area_layers(c, 13, areas.stations(c.url, c.scope())[0]["station_code"]))),
        "choropleth": len(json.dumps(choropleth(c, c.period(), "grid", "wow", "week", 0, None, None, 12))),
        "points": len(json.dumps(point_layers(c, 16, [[23.2, 113.7], [23.4, 113.95]]))),
    }
    assert max(sizes.values()) < 1_000_000, sizes


def test_callbacks_answer_over_http(demo_app: dash.Dash, core: Engine, accounts: dict[str, Any]) -> None:
    """The same callbacks as the browser reaches them: POST /_dash-update-component."""
    client = demo_app.server.test_client()
    assert login(client, "leader").status_code == 302
    assert client.get("/").status_code == 200
    payload = {
        "output": "..map-heat.url...map-heat.bounds...map-heat-legend.children...map-play-week.children"
        "...map-print-period.children..",
        "outputs": [{"id": "map-heat", "property": p} for p in ("url", "bounds")]
        + [
            {"id": "map-heat-legend", "property": "children"},
            {"id": "map-play-week", "property": "children"},
            {"id": "map-print-period", "property": "children"},
        ],
        "inputs": [
            {"id": "map-heat-kind", "property": "value", "value": "incidents"},
            {"id": "map-heat-cats", "property": "value", "value": None},
            {"id": "map-heat-window", "property": "value", "value": "week"},
            {"id": "map-week-offset", "property": "value", "value": 0},
            {"id": "map-heat-range", "property": "start_date", "value": None},
            {"id": "map-heat-range", "property": "end_date", "value": None},
            {"id": "map-choro-level", "property": "value", "value": "none"},
            {"id": "map-heat-over", "property": "value", "value": []},
        ],
        "changedPropIds": ["map-heat-kind.value"],
        "state": [{"id": "url", "property": "search", "value": "?week=2026-W47"}],
    }
    resp = client.post("/_dash-update-component", json=payload)
    assert resp.status_code == 200, resp.data[:500]
    body = resp.get_json()["response"]
    assert body["map-heat"]["url"].startswith("data:image/png;base64,")
    want = scalar(
        core, f"select count(*) from core.incidents where reported_at >= '{W0}' and reported_at < '{W1}'"
    )
    legend = json.dumps(body["map-heat-legend"], ensure_ascii=False)
    assert f"共{want:,}" in legend
    # the playback's line and the print view's head name the days the heat counts
    assert body["map-play-week"]["children"] == body["map-print-period"]["children"]
    assert "11月16日—11月22日" in legend and "11月16日—11月22日" in body["map-print-period"]["children"]
    # its scale carries numbers: five densities per km², the top one drawn full red
    ticks = re.findall(r'"children": "(≥?[0-9][0-9,.]*)"', legend)
    assert len(ticks) == 5 and ticks[0] == "0" and ticks[-1].startswith("≥") and "起/平方公里" in legend


def test_grid_codes_show_from_street_zoom(c: AppContext) -> None:
    station = areas.stations(c.url, c.scope())[0]["station_code"]
    _, _, grids = area_layers(c, 14, station)
    assert grid_labels(12, grids)["features"] == []
    labels = grid_labels(14, grids)["features"]
    assert sorted(f["properties"]["code"] for f in labels) == sorted(
        f["properties"]["code"] for f in grids["features"]
    )


def test_risk_heat_filters_by_its_own_categories(c: AppContext, core: Engine) -> None:
    options, _, placeholder = heat_categories(c, "risks")
    assert {o["value"] for o in options} == {"hazard", "dispute", "alert"} and "风险" in placeholder
    only = heat_layer(c, c.period(), "risks", ["hazard"], "4w", 0, None, None)
    want = scalar(core, f"select count(*) from core.hazards where found_at >= '{F0}' and found_at < '{W1}'")
    assert only["total"] == want > 0


def test_a_gcj02_basemap_shifts_every_overlay(demo_db: tuple[str, str], c: AppContext) -> None:
    """Overlays move by the GCJ-02 offset (some hundreds of metres here) to sit on a GCJ-02 basemap."""
    gcj = create_app(
        demo_db[1], SECRET, DashboardSettings(as_of=DEMO_UNTIL, cache_seconds=0, basemap_crs="GCJ02")
    ).onemap
    wgs, shifted = area_layers(c, 11, None)[0], area_layers(gcj, 11, None)[0]
    a = shapely.get_coordinates(shapely.geometry.shape(wgs["features"][0]["geometry"]))[0]
    b = shapely.get_coordinates(shapely.geometry.shape(shifted["features"][0]["geometry"]))[0]
    dx, dy = (b - a) * [102_000, 111_000]  # metres per degree here, roughly
    assert 200 < np.hypot(dx, dy) < 1000
    from common.coords import from_wgs84

    # overlays at zoom 11 keep 5 decimals (about a metre); a comes rounded too, so compare to 1e-5

    assert b == pytest.approx(
        np.array(from_wgs84(np.array([a[0]]), np.array([a[1]]), "GCJ02")).ravel(), abs=1e-5
    )
    heat_w = heat_layer(c, c.period(), "incidents", None, "week", 0, None, None)
    heat_g = heat_layer(gcj, gcj.period(), "incidents", None, "week", 0, None, None)
    assert heat_w["total"] == heat_g["total"] and heat_w["bounds"] != heat_g["bounds"]


def test_playback_weeks_share_one_colour_scale(c: AppContext) -> None:
    frames = [heat_layer(c, c.period(), "incidents", None, "week", k, None, None) for k in (0, -1, -5)]
    scales = {f["scale"] for f in frames}
    assert len(scales) == 1 and next(iter(scales)) > 0
    assert heat_layer(c, c.period(), "incidents", None, "4w", 0, None, None)["scale"] is None  # its own peak
