"""督办 on the governance side: a town leader supervises and closes the carded items of their own
town, from the item's page as the browser posts it; forged calls — a town leader on another town's
item, a village officer, a station chief outside their scope — are refused by the database, write
nothing and leave a trace. The town check holds even when the signed scope reaches further.

Supervisions are removed after each test (the demo is shared); audit rows stay.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dash
import pytest
from sqlalchemy import Engine, create_engine, text

from dashboard.scope import Scope
from etl.db import normalise_url
from tests.support.accounts import login, sign
from tests.support.supervising import audited, close_call, last_audit, open_call, page, rows

pytestmark = pytest.mark.db


@pytest.fixture
def clean(core: Engine) -> Iterator[None]:
    def wipe() -> None:
        with core.begin() as conn:
            conn.execute(text("delete from ops.supervisions"))

    wipe()
    yield
    wipe()


@pytest.fixture(scope="module")
def clients(demo_app: dash.Dash, accounts: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name in ("leader", "chief_a", "chief_b", "towner", "villager"):
        out[name] = demo_app.server.test_client()
        login(out[name], name)
    return out


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
