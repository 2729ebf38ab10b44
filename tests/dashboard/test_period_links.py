"""The period a page shows is carried by every link on it (the top bar, the drill-down from station
to zone to grid to building and back up, the wall's stations, the report downloads), the wall reads
its period from its URL like every page, the words for a period read right for any week, and
数据截至 is the same on the pages, the wall and the reports."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Engine, text

from dashboard.context import AppContext
from dashboard.periodbar import search_of
from dashboard.periods import Period, data_as_of, data_as_of_zh
from dashboard.queries import areas, indicators, operations
from dashboard.queries.areas import Area
from dashboard.reports.weekly import build_summary
from dashboard.routes import render
from tests.support.layouts import find, hrefs, text_of

pytestmark = pytest.mark.db

PAST = "?week=2026-W45"
SO_FAR = "?week=2026-W47&to=2026-11-19T00:00"


def first(core: Engine, sql: str) -> str:
    with core.connect() as conn:
        return str(conn.execute(text(sql)).scalar())


def pages_of(links: list[str]) -> list[str]:
    """The links to other pages of the app (not the assets or the downloads' own query)."""
    return [h for h in links if h.startswith("/") and not h.startswith("/assets")]


@pytest.mark.parametrize("search", [PAST, SO_FAR], ids=["past-week", "week-so-far"])
def test_every_link_carries_the_period_shown(c: AppContext, core: Engine, search: str) -> None:
    q = search_of(c.period(search))
    station = first(core, "select min(station_code) from core.police_stations")
    grid = first(core, f"select min(grid_code) from core.grids where station_code = '{station}'")
    building = first(core, f"select min(building_code) from core.buildings where grid_code = '{grid}'")
    zone = first(core, f"select min(zone_code) from core.police_zones where station_code = '{station}'")
    town = first(core, f"select town_code from core.grids where grid_code = '{grid}'")
    village = first(core, f"select village_code from core.grids where grid_code = '{grid}'")
    for path in (
        "/towns",
        f"/town/{town}",
        f"/village/{village}",
        f"/station/{station}",
        f"/zone/{zone}",
        f"/grid/{grid}",
        f"/building/{building}",
        "/",
        "/wall",
        "/quality",
        "/persons",
        "/audit",
        "/analysis",
        "/nowhere",
    ):
        links = pages_of(hrefs(render(c, path, search)))
        assert links, path
        # the logout form posts; every link to a page (and each download) names the period shown
        assert [h for h in links if not h.endswith(q)] == [], path
    station_page = render(c, f"/station/{station}", search)
    assert f"/zone/{zone}{q}" in hrefs(station_page) and f"/grid/{grid}{q}" in hrefs(station_page)
    assert f"/download/weekly/{station}.pdf{q}" in hrefs(station_page)
    grid_page = render(c, f"/grid/{grid}", search)
    assert f"/building/{building}{q}" in hrefs(grid_page) and f"/station/{station}{q}" in hrefs(grid_page)
    assert f"/grid/{grid}{q}" in hrefs(render(c, f"/building/{building}", search))
    assert f"/station/{station}{q}" in hrefs(find(render(c, "/wall", search), "wall-station-ranking"))


def test_the_default_period_leaves_the_links_plain(c: AppContext, core: Engine) -> None:
    station = first(core, "select min(station_code) from core.police_stations")
    top = find(render(c, f"/station/{station}", ""), "drill-breadcrumb")
    assert "/" in hrefs(top)
    assert all("?" not in h for h in pages_of(hrefs(render(c, "/quality", ""))))


@pytest.mark.parametrize("search", ["", PAST, SO_FAR], ids=["default", "past-week", "week-so-far"])
def test_the_wall_shows_the_period_its_url_names(c: AppContext, search: str) -> None:
    period = c.period(search)
    wall = render(c, "/wall", search)
    picker = find(wall, "period-pick")
    assert picker.value == search_of(period)
    assert period.label_zh() in [o["label"] for o in picker.options]
    station = render(c, f"/station/{first_station(c)}", search)
    # the wall's figures are the period's: its incidents are the whole area's, as on the map's bar
    shown = text_of(find(wall, "wall-incidents"))
    k = area_incidents(c, period)
    assert re.search(rf"\b{k:,}\b", shown), shown
    # and 数据截至 is the one line, on the wall, the pages and in the reports
    line = data_as_of_zh(operations.data_as_of(c.url), period)
    assert text_of(find(wall, "wall-as-of")) == line == text_of(find(station, "period-as-of"))
    assert build_summary(c.url, c.scope(), period, c.settings.score_weights()).data_as_of_line() == line


def test_data_as_of_is_the_last_load_capped_at_the_periods_end(c: AppContext) -> None:
    loaded = operations.data_as_of(c.url)
    assert loaded is not None  # the demo is loaded through the loader, which records each load
    past = c.period(PAST)
    # the demo was loaded after its last week ended: a past week's data stands at the week's end
    assert data_as_of(loaded, past) == past.end
    assert data_as_of(None, past) is None and "尚无加载" in data_as_of_zh(None, past)
    assert data_as_of(past.start, past) == past.start  # a load before the end: its own time


@pytest.mark.parametrize("search", ["", PAST, SO_FAR], ids=["default", "past-week", "week-so-far"])
def test_no_page_says_this_week_of_another(c: AppContext, search: str) -> None:
    """A page for a past week or a week so far never calls its figures 本周 or their comparison 上周
    (as if a whole week): the words are the period's own."""
    station = first_station(c)
    for path in (f"/station/{station}", "/wall", "/"):
        shown = text_of(render(c, path, search))
        assert "本周" not in shown and not re.search(r"上周(?!同期)", shown), path
        if path != "/":
            assert "本期" in shown, path


def first_station(c: AppContext) -> str:
    return str(areas.stations(c.url, c.scope())[0]["station_code"])


def area_incidents(c: AppContext, period: Period) -> int:
    return int(indicators.kpis(c.url, c.scope(), Area(), period)["incidents_week"])
