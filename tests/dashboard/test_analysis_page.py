"""What a person sees of the analysis (研判) comes from the tables the job after each load wrote:
the analysis page (hot spots by class with the codebook's names and links on the period shown, the
risk model's inputs and weights, the back-test's means), scoped to the viewer as row-level security
scopes the tables; the line on station and grid pages; the wall's new and intensifying hot spots;
and the weekly report's 研判 section."""

from __future__ import annotations

from statistics import fmean

import dash
import pytest
from sqlalchemy import Engine, text

from common.codebook import label
from dashboard.context import AppContext
from dashboard.db import fetch_all
from dashboard.map.playlist import RISING_LINES, rising_list
from dashboard.periodbar import carried
from dashboard.periods import Period, Week
from dashboard.queries import areas
from dashboard.reports.pdf import station_html, summary_html
from dashboard.reports.weekly import build_station, build_summary
from dashboard.routes import render
from dashboard.scope import Scope
from tests.support.accounts import chief
from tests.support.layouts import find, hrefs, text_of

pytestmark = pytest.mark.db

LAST = "?week=2026-W47"  # the demo's last full week: the last week analysed, and the default period
PAST = "?week=2026-W44"
HOT = (
    "new_hot",
    "intensifying_hot",
    "consecutive_hot",
    "persistent_hot",
    "sporadic_hot",
    "oscillating_hot",
    "diminishing_hot",
    "historical_hot",
)


def all_rows(core: Engine, sql: str, **params: object) -> list[dict[str, object]]:
    with core.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(sql), params)]


def grid_trends(core: Engine, station: str | None = None) -> list[dict[str, object]]:
    return all_rows(
        core,
        "select unit_code, hotspot_class, to_char(since_week, 'IYYY-\"W\"IW') as since, gi_z, station_code "
        "from core.hotspot_trends where scope_code = 'all' and unit_kind = 'grid' "
        "and (cast(:s as text) is null or station_code = :s)",
        s=station,
    )


def table_rows(component: object) -> list[list[str]]:
    """The cells' text of each body row of a ``dashboard.ui.table``."""
    body = component.children.children[1]  # type: ignore[attr-defined]
    return [[text_of(td) for td in tr.children] for tr in body.children]


def codes_in_column(rows: list[list[str]], col: int) -> list[str]:
    """The code in brackets of each row's cell (白石社区·第6网格（440118…）)."""
    return [r[col].rsplit("（", 1)[1].rstrip("）") for r in rows]


def test_the_page_lists_every_hot_grid_by_its_class_with_the_codebooks_names(
    c: AppContext, core: Engine
) -> None:
    page = render(c, "/analysis", LAST)
    rows = table_rows(find(page, "analysis-hot-grids"))
    truth = {r["unit_code"]: r for r in grid_trends(core) if r["hotspot_class"] in HOT}
    assert truth and sorted(codes_in_column(rows, 0)) == sorted(truth)
    for code, row in zip(codes_in_column(rows, 0), rows, strict=True):
        t = truth[code]
        assert row[1] == label("hotspot_class", str(t["hotspot_class"]))
        assert str(t["since"]) in row[3] and row[4] == f"{t['gi_z']:.2f}"
    # new and intensifying first: what a reader acts on
    order = [HOT.index(str(truth[code]["hotspot_class"])) for code in codes_in_column(rows, 0)]
    assert order == sorted(order)
    counts = {r[0]: r for r in table_rows(find(page, "analysis-class-counts"))}
    for cls in {str(t["hotspot_class"]) for t in truth.values()}:
        n = sum(1 for t in truth.values() if t["hotspot_class"] == cls)
        assert counts[label("hotspot_class", cls)][1] == str(n)


@pytest.mark.parametrize("search", [LAST, PAST], ids=["last-analysed", "earlier-week"])
def test_links_to_the_grids_carry_the_period(c: AppContext, search: str) -> None:
    q = carried(c, c.period(search))  # none for the default period, which links follow on
    page = render(c, "/analysis", search)
    links = [h for h in hrefs(find(page, "analysis-page")) if h.startswith("/grid/")]
    assert links and all(h == h.split("?")[0] + q for h in links)


