"""An officer's verdict through deliveries: a unit or sensor found false stays quiet when the next
delivery brings the same evidence, and is alerted again, as not yet judged, when one brings more.

The cases are written in the agencies' file formats (tests/support/alert_area.py) and every
delivery goes through the loader, which derives the alerts itself; verdicts are given as the
dashboard gives them (the application role, a signed scope).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Engine, create_engine, text

from dashboard.scope import Scope
from etl.demo.alert_cases import Planter
from etl.load import Loader
from etl.manifest import read_manifest
from etl.warehouse import Warehouse
from tests.support.accounts import sign
from tests.support.alert_area import SMART, building_codes, write_alert_area
from tests.support.database import fresh_database

pytestmark = pytest.mark.db

END = datetime(2026, 11, 20, 12, 0)  # the feeds end here (Beijing time)
CASES = 8
# the planted area has no stations: a chief of the whole area stands for the one in scope
JUDGE = sign(Scope.everything(), "station_chief", "chief")


@pytest.fixture(scope="module")
def area(
    warehouse: Warehouse, test_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Planter, dict[str, str], list[str], str, Engine, Engine]]:
    """The planter, its cases, the spare buildings, and a database with the first delivery loaded
    (owner's and application role's engines)."""
    p = Planter(np.random.default_rng(1818), END, "440118")
    b = building_codes(CASES)
    s = {
        "group": p.group_rental(b[0], 0, 40.0, 9),
        "elderly": p.elderly(b[1], 85, 30),
        "active": p.elderly(b[2], 75, 3),
    }
    for _ in range(3):
        p.sensor(SMART, "face_camera", 0)
    s["smoke"] = p.sensor(SMART, "smoke", 26 * 60)
    url = fresh_database(warehouse, test_db_url, "verdicts")
    deliver(p, url, tmp_path_factory.mktemp("first"))
    owner, app = create_engine(url), create_engine(warehouse.app_url_for(url))
    yield p, s, b[3:], url, owner, app
    owner.dispose()
    app.dispose()


def deliver(p: Planter, url: str, root: Path) -> list[str]:
    """Write the planter's cases as a delivery and load it; each source's status."""
    root.mkdir(parents=True, exist_ok=True)
    reports = Loader(url, read_manifest(write_alert_area(root, p, CASES))).run()
    assert all(r.status in ("loaded", "unchanged") and not r.quarantined for r in reports), [
        (r.source, r.status, r.message) for r in reports
    ]
    return [r.status for r in reports]


def alerted(owner: Engine) -> dict[tuple[str, str], dict[str, Any]]:
    """(kind, subject) → the alert (a unit may be alerted by two rules)."""
    with owner.connect() as conn:
        rows = conn.execute(text("select * from core.alerts")).mappings().all()
    return {(r["alert_kind"], r["subject_code"]): dict(r) for r in rows}


def as_officer(app: Engine, sql: str, **params: Any) -> list[dict[str, Any]]:
    with app.begin() as conn:
        conn.execute(text("select set_config('onemap.scope', :t, true)"), {"t": JUDGE})
        return [dict(r) for r in conn.execute(text(sql), params).mappings()]


def test_false_stays_quiet_on_the_same_evidence_and_comes_back_open_on_more(
    area: tuple[Planter, dict[str, str], list[str], str, Engine, Engine], tmp_path: Path
) -> None:
    p, s, spare, url, owner, app = area
    group, smoke = ("group_rental", s["group"]), ("sensor_offline", s["smoke"])
    first = alerted(owner)
    assert {group, smoke} <= set(first)
    assert any(a["alert_kind"] == "elderly_no_access" for a in first.values())
    group_evidence = first[group]["metric"]
    for kind, subject in (group, smoke):
        (row,) = as_officer(
            app, "select ops.alert_verdict(:k, :s, 'false', '现场核实：误报') as r", k=kind, s=subject
        )
        assert row["r"] == "ok"
    # judged: closed at once, still on the map until the next delivery
    states = {
        (r["alert_kind"], r["subject_code"]): r
        for r in as_officer(app, "select alert_kind, subject_code, state, open_until from serve.alerts")
    }
    assert states[group]["state"] == "false" and states[group]["open_until"] is not None
    # the same unit's other rule was not judged: it stays open
    assert states[("unregistered_occupants", s["group"])]["state"] == "open"
    # the next delivery: the same evidence for the unit and the sensor, one more resident elsewhere
    p.elderly(spare[0], 72, 2)
    assert "loaded" in deliver(p, url, tmp_path / "second")
    now = alerted(owner)
    assert group not in now and smoke not in now
    assert any(a["alert_kind"] == "elderly_no_access" for a in now.values())  # nobody judged that one
    # a delivery bringing more: a tenth credential on the unit's reader at night
    device = next(d["device_code"] for d in p.devices if d["building_code"] == s["group"][:18])
    p.nights(device, p.card(), s["group"], 5)
    assert "loaded" in deliver(p, url, tmp_path / "third")
    again = alerted(owner)
    assert group in again and again[group]["metric"] > group_evidence
    assert smoke not in again  # its silence runs on: still the evidence judged
    (shown,) = as_officer(
        app,
        "select alert_id, state, open_until from serve.alerts "
        "where alert_kind = 'group_rental' and subject_code = :s",
        s=s["group"],
    )
    assert shown["state"] == "open" and shown["open_until"] is None  # nobody has judged this evidence
    history = as_officer(
        app,
        "select state, note, decided_by from serve.alert_history where alert_id = :a",
        a=shown["alert_id"],
    )
    assert history == [{"state": "false", "note": "现场核实：误报", "decided_by": "chief"}]
    # the verdict still counts in the rule's precision
    with owner.connect() as conn:
        rejected = conn.execute(
            text("select rejected from serve.alert_precision where alert_kind = 'group_rental'")
        ).scalar()
    assert rejected == 1


def test_verdicts_are_read_with_their_alert_and_written_only_by_the_function(
    area: tuple[Planter, dict[str, str], list[str], str, Engine, Engine],
) -> None:
    from sqlalchemy.exc import ProgrammingError

    _, _, _, _, owner, app = area
    with owner.connect() as conn:
        held = conn.execute(text("select count(*) from ops.alert_verdict_log")).scalar()
    seen = as_officer(app, "select count(*) as n from ops.alert_verdict_log")[0]["n"]
    assert held is not None and seen <= held
    with app.begin() as conn:  # a scope of nothing: no alert, so no verdict either
        conn.execute(
            text("select set_config('onemap.scope', :t, true)"),
            {"t": sign(Scope.of("nowhere"), "station_chief")},
        )
        assert conn.execute(text("select count(*) from ops.alert_verdict_log")).scalar() == 0
        assert conn.execute(text("select count(*) from ops.alert_verdicts")).scalar() == 0
    for statement in (
        "insert into ops.alert_verdicts (alert_kind, subject_code, state, reason, decided_by) "
        "values ('group_rental', 'x', 'false', 'x', 'chief')",
        "update ops.alert_verdict_log set state = 'confirmed'",
        "delete from ops.alert_verdicts",
    ):
        with pytest.raises(ProgrammingError, match="permission denied"), app.begin() as conn:
            conn.execute(text("select set_config('onemap.scope', :t, true)"), {"t": JUDGE})
            conn.execute(text(statement))
