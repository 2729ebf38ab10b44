"""A page's list of grids shows its first rows and says how many there are and where the others
are: a town's 801 grids ranked in 9 columns were 717 kB of a 1.5 MB answer on the county, a list no
one reads to its end on a screen (the map and the search find any grid; the station's weekly
workbook lists them all). The limit is lowered here so the demo's town has more grids than it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from dashboard import governance, ui
from dashboard.context import AppContext
from dashboard.queries import indicators
from dashboard.queries.areas import Area
from dashboard.routes import render
from tests.support.dash_calls import column
from tests.support.layouts import find, hrefs, text_of

pytestmark = pytest.mark.db


def test_a_table_over_its_limit_keeps_its_first_rows_in_order_and_counts_the_rest() -> None:
    rows = [{"code": f"G{i:04d}", "name": f"第{i}网格"} for i in range(250)]
    cols = [("code", "编码"), ("name", "名称")]
    whole = ui.table(rows, cols, "t", link=lambda r: f"/grid/{r['code']}")
    assert len(whole.children.children[1].children) == 250  # under its limit: as it was
    cut = ui.table(rows, cols, "t", link=lambda r: f"/grid/{r['code']}", limit=100, rest="；其余见地图")
    tbl, note = cut.children
    assert hrefs(tbl) == [f"/grid/G{i:04d}" for i in range(100)]
    assert note.children == "共 250 项，此处列出前 100 项；其余见地图"
    exact = ui.table(rows[:100], cols, "t", limit=100)
    assert len(exact.children.children[1].children) == 100 and not isinstance(exact.children, list)


def test_a_towns_grid_ranking_shows_its_best_ranked_first_and_how_many_it_has(
    c: AppContext, core: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(governance, "LONG_LIST", 3)
    town = column(core, "select town_code from core.grids group by 1 order by count(*) desc limit 1")[0]
    q = "?week=2026-W40"  # a week no other test renders: the page is computed with the limit
    page = render(c, f"/town/{town}", q)
    listed = find(page, "drill-grids")
    week = c.period(q)
    every = governance.ranked(
        [dict(r) for r in indicators.area_table(c.url, c.scope(), "grid", Area("town", town), week)]
    )
    assert len(every) > 3
    assert hrefs(listed) == [f"/grid/{r['code']}{q}" for r in every[:3]]
    assert f"共 {len(every):,} 项，此处列出前 3 项（按排名）" in text_of(listed)
    assert "用搜索查找" in text_of(listed)
