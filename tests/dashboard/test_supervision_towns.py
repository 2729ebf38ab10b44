"""督办 on the governance side: a town leader supervises and closes the carded items of their own
town, from the item's page as the browser posts it; forged calls — a town leader on another town's
item, a village officer, a station chief outside their scope — are refused by the database, write
nothing and leave a trace. The town check holds even when the signed scope reaches further.

Supervisions are removed after each test (the demo is shared); audit rows stay.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dash
import openpyxl
import pytest
from sqlalchemy import Engine, create_engine, text

from dashboard.context import AppContext
from dashboard.periods import Period, Week
from dashboard.reports import pdf, xlsx
from dashboard.reports.weekly import build_summary
from dashboard.scope import Scope
from etl.db import normalise_url
from tests.support.accounts import sign
from tests.support.supervising import audited, close_call, last_audit, open_call, page, rows, signed_in, wipe

pytestmark = pytest.mark.db


@pytest.fixture
def clean(core: Engine) -> Iterator[None]:
    wipe(core)
    yield
    wipe(core)


@pytest.fixture(scope="module")
def clients(demo_app: dash.Dash, accounts: dict[str, Any]) -> dict[str, Any]:
    return signed_in(demo_app, "leader", "chief_a", "chief_b", "towner", "villager")


def carded_in(core: Engine, town: str, inside: bool) -> str:
    """A grid event open now with a red card, being handled, in ``town`` (or, not ``inside``, in
    another town)."""
    with core.connect() as conn:
        return str(
            conn.execute(
                text(
                    "select e.event_no from serve.grid_events e join core.grids g using (grid_code) "
                    "where e.open_until is null and e.card = 'red' and e.status = 'handling' "
                    "and (g.town_code = :t) = :inside order by e.registered_at, e.event_no limit 1"
                ),
                {"t": town, "inside": inside},
            ).scalar_one()
        )


def station_of(core: Engine, item: str) -> str:
    with core.connect() as conn:
        return str(
            conn.execute(
                text("select station_code from core.grid_events where event_no = :i"), {"i": item}
            ).scalar_one()
        )


def test_a_town_leader_supervises_and_closes_in_their_town(
    demo_app: dash.Dash, clients: dict[str, Any], accounts: dict[str, Any], core: Engine, clean: None
) -> None:
    (town,) = accounts["town"].towns
    item = carded_in(core, town, inside=True)
    # the item's page offers them the form; a village officer reads only
    assert "sup-open-form" in page(clients["towner"], demo_app, f"/item/{item}")
    since = last_audit(core)
    assert "只能查看督办" in open_call(clients["villager"], demo_app, item)
    answer = open_call(clients["towner"], demo_app, item)
    assert "已提交" in answer and "督办中" in answer
    assert [(r["item_no"], r["opened_by"]) for r in rows(core)] == [(item, "towner")]
    # their town's page lists it; a village officer may not close it, the town leader may
    assert f"/item/{item}" in page(clients["towner"], demo_app, f"/town/{town}")
    assert "只能查看督办" in close_call(clients["villager"], demo_app, item)
    assert "督办已办结（手动办结）" in close_call(clients["towner"], demo_app, item)
    assert [(r["state"], r["closed_by"]) for r in rows(core)] == [("closed", "towner")]
    assert audited(core, since) == [
        ("villager", "refused_role"),
        ("towner", "ok"),
        ("villager", "refused_role"),
        ("towner", "ok"),
    ]


def test_forged_calls_outside_the_scope_are_refused_and_audited(
    demo_app: dash.Dash, clients: dict[str, Any], accounts: dict[str, Any], core: Engine, clean: None
) -> None:
    (town,) = accounts["town"].towns
    theirs, elsewhere = carded_in(core, town, inside=True), carded_in(core, town, inside=False)
    (chief_b_station,) = accounts["chief_b"].stations
    since = last_audit(core)
    # another town's item: neither opened nor (once the leader opened it) closed by this town leader
    assert "不存在或不在您的辖区" in open_call(clients["towner"], demo_app, elsewhere)
    assert "已提交" in open_call(clients["leader"], demo_app, elsewhere)
    assert "不存在或不在您的辖区" in close_call(clients["towner"], demo_app, elsewhere)
    # the village officer of the town leader's own item, and a chief of a station that is not the item's
    assert "只能查看督办" in open_call(clients["villager"], demo_app, theirs)
    chief = "chief_b" if station_of(core, theirs) != chief_b_station else "chief_a"
    assert "不存在或不在您的辖区" in open_call(clients[chief], demo_app, theirs)
    assert [(r["item_no"], r["state"], r["opened_by"]) for r in rows(core)] == [(elsewhere, "open", "leader")]
    assert audited(core, since) == [
        ("towner", "not_found"),
        ("leader", "ok"),
        ("towner", "not_found"),
        ("villager", "refused_role"),
        (chief, "not_found"),
    ]


def test_the_town_check_holds_beyond_the_signed_grids(
    demo_db: tuple[str, str], accounts: dict[str, Any], core: Engine, clean: None
) -> None:
    """A town leader's scope signed for every grid (as if the scopes lagged a delivery that moved
    grids) still supervises no item outside the towns their account names."""
    (town,) = accounts["town"].towns
    elsewhere, theirs = carded_in(core, town, inside=False), carded_in(core, town, inside=True)
    app = create_engine(normalise_url(demo_db[1]))
    try:
        with app.begin() as conn:
            conn.execute(
                text("select set_config('onemap.scope', :t, true)"),
                {"t": sign(Scope.everything(), "town_leader", "towner")},
            )
            call = text("select ops.supervise('grid_event', :i, '请尽快处置', '城管', current_date + 3)")
            assert conn.execute(call, {"i": elsewhere}).scalar_one() == "not_found"
            assert conn.execute(call, {"i": theirs}).scalar_one() == "ok"
    finally:
        app.dispose()
    assert [r["item_no"] for r in rows(core)] == [theirs]


def test_the_summary_report_lists_the_weeks_supervisions_by_town(
    c: AppContext,
    demo_app: dash.Dash,
    clients: dict[str, Any],
    accounts: dict[str, Any],
    core: Engine,
    clean: None,
    tmp_path: Path,
) -> None:
    (town,) = accounts["town"].towns
    theirs, elsewhere = carded_in(core, town, inside=True), carded_in(core, town, inside=False)
    assert "已提交" in open_call(clients["towner"], demo_app, theirs)
    assert "已提交" in open_call(clients["leader"], demo_app, elsewhere)
    # the town's opened in the report's week and overdue at its end; the other opened since (not listed)
    with core.begin() as conn:
        conn.execute(
            text(
                "update ops.supervisions set opened_at = '2026-11-17 10:00+08', deadline = '2026-11-20' "
                "where item_no = :i"
            ),
            {"i": theirs},
        )
        name = conn.execute(
            text("select name from core.towns where town_code = :t"), {"t": town}
        ).scalar_one()
    week = Period(Week.parse("2026-W47"))
    s = build_summary(c.url, c.scope(), week, c.settings.score_weights())
    by_town = {t["town_code"]: t for t in s.town_supervisions}
    with core.connect() as conn:
        towns = set(
            conn.execute(text("select town_code from core.grids where town_code is not null")).scalars()
        )
    assert set(by_town) == towns  # every town, those without a supervision too
    assert (by_town[town]["opened"], by_town[town]["overdue"], by_town[town]["closed"]) == (1, 1, 0)
    assert sum(t["opened"] + t["overdue"] + t["closed"] for t in s.town_supervisions) == 2
    assert [(x["town"], x["item_no"], x["week_state"]) for x in s.supervisions] == [
        (name, theirs, "本期新开、逾期未办结")
    ]
    html = pdf.summary_html(s)
    counted = html.split('id="report-town-supervisions"')[1].split("</table>")[0]
    assert f'<td class="l">{name}</td><td>1</td><td>1</td><td>0</td>' in counted
    listed = html.split('id="report-supervisions"')[1].split("</table>")[0]
    assert theirs in listed and elsewhere not in listed
    path = tmp_path / "s.xlsx"
    xlsx.write_summary(s, path)
    book = openpyxl.load_workbook(path)
    counts = {row[0]: row[2:5] for row in book["镇街督办"].iter_rows(min_row=2, values_only=True)}
    assert counts[town] == (1, 1, 0)
    rows_ = list(book["督办"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[1], row[3]) for row in rows_] == [(name, theirs, "红牌")]
