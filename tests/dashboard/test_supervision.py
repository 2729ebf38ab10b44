"""督办 where items are shown: a leader or a station chief in scope supervises a carded item from
its page, the badge shows on the station and grid pages, the list counts the period's supervisions
(逾期 once the deadline has passed), and forged calls — another station's item, a role that may
only read, values out of bounds — change nothing and leave a trace.

Calls are posted as the browser posts them, signed in as real users of the demo; the database is
read as its owner. Supervisions are removed after each test (the demo is shared); audit rows stay.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dash
import openpyxl
import pytest
from sqlalchemy import Engine, text

from dashboard.context import AppContext
from dashboard.map import layers
from dashboard.periods import Period, Week
from dashboard.reports import pdf, xlsx
from dashboard.reports.weekly import build_station
from dashboard.scope import Scope
from dashboard.supervision import supervision_list
from tests.support.dash_calls import dash_call, key_of
from tests.support.deliveries import carded_events
from tests.support.supervising import audited, fired_by, last_audit, open_call, page, rows, signed_in, wipe

pytestmark = pytest.mark.db


@pytest.fixture
def clean(core: Engine) -> Iterator[None]:
    wipe(core)
    yield
    wipe(core)


@pytest.fixture(scope="module")
def clients(demo_app: dash.Dash, accounts: dict[str, Any]) -> dict[str, Any]:
    return signed_in(demo_app, "leader", "chief_a", "chief_b", "worker", "screen")


def test_a_chief_supervises_in_scope_and_the_pages_show_it(
    demo_app: dash.Dash,
    demo_db: tuple[str, str],
    clients: dict[str, Any],
    accounts: dict[str, Any],
    core: Engine,
    clean: None,
) -> None:
    (station,) = accounts["chief_a"].stations
    item = carded_events(demo_db[0], station, 1)[0]
    since = last_audit(core)
    # another station's chief and a grid worker: refused, nothing written, both audited
    assert "不存在或不在您的辖区" in open_call(clients["chief_b"], demo_app, item)
    assert "只能查看督办" in open_call(clients["worker"], demo_app, item)
    assert "不在您的查看范围内" in page(clients["chief_b"], demo_app, f"/item/{item}")
    assert rows(core) == []
    answer = open_call(clients["chief_a"], demo_app, item)
    assert "已提交" in answer and "督办中" in answer
    assert [(r["item_no"], r["state"], r["opened_by"]) for r in rows(core)] == [(item, "open", "chief_a")]
    assert audited(core, since) == [("chief_b", "not_found"), ("worker", "refused_role"), ("chief_a", "ok")]
    # the station page: the badge on the item and the list of supervisions
    body = page(clients["leader"], demo_app, f"/station/{station}")
    assert "督办中 · 截止" in body and f"/item/{item}" in body
    assert "当前在督 1" in body
    # out of scope, the station and its supervisions stay unseen
    assert item not in page(clients["chief_b"], demo_app, "/")
    # the chief closes it by hand, with a result
    _status, body = dash_call(
        clients["chief_a"],
        demo_app,
        fired_by(demo_app, "sup-close"),
        {
            ("sup-close", "n_clicks"): 1,
            ("sup-item", "data"): item,
            ("sup-result-text", "value"): "已督促城管清理完毕",
        },
    )
    assert "督办已办结（手动办结）" in body and "办结督办：已督促城管清理完毕" in body
    assert [(r["state"], r["closed_reason"]) for r in rows(core)] == [("closed", "by_hand")]


def test_forged_values_change_nothing(
    demo_app: dash.Dash, clients: dict[str, Any], core: Engine, clean: None
) -> None:
    since = last_audit(core)
    for item in ("x' or 1=1", None, ["a"], 10**20, "A" * 41):
        out = open_call(clients["leader"], demo_app, item)
        assert not out.startswith("200") or json.loads(out[4:]) == {"multi": True, "response": {}}, out[:200]
    for days in (0, 365, "7; drop", None):
        out = open_call(clients["leader"], demo_app, "WG1", days=days)
        assert "已提交" not in out
    assert rows(core) == [] and audited(core, since) == []


def test_the_wall_account_reads_and_never_supervises(
    demo_app: dash.Dash, demo_db: tuple[str, str], clients: dict[str, Any], core: Engine, clean: None
) -> None:
    """The wall lists red cards with their badges; the link it shows is for a leader's own browser:
    the wall account itself gets neither the item's page nor the form's callback."""
    item = carded_events(demo_db[0], None, 1)[0]
    assert open_call(clients["screen"], demo_app, item).startswith("403")
    status, _body = dash_call(
        clients["screen"], demo_app, key_of(demo_app, "page.children"), {("url", "pathname"): f"/item/{item}"}
    )
    assert status == 403
    assert rows(core) == []


def test_the_period_list_counts_opened_overdue_and_closed(
    c: AppContext,
    demo_app: dash.Dash,
    demo_db: tuple[str, str],
    clients: dict[str, Any],
    accounts: dict[str, Any],
    core: Engine,
    clean: None,
) -> None:
    (station,) = accounts["chief_a"].stations
    item = carded_events(demo_db[0], station, 1)[0]
    assert "已提交" in open_call(clients["leader"], demo_app, item)
    # as if opened in the demo's last week with a deadline inside it: overdue at its end, and now
    with core.begin() as conn:
        conn.execute(
            text(
                "update ops.supervisions set opened_at = '2026-11-17 10:00+08', deadline = '2026-11-20' "
                "where item_no = :i"
            ),
            {"i": item},
        )
    body = page(clients["leader"], demo_app, f"/station/{station}")
    assert "本期新开 1 · 逾期 1 · 本期办结 0 · 当前在督 1" in body
    assert "督办逾期 · 截止 11-20" in body and "sup-overdue" in body
    # the governance side lists it by its grid's town and village, and the county by everything
    with core.connect() as conn:
        town, village = conn.execute(
            text(
                "select g.town_code, g.village_code from core.grid_events e "
                "join core.grids g using (grid_code) where e.event_no = :i"
            ),
            {"i": item},
        ).one()
    week = Period(Week.parse("2026-W47"))
    for kind, code in (("town", town), ("village", village), ("county", ""), ("station", station)):
        listed = str(supervision_list(c, kind, code, week))
        assert item in listed and "本期新开 1 · 逾期 1" in listed, kind
    assert item not in str(supervision_list(c, "station", "nowhere", week))
    town_page = page(clients["leader"], demo_app, f"/town/{town}")
    assert "本期新开 1 · 逾期 1" in town_page and f"/item/{item}" in town_page
    # the map marks it where the item lies, red as overdue
    (marks,) = layers.point_layers(c, 11, None, ["supervisions"])
    (mark,) = [f for f in marks["features"] if f["properties"]["code"] == item]
    assert mark["properties"]["colour"] == layers.SUPERVISION_COLOURS["overdue"]
    assert "逾期" in mark["properties"]["tooltip"]


def test_the_export_carries_the_source_key_in_scope_masked_and_in_words(
    demo_app: dash.Dash,
    demo_db: tuple[str, str],
    clients: dict[str, Any],
    accounts: dict[str, Any],
    core: Engine,
    clean: None,
    tmp_path: Path,
) -> None:
    (station,) = accounts["chief_a"].stations
    item = carded_events(demo_db[0], station, 1)[0]
    assert "已提交" in open_call(clients["chief_a"], demo_app, item, note="请联系13812345678核实并办结")
    resp = clients["leader"].get("/download/supervisions.csv")
    assert resp.status_code == 200
    body = resp.get_data().decode("utf-8-sig")
    header, line = body.splitlines()[:2]
    assert header.startswith("事项类型,事项编号,事项")
    assert line.startswith(f"网格事件,{item},") and "红牌" in line and "督办中" in line
    assert "13812345678" not in body and "请联系*******核实并办结" in body
    assert "grid_event" not in body and ",open," not in body
    # another station's chief gets the header only; the XLSX holds the same row
    other = clients["chief_b"].get("/download/supervisions.csv").get_data().decode("utf-8-sig")
    assert item not in other and other.startswith("事项类型")
    xlsx = clients["leader"].get("/download/supervisions.xlsx")
    assert xlsx.status_code == 200
    path = tmp_path / "s.xlsx"
    path.write_bytes(xlsx.get_data())
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    assert [c.value for c in sheet[2]][:2] == ["网格事件", item]
    assert clients["leader"].get("/download/supervisions.pdf").status_code == 404
    with core.connect() as conn:
        exported = conn.execute(
            text(
                "select username, params ->> 'format' from ops.audit where action = 'export' "
                "and params ->> 'report' = 'supervisions' order by audit_id desc limit 3"
            )
        ).all()
    assert [tuple(r) for r in exported] == [("leader", "xlsx"), ("chief_b", "csv"), ("leader", "csv")]


def test_the_weekly_report_lists_the_weeks_supervisions(
    demo_app: dash.Dash,
    demo_db: tuple[str, str],
    clients: dict[str, Any],
    accounts: dict[str, Any],
    core: Engine,
    clean: None,
    tmp_path: Path,
) -> None:
    (station,) = accounts["chief_a"].stations
    first, second = carded_events(demo_db[0], station, 2)
    for item in (first, second):
        assert "已提交" in open_call(clients["leader"], demo_app, item)
    # the first opened in the report's week and overdue at its end; the second opened since (not listed)
    with core.begin() as conn:
        conn.execute(
            text(
                "update ops.supervisions set opened_at = '2026-11-17 10:00+08', deadline = '2026-11-20' "
                "where item_no = :i"
            ),
            {"i": first},
        )
    week = Period(Week.parse("2026-W47"))
    r = build_station(demo_db[1], Scope.everything(), station, week, with_map=False)
    assert [(s["item_no"], s["week_state"]) for s in r.supervisions] == [(first, "本期新开、逾期未办结")]
    html = pdf.station_html(r)
    assert "督办（本期新开 1 件，逾期未办结 1 件，办结 0 件）" in html
    listed = html.split('id="report-supervisions"')[1].split("</table>")[0]
    assert first in listed and second not in listed
    # the red cards say which are supervised, and how it stands
    reds = {e["event_no"]: e["supervised"] for e in r.red_cards}
    assert reds[first] == "督办逾期 · 截止 11-20" and reds[second].startswith("督办中 · 截止")
    path = tmp_path / "r.xlsx"
    xlsx.write_station(r, path)
    rows = list(openpyxl.load_workbook(path)["督办"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[2], row[5]) for row in rows] == [(first, "红牌", "本期新开、逾期未办结")]