def test_an_earlier_week_shows_its_own_gi_levels_not_later_classes(c: AppContext, core: Engine) -> None:
    page = render(c, "/analysis", PAST)
    rows = table_rows(find(page, "analysis-hot-grids"))
    truth = all_rows(
        core,
        "select unit_code, level from core.hotspot_weeks where scope_code = 'all' and unit_kind = 'grid' "
        "and week_start = '2026-10-26' and level <> 0",
    )
    assert truth and sorted(codes_in_column(rows, 0)) == sorted(str(t["unit_code"]) for t in truth)
    levels = {label("hotspot_level", str(t["level"])) for t in truth}
    assert {r[1] for r in rows} == levels
    assert "早于最近一次研判" in text_of(find(page, "analysis-standing"))


def test_risk_inputs_and_weights_are_shown_plainly(c: AppContext, core: Engine) -> None:
    rows = table_rows(find(render(c, "/analysis", LAST), "analysis-risk-inputs"))
    truth = all_rows(core, "select input_code, weight from core.risk_inputs order by position")
    assert [(r[0], r[1]) for r in rows] == [
        (label("risk_input", str(t["input_code"])), f"{t['weight']:.2f}") for t in truth
    ]
    top = table_rows(find(render(c, "/analysis", LAST), "analysis-risk-top"))
    best = all_rows(
        core, "select unit_code from core.risk_scores where unit_kind = 'grid' order by rank limit 1"
    )
    assert codes_in_column(top, 0)[0] == best[0]["unit_code"]


@pytest.mark.parametrize("kind", ["grid", "cell"])
def test_the_backtest_table_is_the_mean_of_the_stored_weeks(c: AppContext, core: Engine, kind: str) -> None:
    page = render(c, "/analysis", LAST)
    rows = {r[0]: r for r in table_rows(find(page, f"analysis-backtest-sum-{kind}"))}
    stored = all_rows(
        core,
        "select model, area_pct, pai, pei from core.backtest_scores where unit_kind = :k and pai is not null",
        k=kind,
    )
    for model in ("risk_overlay", "last_week", "last_4_weeks", "kernel_density"):
        shown = rows[label("forecast_model", model)]
        for i, pct in enumerate((1.0, 3.0, 5.0)):
            mine = [r for r in stored if r["model"] == model and r["area_pct"] == pct]
            assert shown[1 + i] == f"{fmean(float(r['pai']) for r in mine):.2f}"
            assert shown[4 + i] == f"{fmean(float(r['pei']) for r in mine):.2f}"
    assert "倍" in text_of(find(page, f"analysis-backtest-ratio-{kind}"))
    assert find(page, f"analysis-backtest-chart-{kind}") is not None


def test_a_station_chief_sees_their_stations_part_as_row_level_security_does(
    c: AppContext, core: Engine
) -> None:
    a = str(all_rows(core, "select min(station_code) as s from core.police_stations")[0]["s"])
    with c.acting_as(chief(a)):
        page = render(c, "/analysis", LAST)
        shown = codes_in_column(table_rows(find(page, "analysis-hot-grids")), 0)
        # the database alone, with no filter of the page's, gives the chief the same rows
        seen = fetch_all(
            c.url,
            "select unit_code, hotspot_class from serve.hotspot_trends "
            "where scope_code = 'all' and unit_kind = 'grid'",
        )
        risk = fetch_all(c.url, "select distinct station_code from serve.risk_scores")
    mine = {str(r["unit_code"]) for r in grid_trends(core, a) if r["hotspot_class"] in HOT}
    assert mine and sorted(shown) == sorted(mine)
    assert {r["unit_code"] for r in seen if r["hotspot_class"] in HOT} == mine
    assert {r["station_code"] for r in risk} == {a}
    assert "/analysis" in hrefs(page) and "您辖区" in text_of(find(page, "analysis-standing"))


