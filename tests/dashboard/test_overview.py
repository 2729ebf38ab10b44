"""The placeholder overview page: its numbers come from serve and equal counts in core."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from dashboard.app import create_app
from dashboard.map import playlist
from dashboard.map.heat import heat_layer
from dashboard.pages.quality import overview_layout
from dashboard.queries import operations
from dashboard.routes import render
from tests.support.accounts import SECRET

pytestmark = pytest.mark.db

SEED = """
insert into core.districts values ('440118', '增城区', '广州市',
    st_multi(st_makeenvelope(113.5, 23.1, 113.9, 23.5, 4326)));
insert into core.police_stations (station_code, district_code, name, geom) values
    ('440118510000', '440118', '荔城派出所',
     st_multi(st_makeenvelope(113.5, 23.1, 113.7, 23.5, 4326))),
    ('440118520000', '440118', '新塘派出所',
     st_multi(st_makeenvelope(113.7, 23.1, 113.9, 23.5, 4326)));
insert into core.police_zones (zone_code, station_code, district_code, name, geom) values
    ('440118510001', '440118510000', '440118', '荔城一区',
     st_multi(st_makeenvelope(113.5, 23.1, 113.6, 23.5, 4326)));
"""


@pytest.fixture
def seeded(owner_engine: Engine) -> Iterator[None]:
    """A district with two stations and one zone, committed so the app role's own connection sees it."""
    with owner_engine.begin() as conn:
        conn.connection.driver_connection.execute(SEED)
    yield
    with owner_engine.begin() as conn:
        conn.execute(
            text(
                "delete from core.police_zones; delete from core.police_stations; delete from core.districts"
            )
        )


def test_element_counts_match_core(seeded: None, test_app_url: str, owner_engine: Engine) -> None:
    counts = {row["element"]: row["n"] for row in operations.element_counts(test_app_url)}
    with owner_engine.connect() as conn:
        stations = conn.execute(text("select count(*) from core.police_stations")).scalar()
        zones = conn.execute(text("select count(*) from core.police_zones")).scalar()
    assert counts["police_stations"] == stations == 2
    assert counts["police_zones"] == zones == 1
    assert counts["buildings"] == 0


def test_layout_shows_counts_in_chinese(seeded: None, test_app_url: str) -> None:
    app = create_app(test_app_url, SECRET)
    page = render(app.onemap, "/quality")
    text_of = repr(page.to_plotly_json())
    assert "派出所" in text_of and "警务区" in text_of
    kpi = overview_layout([{"element": "grids", "name_zh": "网格", "n": 1636}], "t")
    assert "1,636" in repr(kpi.to_plotly_json())


def test_app_refuses_to_start_without_database() -> None:
    with pytest.raises(RuntimeError, match="ONEMAP_APP_DATABASE_URL"):
        create_app(None, SECRET)


@pytest.mark.parametrize("path", ["/", "/wall", "/quality", "/grid/x"])
def test_pages_render_on_an_empty_warehouse(test_app_url: str, path: str) -> None:
    """Before anything is loaded every page still renders (and says what it has)."""
    app = create_app(test_app_url, SECRET)
    page = render(app.onemap, path)
    assert page.to_plotly_json()
    assert heat_layer(app.onemap, app.onemap.period(), "incidents", None, "week", 0, None, None)["total"] == 0
    nothing = ({}, "", [], {"type": "FeatureCollection", "features": []})
    assert playlist.rotation(app.onemap, 3, app.onemap.period()) == nothing
