"""Supervisions (督办) through deliveries and roles: they are keyed by the item's source key, so
re-sent and changed deliveries keep them; one whose item a delivery closes is closed with the
reason item_closed, the others stay open. Only the roles allowed open and close them, a station
chief only inside their scope; every attempt is audited, and the application role writes nothing
itself."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from common.china import TZ
from dashboard.scope import Scope
from etl.warehouse import Warehouse
from tests.support.accounts import sign
from tests.support.deliveries import carded_events, closing, demo_database, load

pytestmark = pytest.mark.db

TODAY = datetime.now(TZ).date()  # the deadline's calendar is Beijing's
DEADLINE = TODAY + timedelta(days=7)


@pytest.fixture(scope="module")
def loaded(
    warehouse: Warehouse, test_db_url: str, demo_manifest: Path
) -> Iterator[tuple[str, Engine, Engine]]:
    owner_url, app_url = demo_database(warehouse, test_db_url, demo_manifest, "supervision")
    owner, app = create_engine(owner_url), create_engine(app_url)
    yield owner_url, owner, app
    owner.dispose()
    app.dispose()


def acting(app: Engine, token: str, sql: str, **params: Any) -> list[dict[str, Any]]:
    """Run ``sql`` as the dashboard does: the application role under a signed scope."""
    with app.begin() as conn:
        conn.execute(text("select set_config('onemap.scope', :t, true)"), {"t": token})
        return [dict(r) for r in conn.execute(text(sql), params).mappings()]


def supervise(
    app: Engine, token: str, item: str, note: str = "请三日内办结并反馈", unit: str = "城管"
) -> str:
    found = acting(
        app,
        token,
        "select ops.supervise('grid_event', :i, :n, :u, :d) as r",
        i=item,
        n=note,
        u=unit,
        d=DEADLINE,
    )
    return str(found[0]["r"])


def station_of(owner: Engine, item: str) -> str:
    with owner.connect() as conn:
        return str(
            conn.execute(
                text("select station_code from core.grid_events where event_no = :e"), {"e": item}
            ).scalar()
        )


def states(owner: Engine) -> dict[str, tuple[str, str | None]]:
    with owner.connect() as conn:
        rows = conn.execute(text("select item_no, state, closed_reason from ops.supervisions")).all()
    return {r[0]: (r[1], r[2]) for r in rows}


def audited(owner: Engine, action: str) -> list[tuple[str, str]]:
    with owner.connect() as conn:
        rows = conn.execute(
            text("select username, result from ops.audit where action = :a order by audit_id"), {"a": action}
        ).all()
    return [(r[0], r[1]) for r in rows]


def test_supervisions_survive_resent_and_changed_deliveries(
    loaded: tuple[str, Engine, Engine], demo_manifest: Path, tmp_path: Path
) -> None:
    url, owner, app = loaded
    leader = sign(Scope.everything(), "leadership", "leader")
    closed_one, kept_one, kept_two = carded_events(url, limit=3)
    for item in (closed_one, kept_one, kept_two):
        assert supervise(app, leader, item) == "ok"
    assert supervise(app, leader, kept_one) == "already_open"  # once at a time
    # the same files again: nothing loads, nothing is lost
    assert set(load(url, demo_manifest)) == {"unchanged"}
    assert states(owner) == {i: ("open", None) for i in (closed_one, kept_one, kept_two)}
    # the next delivery closes one item (and re-sends the others as they were)
    changed = closing(demo_manifest, tmp_path / "next", [closed_one])
    assert "loaded" in load(url, changed)
    assert states(owner) == {
        closed_one: ("closed", "item_closed"),
        kept_one: ("open", None),
        kept_two: ("open", None),
    }
    shown = acting(app, leader, "select * from serve.supervisions where item_no = :i", i=closed_one)
    assert shown[0]["state"] == "closed" and shown[0]["item_closed_at"] is not None
    assert shown[0]["closed_by"].startswith("cli:")
    with owner.connect() as conn:
        log = conn.execute(
            text(
                "select l.action from ops.supervision_log l join ops.supervisions s using (supervision_id) "
                "where s.item_no = :i order by l.log_id"
            ),
            {"i": closed_one},
        ).scalars()
        assert list(log) == ["open", "item_closed"]
    assert [r for _u, r in audited(owner, "supervise_item_closed")] == ["ok"]
    # and once more: a closed supervision stays closed, an open one stays open
    assert set(load(url, changed)) == {"unchanged"}
    assert states(owner)[closed_one] == ("closed", "item_closed")
    assert states(owner)[kept_one] == ("open", None)
    # a closed item can no longer be supervised
    assert supervise(app, leader, closed_one) == "not_carded"


def test_roles_and_scope_decide_who_opens_and_closes(loaded: tuple[str, Engine, Engine]) -> None:
    url, owner, app = loaded
    item = carded_events(url, limit=6)[-1]
    station = station_of(owner, item)
    with owner.connect() as conn:
        other = conn.execute(
            text("select station_code from core.police_stations where station_code <> :s limit 1"),
            {"s": station},
        ).scalar_one()
    outsider = sign(Scope.of(other), "station_chief", "chief_b")
    insider = sign(Scope.of(station), "station_chief", "chief_a")
    worker = sign(Scope.of(station), "grid_worker", "worker")
    wall = sign(Scope.everything(), "wall", "screen")
    assert supervise(app, outsider, item) == "not_found"  # out of scope looks like no such item
    assert supervise(app, worker, item) == "refused_role"
    assert supervise(app, wall, item) == "refused_role"
    assert supervise(app, insider, item, note="短") == "refused_reason"
    assert supervise(app, insider, item, unit="") == "refused_unit"
    past = acting(
        app,
        insider,
        "select ops.supervise('grid_event', :i, '请尽快办结', '城管', :d) as r",
        i=item,
        d=TODAY - timedelta(days=1),
    )
    assert past[0]["r"] == "refused_deadline"
    assert supervise(app, insider, item) == "ok"
    # the outsider neither sees it nor closes it; the insider closes it by hand with a result
    assert acting(app, outsider, "select * from serve.supervisions where item_no = :i", i=item) == []
    assert acting(app, outsider, "select * from ops.supervisions where item_no = :i", i=item) == []
    close = "select ops.supervise_close('grid_event', :i, :r) as r"
    assert acting(app, outsider, close, i=item, r="已现场处置完毕")[0]["r"] == "not_found"
    assert acting(app, worker, close, i=item, r="已现场处置完毕")[0]["r"] == "refused_role"
    assert acting(app, insider, close, i=item, r="好")[0]["r"] == "refused_reason"
    assert acting(app, insider, close, i=item, r="已现场处置完毕")[0]["r"] == "ok"
    shown = acting(app, insider, "select * from serve.supervisions where item_no = :i", i=item)
    assert [(s["state"], s["closed_reason"], s["result"]) for s in shown] == [
        ("closed", "by_hand", "已现场处置完毕")
    ]
    # every attempt is in the audit, in the name the scope signs, refused or not
    opened = audited(owner, "supervise_open")
    assert ("chief_b", "not_found") in opened and ("worker", "refused_role") in opened
    assert ("screen", "refused_role") in opened and ("chief_a", "ok") in opened
    assert ("chief_b", "not_found") in audited(owner, "supervise_close")


def test_the_application_role_cannot_write_supervisions_itself(loaded: tuple[str, Engine, Engine]) -> None:
    url, _owner, app = loaded
    leader = sign(Scope.everything(), "leadership", "leader")
    item = carded_events(url, limit=1)[0]
    for sql in (
        "insert into ops.supervisions (item_kind, item_no, card, note, unit, deadline, opened_by) "
        "values ('grid_event', :i, 'red', 'note', 'unit', current_date, 'x')",
        "update ops.supervisions set state = 'closed' where item_no = :i",
        "select ops.supervisions_close_done('x')",
    ):
        with pytest.raises(DBAPIError, match="permission denied"):
            acting(app, leader, sql, i=item)
    with pytest.raises(DBAPIError, match="no signed-in user"):
        acting(
            app,
            "forged|*|*|leadership|leader|~00",
            "select ops.supervise('grid_event', :i, 'a', 'b', current_date)",
            i=item,
        )