def test_a_grid_worker_may_not_open_it(c: AppContext, core: Engine) -> None:
    from dashboard.auth import User

    g = all_rows(core, "select station_code, grid_code from core.grids order by grid_code limit 1")[0]
    worker = User(
        "w", "网格员", "grid_worker", frozenset({str(g["station_code"])}), frozenset({str(g["grid_code"])})
    )
    with c.acting_as(worker):
        page = render(c, "/analysis", LAST)
        assert find(page, "forbidden") is not None and "/analysis" not in hrefs(page)
        # their grid's page still says what the analysis says of it
        assert find(render(c, f"/grid/{g['grid_code']}", LAST), "drill-hotspot") is not None


def test_grid_and_station_pages_say_the_class_since_when(c: AppContext, core: Engine) -> None:
    hot = sorted(
        (r for r in grid_trends(core) if r["hotspot_class"] in HOT and r["since"]),
        key=lambda r: str(r["unit_code"]),
    )[0]
    line = text_of(find(render(c, f"/grid/{hot['unit_code']}", LAST), "drill-hotspot"))
    assert f"本网格自{hot['since']}起为{label('hotspot_class', str(hot['hotspot_class']))}" in line
    assert "/analysis" + carried(c, c.period(LAST)) in hrefs(
        find(render(c, f"/grid/{hot['unit_code']}", LAST), "drill-hotspot")
    )
    station = str(hot["station_code"])
    said = text_of(find(render(c, f"/station/{station}", LAST), "drill-hotspot"))
    for cls in {str(r["hotspot_class"]) for r in grid_trends(core, station) if r["hotspot_class"] in HOT}:
        n = sum(1 for r in grid_trends(core, station) if r["hotspot_class"] == cls)
        assert f"{label('hotspot_class', cls)} {n} 个" in said
    # an earlier week: that week's level, never a class computed with the weeks after it
    past = text_of(find(render(c, f"/grid/{hot['unit_code']}", PAST), "drill-hotspot"))
    assert "2026-W44" in past and label("hotspot_class", str(hot["hotspot_class"])) not in past


def test_the_wall_lists_the_new_and_intensifying_hot_spots(c: AppContext, core: Engine) -> None:
    wall = find(render(c, "/wall", LAST), "wall-rising")
    rising = [r for r in grid_trends(core) if r["hotspot_class"] in ("new_hot", "intensifying_hot")]
    rising.sort(key=lambda r: (HOT.index(str(r["hotspot_class"])), -float(r["gi_z"]), str(r["unit_code"])))
    links = hrefs(wall)
    q = carried(c, c.period(LAST))
    assert rising and links == [f"/grid/{r['unit_code']}{q}" for r in rising[:RISING_LINES]]
    assert label("hotspot_class", str(rising[0]["hotspot_class"])) in text_of(wall)
    # a week before the last analysed has no classes to list, and says why
    past = rising_list(c, c.period(PAST))
    assert "演变类别计算至2026-W47" in text_of(past[1])


def test_the_weekly_report_has_the_section_with_list_and_map(c: AppContext, core: Engine) -> None:
    station = str(areas.stations(c.url, Scope.everything())[0]["station_code"])
    r = build_station(c.url, Scope.everything(), station, Period(Week(2026, 47)))
    hot = [t for t in grid_trends(core, station) if t["hotspot_class"] in HOT]
    assert len(r.hot_spots) == min(15, len(hot)) and r.hot_map_png.startswith(b"\x89PNG")
    assert {h["class_zh"] for h in r.hot_spots} <= {label("hotspot_class", c_) for c_ in HOT}
    html = station_html(r)
    assert "十、研判：冷热点" in html and r.hot_spots[0]["grid"] in html
    past = build_station(c.url, Scope.everything(), station, Period(Week(2026, 44)), with_map=False)
    assert "2026-W44" in past.analysis_note and not past.hot_map_png
    # the area's summary lists the area's hot grids, new and intensifying first
    s = build_summary(c.url, Scope.everything(), Period(Week(2026, 47)), c.settings.score_weights())
    every = [t for t in grid_trends(core) if t["hotspot_class"] in HOT]
    assert len(s.hot_spots) == min(15, len(every)) and "三、研判：热点网格" in summary_html(s)
    # new first, then intensifying: whichever of them the analysis found this week leads the list
    rising = [k for k in ("new_hot", "intensifying_hot") if any(t["hotspot_class"] == k for t in every)]
    assert rising and s.hot_spots[0]["class_zh"] == label("hotspot_class", rising[0])


