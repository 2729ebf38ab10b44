"""A phone or ID number someone types into a supervision (its note, responsible unit, result) or
an alert verdict's note reaches no page (the audit page included), map layer or export, however
it is written: in one run, in groups split by spaces or dashes, in full-width digits or in Chinese
numerals (一三八…, 壹叁捌…, mixed with digits) — and a date or a short number typed with it stays
readable.

Written as the browser writes them (a leader's supervision) or as ``ops.alert_verdict`` keeps them,
then read as the pages, the map and the exports read them. So are the short free texts agencies'
files hold (an event's title and department, a hazard's department, a dispute's result …): a clerk
types a phone into those too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import dash
import openpyxl
import pytest
from sqlalchemy import Engine, text

from common.masking import ascii_digits
from dashboard.context import AppContext
from dashboard.map import layers
from dashboard.queries import verdicts
from dashboard.scope import Scope
from tests.support.accounts import login
from tests.support.dash_calls import dash_call, key_of
from tests.support.deliveries import carded_events

pytestmark = pytest.mark.db

# one mobile and one ID number, each as people write them
PHONE = "13812345678"
ID = "44040219900101123X"
WRITTEN = (
    "13812345678",
    "138 1234 5678",
    "138-1234-5678",
    "１３８１２３４５６７８",
    "１３８－１２３４－５６７８",
    "440402 19900101 123X",
    "0756-8123456",
    "一三八一二三四五六七八",
    "138一二三四五六七八",
    "壹叁捌 壹贰叁肆 伍陆柒捌",
    "幺三八-幺二三四-五六七八",
    "四四〇四〇二一九九〇〇一〇一一二三X",
    "1 3 8 1 2 3 4 5 6 7 8",
)
FREE = "限2026-12-05前办结，第3网格，3-5人"  # what must stay readable


def digits(body: str) -> str:
    """The page's text with every digit made ASCII (一三八 and ①③⑧ too) and the separators people
    put between digit groups removed: a number written in pieces reads as one."""
    body = ascii_digits(body).translate(str.maketrans("－　", "- "))
    return re.sub(r"(?<=\d)[ \-]+(?=\d)", "", body)


def leaked(body: str) -> list[str]:
    d = digits(body)
    return [n for n in (PHONE, ID[:17], "8123456") if n in d]


@pytest.fixture(scope="module")
def leader(demo_app: dash.Dash, accounts: dict[str, Any]) -> Any:
    client = demo_app.server.test_client()
    login(client, "leader")
    return client


def fired_by(app: dash.Dash, button: str) -> str:
    (key,) = [k for k, spec in app.callback_map.items() if spec["inputs"][0]["id"] == button]
    return key


@pytest.mark.parametrize("written", WRITTEN)
def test_a_number_typed_into_a_supervision_shows_nowhere(
    written: str,
    c: AppContext,
    demo_app: dash.Dash,
    demo_db: tuple[str, str],
    leader: Any,
    core: Engine,
    unjudged: None,
    tmp_path: Path,
) -> None:
    item = carded_events(demo_db[0], None, 1)[0]
    status, body = dash_call(
        leader,
        demo_app,
        fired_by(demo_app, "sup-open"),
        {
            ("sup-open", "n_clicks"): 1,
            ("sup-item", "data"): item,
            ("sup-note", "value"): f"请联系{written}核实，{FREE}",
            ("sup-unit", "value"): f"王主任{written}",
            ("sup-days", "value"): 7,
        },
    )
    assert status == 200 and "已提交" in body, body[:300]
    # the item page while open, the map's marks, then the page, list and exports once closed
    shown = [body, page(leader, demo_app, f"/item/{item}")]
    (marks,) = layers.point_layers(c, 11, None, ["supervisions"])
    shown.append(str(marks))
    status, body = dash_call(
        leader,
        demo_app,
        fired_by(demo_app, "sup-close"),
        {
            ("sup-close", "n_clicks"): 1,
            ("sup-item", "data"): item,
            ("sup-result-text", "value"): f"已电话{written}联系，{FREE}",
        },
    )
    assert status == 200 and "已提交" in body, body[:300]
    shown += [body, page(leader, demo_app, f"/item/{item}")]
    with core.connect() as conn:
        station = conn.execute(
            text("select station_code from core.grid_events where event_no = :i"), {"i": item}
        ).scalar_one()
    shown.append(page(leader, demo_app, f"/station/{station}"))
    shown.append(leader.get("/download/supervisions.csv").get_data().decode("utf-8-sig"))
    path = tmp_path / "s.xlsx"
    path.write_bytes(leader.get("/download/supervisions.xlsx").get_data())
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    shown.append(" ".join(str(v) for r in sheet.iter_rows(values_only=True) for v in r))
    # the leadership's audit page lists both acts with what was typed in them
    audit = page(leader, demo_app, "/audit")
    assert "supervise_open" in audit or "督办" in audit
    shown.append(audit)
    for i, body in enumerate(shown):
        assert not leaked(body), (i, leaked(body))
    assert "2026-12-05" in shown[-3] and "3-5人" in shown[-3] and "第3网格" in shown[-3]
    # the database keeps what was typed (its owner reads it), only the pages see it masked
    with core.connect() as conn:
        assert written in conn.execute(text("select unit from ops.supervisions")).scalar_one()


def page(client: Any, app: dash.Dash, path: str) -> str:
    status, body = dash_call(client, app, key_of(app, "page.children"), {("url", "pathname"): path})
    assert status == 200
    return body


@pytest.mark.parametrize("written", WRITTEN)
def test_a_number_typed_into_a_verdict_note_shows_nowhere(
    written: str, c: AppContext, core: Engine, unjudged: None
) -> None:
    with core.connect() as conn:
        alert = (
            conn.execute(
                text(
                    "select alert_id, alert_kind, subject_code, metric, reason from core.alerts "
                    "order by alert_id limit 1"
                )
            )
            .mappings()
            .one()
        )
    note = f"误报，户主{written}已核实，{FREE}"
    with core.begin() as conn:
        params = {
            "k": alert["alert_kind"],
            "s": alert["subject_code"],
            "n": note,
            "m": alert["metric"],
            "r": alert["reason"],
        }
        conn.execute(
            text(
                "insert into ops.alert_verdicts (alert_kind, subject_code, state, note, metric, reason, "
                "decided_by) values (:k, :s, 'false', :n, :m, :r, 'leader')"
            ),
            params,
        )
        conn.execute(
            text(
                "insert into ops.alert_verdict_log (alert_kind, subject_code, state, note, metric, "
                "decided_by) values (:k, :s, 'false', :n, :m, 'leader')"
            ),
            params,
        )
    scope = Scope.everything()
    seen = verdicts.alert(c.url, scope, alert["alert_id"])
    assert seen is not None and seen["state_note"]
    history = verdicts.history(c.url, scope, alert["alert_id"])
    assert history
    for body in (str(seen), str(history)):
        assert not leaked(body), leaked(body)
        assert "2026-12-05" in body


# the short free texts the serve views show from agencies' files: (view, key, column, core table)
FILE_TEXTS = (
    ("grid_events", "event_no", "handling_dept", "grid_events"),
    ("grid_events", "event_no", "title", "grid_events"),
    ("hazards", "hazard_no", "responsible_dept", "hazards"),
    ("hazards", "hazard_no", "hint_batch", "hazards"),
    ("disputes", "dispute_no", "resolution", "disputes"),
    ("disputes", "dispute_no", "dispute_type", "disputes"),
    ("incidents", "incident_no", "disposition", "incidents"),
    ("incidents", "incident_no", "subcategory", "incidents"),
)


@pytest.mark.parametrize(("view", "key", "column", "table"), FILE_TEXTS)
def test_a_number_a_clerk_typed_into_a_file_shows_nowhere(
    view: str, key: str, column: str, table: str, core: Engine
) -> None:
    written = "王主任一三八一二三四五六七八"
    with core.connect() as conn, conn.begin() as tx:
        # identifiers from the fixed list above, never from input
        one = conn.execute(text(f"select {key} from core.{table} order by 1 limit 1")).scalar_one()
        conn.execute(
            text(f"update core.{table} set {column} = :v where {key} = :k"), {"v": written, "k": one}
        )
        shown = conn.execute(
            text(f"select {column} from serve.{view} where {key} = :k"), {"k": one}
        ).scalar_one()
        tx.rollback()
    assert shown.startswith("王主任") and not leaked(shown), shown


def test_a_number_in_an_items_department_shows_not_on_its_page(
    demo_app: dash.Dash, demo_db: tuple[str, str], leader: Any, core: Engine
) -> None:
    item = carded_events(demo_db[0], None, 1)[0]
    with core.begin() as conn:
        before = conn.execute(
            text("select handling_dept from core.grid_events where event_no = :i"), {"i": item}
        ).scalar_one()
        conn.execute(
            text("update core.grid_events set handling_dept = :v where event_no = :i"),
            {"v": "城管 一三八 一二三四 五六七八", "i": item},
        )
    try:
        body = page(leader, demo_app, f"/item/{item}")
        assert "城管" in body and not leaked(body), leaked(body)
    finally:
        with core.begin() as conn:
            conn.execute(
                text("update core.grid_events set handling_dept = :v where event_no = :i"),
                {"v": before, "i": item},
            )
