"""Officers judge alerts where they see them: who may, in which scope, what a forged call does, and
how the state shows on the map, the lists and the counts.

Every call is posted as the browser posts it, signed in as a real user of the demo (a leader, the
chiefs of two stations, a grid worker); the database is read as its owner to check what was
written. The verdicts are removed after each test (the demo is shared); their audit rows stay.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import dash
import pytest
from sqlalchemy import Engine, text

from dashboard.context import AppContext
from dashboard.periods import Period, Week, now
from dashboard.queries import breakdowns, indicators
from dashboard.queries.areas import Area
from dashboard.scope import Scope
from etl.users import add_user
from tests.support.accounts import PASSWORD, chief, login
from tests.support.dash_calls import dash_call, key_of
from tests.support.supervising import signed_in

pytestmark = pytest.mark.db


@pytest.fixture
def judged(core: Engine) -> Iterator[None]:
    """Whatever verdicts a test gives are gone after it (the audit keeps its rows)."""
    yield
    with core.begin() as conn:
        conn.execute(text("delete from ops.alert_verdicts"))
        conn.execute(text("delete from ops.alert_verdict_log"))


@pytest.fixture(scope="module")
def clients(demo_app: dash.Dash, accounts: dict[str, Any]) -> dict[str, Any]:
    return signed_in(demo_app, "leader", "chief_a", "chief_b", "worker")


def an_alert(core: Engine, where: str, **params: Any) -> dict[str, Any]:
    with core.connect() as conn:
        row = conn.execute(
            text(
                "select alert_id, alert_kind, subject_code, station_code, grid_code, building_code "
                f"from core.alerts where {where} order by score desc nulls last, alert_id limit 1"
            ),
            params,
        ).mappings()
        return dict(row.one())


def show(client: Any, app: dash.Dash, alert: Any) -> tuple[int, str]:
    return dash_call(
        client, app, key_of(app, "alert-verdict-form.style"), {("alert-selected", "data"): alert}
    )


def submit(client: Any, app: dash.Dash, alert: Any, state: Any, note: Any) -> tuple[int, str]:
    return dash_call(
        client,
        app,
        key_of(app, "alert-judged.data"),
        {
            ("alert-verdict-submit", "n_clicks"): 1,
            ("alert-selected", "data"): alert,
            ("alert-verdict-state", "value"): state,
            ("alert-verdict-note", "value"): note,
            ("alert-judged", "data"): 0,
        },
    )


def verdicts(core: Engine) -> list[tuple[Any, ...]]:
    with core.connect() as conn:
        rows = conn.execute(
            text("select alert_kind, subject_code, state, note, decided_by from ops.alert_verdict_log")
        ).all()
    return [tuple(r) for r in rows]


def audited(core: Engine, since: int) -> list[tuple[Any, ...]]:
    with core.connect() as conn:
        rows = conn.execute(
            text(
                "select username, result from ops.audit where action = 'alert_verdict' and audit_id > :s "
                "order by audit_id"
            ),
            {"s": since},
        ).all()
    return [tuple(r) for r in rows]


def last_audit(core: Engine) -> int:
    with core.connect() as conn:
        return int(conn.execute(text("select coalesce(max(audit_id), 0) from ops.audit")).scalar_one())


def unchanged(status: int, body: str) -> bool:
    return status == 204 or (status == 200 and json.loads(body) == {"multi": True, "response": {}})


def test_only_officers_in_scope_see_and_judge_an_alert(
    demo_app: dash.Dash, clients: dict[str, Any], accounts: dict[str, Any], core: Engine, judged: None
) -> None:
    (a,) = accounts["chief_a"].stations
    (grid,) = accounts["worker"].grids
    mine = an_alert(core, "station_code = :a and grid_code <> :g", a=a, g=grid)
    since = last_audit(core)
    # seeing: the leadership reads without a form, the chief of the station reads and may judge,
    # a chief of another station and a grid worker of another grid see nothing of it
    for who, seen, form in (
        ("leader", True, "none"),
        ("chief_a", True, "block"),
        ("chief_b", False, "none"),
        ("worker", False, "none"),
    ):
        status, body = show(clients[who], demo_app, mine["alert_id"])
        assert status == 200 and f'"display": "{form}"' in body, (who, body[:300])
        assert ("不存在或不在您的辖区" in body) is not seen, who
        assert mine["subject_code"] not in body  # the subject (a person's keyed hash) stays out
    # and a chief reads an alert of their own station (not merely "not another's"): the chief of a
    # station with alerts, whichever it is on the ground drawn (chief_b's may have none)
    theirs = an_alert(core, "station_code <> :a", a=a)
    owner = str(core.url.render_as_string(hide_password=False))
    add_user(owner, "chief_c", "station_chief", PASSWORD, [theirs["station_code"]], display_name="丙所长")
    chief_c = demo_app.server.test_client()
    login(chief_c, "chief_c")
    status, body = show(chief_c, demo_app, theirs["alert_id"])
    assert status == 200 and '"display": "block"' in body and "不存在或不在您的辖区" not in body
    # judging: refused to the leadership, to others' scopes and without a reason; every attempt audited
    answers = {
        "leader": "只能查看预警",
        "chief_b": "不存在或不在您的辖区",
        "worker": "不存在或不在您的辖区",
    }
    for who, answer in answers.items():
        status, body = submit(clients[who], demo_app, mine["alert_id"], "false", "不是群租，一家人")
        assert status == 200 and answer in body, (who, body[:300])
    status, body = submit(clients["chief_a"], demo_app, mine["alert_id"], "false", " ")
    assert "写明原因" in body
    assert verdicts(core) == []
    status, body = submit(clients["chief_a"], demo_app, mine["alert_id"], "false", "房东亲属，已核实")
    assert status == 200 and "已提交：不属实" in body and "房东亲属，已核实" in body and "甲所长" in body
    assert verdicts(core) == [
        (mine["alert_kind"], mine["subject_code"], "false", "房东亲属，已核实", "chief_a")
    ]
    assert audited(core, since) == [
        ("leader", "refused_role"),
        ("chief_b", "not_found"),
        ("worker", "not_found"),
        ("chief_a", "refused_reason"),
        ("chief_a", "ok"),
    ]
    # the history is seen with the alert only: the other station's chief still sees nothing
    status, body = show(clients["chief_b"], demo_app, mine["alert_id"])
    assert "房东亲属" not in body and "不存在或不在您的辖区" in body


def test_forged_verdict_calls_change_nothing(
    demo_app: dash.Dash, clients: dict[str, Any], accounts: dict[str, Any], core: Engine, judged: None
) -> None:
    (a,) = accounts["chief_a"].stations
    alert = an_alert(core, "station_code = :a", a=a)["alert_id"]
    since = last_audit(core)
    client = clients["chief_a"]
    for forged_alert, state, note in (
        ("1 or 1=1", "false", "理由充分的说明"),
        (-1, "confirmed", ""),
        (10**20, "confirmed", ""),
        ([alert], "confirmed", ""),
        ({"alert_id": alert}, "confirmed", ""),
        (True, "confirmed", ""),
        (alert, "open", ""),  # a state nobody may set
        (alert, "'; delete from ops.alert_verdicts; --", ""),
        (alert, ["false"], "理由"),
        (alert, "confirmed", "长" * 501),
        (alert, "confirmed", {"note": 1}),
    ):
        status, body = submit(client, demo_app, forged_alert, state, note)
        assert unchanged(status, body), (forged_alert, state, str(note)[:20], status, body[:200])
    for forged_alert in ("1 or 1=1", -1, [alert], None, 10**20):
        assert unchanged(*show(client, demo_app, forged_alert))
    # a list button or map marker naming an alert out of bounds opens nothing
    (pick,) = [
        k
        for k, spec in demo_app.callback_map.items()
        if k.startswith("alert-selected.data") and spec["inputs"][0]["id"] == "map-alerts"
    ]
    status, body = dash_call(
        client, demo_app, pick, {("map-alerts", "clickData"): {"properties": {"code": "x' or 1=1"}}}
    )
    assert unchanged(status, body)
    assert verdicts(core) == [] and audited(core, since) == []


def test_the_state_shows_on_the_map_the_lists_and_the_counts(
    demo_app: dash.Dash,
    c: AppContext,
    clients: dict[str, Any],
    accounts: dict[str, Any],
    core: Engine,
    judged: None,
) -> None:
    (a,) = accounts["chief_a"].stations
    alert = an_alert(core, "station_code = :a and building_code is not null", a=a)
    client = clients["chief_a"]
    route = key_of(demo_app, "page.children")
    running = Period(Week.containing(now()))
    past = Period(Week.containing(now()).previous())

    def counts() -> tuple[int, int, int, int]:
        with c.acting_as(chief(a)):
            area = Area("station", a)
            by_kind = {
                r["alert_kind"]: r["n"] for r in breakdowns.alerts_by_kind(c.url, Scope.of(a), area, running)
            }
            return (
                indicators.kpis(c.url, Scope.of(a), area, running)["alerts"],
                indicators.kpis(c.url, Scope.of(a), area, past)["alerts"],
                by_kind.get(alert["alert_kind"], 0),
                indicators.kpis(c.url, Scope.of(a), Area("grid", alert["grid_code"]), running)["alerts"],
            )

    def marker() -> dict[str, Any]:
        _status, body = dash_call(client, demo_app, route, {("url", "pathname"): "/"})
        layer = json.loads(body)["response"]["page"]["children"]
        found = [
            f for f in _features(layer, "map-alerts") if f["properties"]["code"] == str(alert["alert_id"])
        ]
        return found[0]["properties"]

    before = counts()
    assert "待核实" in marker()["tooltip"] and marker()["colour"] == "#cf222e"
    status, body = dash_call(client, demo_app, route, {("url", "pathname"): f"/grid/{alert['grid_code']}"})
    assert "预警（未结" in body and "待核实" in body
    status, body = submit(client, demo_app, alert["alert_id"], "resolved", "已清理，房东签承诺书")
    assert "已提交：已处置" in body
    after = counts()
    # closed now: no longer open in the running week, by kind and in its grid; last week stays as it was
    assert after == (before[0] - 1, before[1], before[2] - 1, before[3] - 1), (before, after)
    assert "已处置" in marker()["tooltip"] and marker()["colour"] == "#1a7f37"
    for path in (f"/grid/{alert['grid_code']}", f"/building/{alert['building_code']}"):
        status, body = dash_call(client, demo_app, route, {("url", "pathname"): path})
        assert status == 200 and "已处置" in body, path
    # the leadership reads the state too, and the precision counts the verdict
    status, body = dash_call(clients["leader"], demo_app, route, {("url", "pathname"): "/audit"})
    assert "告警规则准确率" in body and "100%" in body


def _features(node: Any, ident: str) -> list[dict[str, Any]]:
    """The features of the GeoJSON component ``ident`` anywhere in a rendered layout."""
    if isinstance(node, list):
        return [f for n in node for f in _features(n, ident)]
    if not isinstance(node, dict):
        return []
    props = node.get("props", {})
    if props.get("id") == ident and isinstance(props.get("data"), dict):
        return list(props["data"]["features"])
    return [f for v in props.values() for f in _features(v, ident)]


def test_a_grid_worker_judges_the_alerts_of_their_grid_and_their_chief_sees_it(
    demo_app: dash.Dash, clients: dict[str, Any], accounts: dict[str, Any], core: Engine, judged: None
) -> None:
    (grid,) = accounts["worker"].grids
    alert = an_alert(core, "grid_code = :g", g=grid)
    worker = clients["worker"]
    status, body = show(worker, demo_app, alert["alert_id"])
    assert status == 200 and '"display": "block"' in body
    status, body = submit(worker, demo_app, alert["alert_id"], "checking", "")  # only 不属实 needs a note
    assert "已提交：核实中" in body
    status, body = dash_call(
        worker, demo_app, key_of(demo_app, "page.children"), {("url", "pathname"): "/mine"}
    )
    assert status == 200 and "核实中" in body
    # the chief of the grid's station reads who judged it, in its history
    status, body = show(clients["chief_a"], demo_app, alert["alert_id"])
    assert "核实中" in body and "网格员" in body
    assert verdicts(core) == [(alert["alert_kind"], alert["subject_code"], "checking", "", "worker")]