def test_the_map_layers_carry_class_gi_and_trend_and_a_legend(c: AppContext, core: Engine) -> None:
    from dashboard.map.analysis_layers import POPUP, hotspot_layer, hotspot_legend, risk_layer, risk_legend

    fc = hotspot_layer(c, "grid", 12)
    truth = {str(r["unit_code"]): r for r in grid_trends(core) if r["hotspot_class"] != "no_pattern"}
    assert sorted(f["properties"]["code"] for f in fc["features"]) == sorted(truth)
    for f in fc["features"]:
        p, t = f["properties"], truth[f["properties"]["code"]]
        facts = dict(zip(POPUP["hotspots"]["facts"], p["facts"], strict=True))
        assert (
            facts["类别"] == label("hotspot_class", str(t["hotspot_class"]))
            and facts["Gi* z"] == f"{t['gi_z']:.2f}"
        )
        assert p["links"] == [p["code"]] and f["geometry"]["type"] in ("Polygon", "MultiPolygon")
    rows = hotspot_legend(fc)["classes"]
    assert sum(r["n"] for r in rows) == len(truth)
    assert {r["text"] for r in rows} == {
        label("hotspot_class", str(t["hotspot_class"])) for t in truth.values()
    }
    risk = risk_layer(c, "grid", 12)
    shares = all_rows(
        core, "select area_share from core.risk_scores where unit_kind = 'grid' and area_share <= 0.10"
    )
    assert len(risk["features"]) == len(shares) > 0
    assert sum(r["n"] for r in risk_legend(risk)["classes"]) == len(shares)


def test_the_map_fills_the_analysis_layers_and_their_legends(
    demo_app: dash.Dash, core: Engine, accounts: dict[str, object]
) -> None:
    import json

    from tests.support.accounts import login
    from tests.support.dash_calls import dash_call, key_of

    client = demo_app.server.test_client()
    login(client, "leader")
    key = key_of(demo_app, "map-hotspots.data", "map-risk.data", "map-analysis-legend.children")
    on = ["<i hidden>13 hotspots</i>研判：冷热点", "<i hidden>14 risk</i>研判：下周风险"]
    status, body = dash_call(
        client, demo_app, key, {("map-view", "zoom"): 12, ("map-layers", "overlays"): on}
    )
    assert status == 200
    out = json.loads(body)["response"]
    hot = out["map-hotspots"]["data"]["features"]
    truth = [r for r in grid_trends(core) if r["hotspot_class"] != "no_pattern"]
    assert len(hot) == len(truth) and len(out["map-risk"]["data"]["features"]) > 0
    legend = json.dumps(out["map-analysis-legend"]["children"], ensure_ascii=False)
    assert (
        "冷热点演变类别" in legend
        and "下周风险" in legend
        and label("hotspot_class", "persistent_hot") in legend
    )
    # close in: the 250 m cells
    status, body = dash_call(
        client, demo_app, key, {("map-view", "zoom"): 15, ("map-layers", "overlays"): on}
    )
    out = json.loads(body)["response"]
    assert out["map-hotspots"]["data"]["features"][0]["properties"]["code"].startswith("C")
    # with the layers off: no legend, and the layers' data is not sent at all
    status, body = dash_call(
        client, demo_app, key, {("map-view", "zoom"): 15, ("map-layers", "overlays"): []}
    )
    out = json.loads(body)["response"]
    assert out["map-analysis-legend"]["children"] == []
    assert "map-hotspots" not in out and "map-risk" not in out
