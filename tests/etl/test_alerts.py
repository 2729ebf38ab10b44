"""The alert rules on cases just above and below each threshold and on each class of decoy.

One small area is written in the agencies' file formats with a case per building (see
tests/support/alert_area.py) and loaded through the loader, which derives the alerts; every test
reads which subjects were alerted and why.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine, create_engine, text

from etl.db import connect_raw
from etl.demo.alert_cases import Planter
from etl.derive import count_credentials, derive_alerts
from etl.load import Loader
from etl.manifest import read_manifest
from etl.settings import EtlSettings
from etl.sql import read_sql
from etl.warehouse import Warehouse
from tests.support.alert_area import SMART, building_codes, write_alert_area
from tests.support.database import fresh_database

pytestmark = pytest.mark.db

END = datetime(2026, 11, 20, 12, 0)  # the feeds end here (Beijing time)
CASES = 40  # buildings, one case each


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Planter, dict[str, str], Path]:
    """The cases: name → subject (unit code, ID number or device code); and the manifest."""
    p = Planter(np.random.default_rng(18), END, "440118")
    b = iter(building_codes(CASES))
    s: dict[str, str] = {}
    # group rental: 3 nights, registered + 2, 5 m² a person
    s["group_above"] = p.group_rental(next(b), 1, None, 4, nights=3)
    s["group_below"] = p.group_rental(next(b), 1, None, 3, nights=5)
    s["group_two_nights"] = p.group_rental(next(b), 0, None, 6, nights=2)
    s["group_area_below"] = p.group_rental(next(b), 0, 40.0, 8)
    s["group_area_above"] = p.group_rental(next(b), 0, 40.0, 9)
    s["group_nobody"] = p.group_rental(next(b), 0, 38.0, 11)
    s["guests"] = p.group_rental(next(b), 2, 40.0, 2, 10, residents=2, guests=8, guest_nights=2, visitors=3)
    s["family"] = p.group_rental(next(b), 1, None, 5, 10, residents=5)
    # unregistered occupants: 3 days
    s["unreg_above"] = p.occupied(next(b), 1, 3)
    s["unreg_below"] = p.occupied(next(b), 2, 2)
    s["landlord"] = p.occupied(next(b), 1, 2, every=7, hour=14)
    # elderly living alone: 48 h from 70, 24 h from 80, own baseline × 1.25, readers quiet 12 h
    s["e70_above"] = p.elderly(next(b), 75, 49.6)
    s["e70_below"] = p.elderly(next(b), 75, 47.5)
    s["e80_above"] = p.elderly(next(b), 85, 24.5)
    s["e80_below"] = p.elderly(next(b), 85, 23.5)
    s["baseline_below"] = p.elderly(next(b), 75, 70, every_hours=60)
    s["baseline_above"] = p.elderly(next(b), 75, 80, every_hours=60)
    s["owner_silent"] = p.elderly(next(b), 78, 50, owner=True)
    s["owner_active"] = p.elderly(next(b), 78, 3, owner=True)
    s["reader_dead"] = p.elderly(next(b), 85, 60, reader_stop_hours=12.5)
    s["reader_alive"] = p.elderly(next(b), 85, 60, reader_stop_hours=11.5)
    s["reader_offline"] = p.elderly(next(b), 85, 60, reader_online=False)
    s["fast_reader"] = p.elderly(next(b), 85, 3, skew_minutes=2 * 24 * 60)
    never = next(b)
    p.reader(never)
    s["never_seen"] = p.person(never, None, 80, alone=True, card=p.card())
    # sensors: heartbeat interval × 3 (cameras 10 min, gates 30, smoke 480)
    for _ in range(3):
        p.sensor(SMART, "face_camera", 0)
    s["camera_above"] = p.sensor(SMART, "face_camera", 31)
    s["camera_below"] = p.sensor(SMART, "face_camera", 29)
    s["gate_above"] = p.sensor(SMART, "barrier", 91)
    s["gate_below"] = p.sensor(SMART, "barrier", 89)
    s["smoke_above"] = p.sensor(SMART, "smoke", 24 * 60 + 6)
    s["smoke_below"] = p.sensor(SMART, "smoke", 24 * 60 - 6)
    s["never_beat"] = p.sensor(SMART, "smoke", None)
    s["flapping"] = p.sensor(SMART, "face_camera", 5, online=False)
    s["flag_only"] = p.sensor(SMART, "smoke", 30, online=False)
    s["fast_sensor"] = p.sensor(SMART, "face_camera", -2 * 24 * 60)
    root = tmp_path_factory.mktemp("alerts")
    return p, s, write_alert_area(root, p, CASES)


@pytest.fixture(scope="module")
def loaded(
    warehouse: Warehouse, test_db_url: str, planted: tuple[Planter, dict[str, str], Path]
) -> Iterator[tuple[str, Engine]]:
    url = fresh_database(warehouse, test_db_url, "alerts")
    reports = Loader(url, read_manifest(planted[2])).run()
    assert all(r.status == "loaded" and not r.quarantined for r in reports), [
        (r.source, r.status, r.message, r.reasons) for r in reports if r.status != "loaded" or r.quarantined
    ]
    engine = create_engine(url)
    yield url, engine
    engine.dispose()


def alerts(engine: Engine) -> dict[tuple[str, str], dict]:
    """(kind, subject) → the alert's row."""
    with engine.connect() as conn:
        rows = conn.execute(text("select * from core.alerts")).mappings().all()
    return {(r["alert_kind"], r["subject_code"]): dict(r) for r in rows}


def person_subject(engine: Engine, id_number: str) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(
                text(
                    "select 'P' || left(encode(hmac(convert_to(p.id_number, 'UTF8'), "
                    "hmac(convert_to('onemap alert subject v1', 'UTF8'), k.key, 'sha256'), 'sha256'), "
                    "'hex'), 20) from core.persons p, ops.scope_key k where p.id_number = :i"
                ),
                {"i": id_number},
            ).scalar()
        )


def alerted(engine: Engine, planted: tuple[Planter, dict[str, str], Path], kind: str) -> set[str]:
    """Names of the planted cases alerted by ``kind``."""
    _, s, _ = planted
    got = alerts(engine)
    subject = {n: person_subject(engine, v) if kind == "elderly_no_access" else v for n, v in s.items()}
    return {n for n, v in subject.items() if (kind, v) in got}


def reason(engine: Engine, kind: str, subject: str) -> str:
    return str(alerts(engine)[(kind, subject)]["reason"])


def test_group_rental_counts_night_credentials_against_registration_and_area(
    loaded: tuple[str, Engine], planted: tuple[Planter, dict[str, str], Path]
) -> None:
    _, engine = loaded
    found = alerted(engine, planted, "group_rental")
    assert found == {"group_above", "group_area_above", "group_nobody"}  # never guests, family, 2 nights
    s = planted[1]
    assert reason(engine, "group_rental", s["group_nobody"]) == (
        "近14天夜间活跃门禁卡11张，登记租客0人，登记住户0人，面积38㎡，此前13天0张"
    )
    assert (
        reason(engine, "group_rental", s["group_above"])
        == "近14天夜间活跃门禁卡4张，登记租客1人，登记住户0人，此前13天0张"
    )
    got = alerts(engine)
    ranked = sorted(found, key=lambda n: -got[("group_rental", s[n])]["score"])
    assert ranked[0] == "group_nobody"  # nobody registered and eleven cards ranks first


def test_unregistered_occupants_need_several_days_not_a_landlords_visit(
    loaded: tuple[str, Engine], planted: tuple[Planter, dict[str, str], Path]
) -> None:
    _, engine = loaded
    found = alerted(engine, planted, "unregistered_occupants")
    assert {"unreg_above"} <= found
    assert not found & {"unreg_below", "landlord", "guests", "family", "group_above"}
    assert reason(engine, "unregistered_occupants", planted[1]["unreg_above"]) == (
        "近14天1张门禁卡分别在3个不同日期出入，出租屋无登记租客、无登记住户"
    )


def test_elderly_alone_by_tier_baseline_and_a_live_reader(
    loaded: tuple[str, Engine], planted: tuple[Planter, dict[str, str], Path]
) -> None:
    _, engine = loaded
    found = alerted(engine, planted, "elderly_no_access")
    assert found == {
        "e70_above",
        "e80_above",
        "baseline_above",
        "owner_silent",
        "reader_alive",
        "never_seen",
    }
    e70 = reason(engine, "elderly_no_access", person_subject(engine, planted[1]["e70_above"]))
    assert e70.startswith("独居老人（70岁以上）已49.6小时无门禁记录（此前最长间隔12小时）"), e70
    never = reason(engine, "elderly_no_access", person_subject(engine, planted[1]["never_seen"]))
    days = float(never.split("近")[1].split("天")[0])
    assert days <= 28  # a feed of 27 days never says 90


def test_sensors_by_their_kinds_heartbeat_never_by_the_flag_alone(
    loaded: tuple[str, Engine], planted: tuple[Planter, dict[str, str], Path]
) -> None:
    _, engine = loaded
    found = alerted(engine, planted, "sensor_offline")
    assert found == {"camera_above", "gate_above", "smoke_above", "never_beat"}  # healthy ones stay quiet
    s = planted[1]
    assert reason(engine, "sensor_offline", s["smoke_above"]) == "感知设备最后心跳在24.1小时前"
    assert reason(engine, "sensor_offline", s["never_beat"]) == "感知设备无心跳记录"
    assert alerts(engine)[("sensor_offline", s["never_beat"])]["metric"] is None


# each unit's credentials counted afresh, one row per day as the rules define them
AFRESH = """
select unit_code, card_no,
       count(distinct day) filter (where night and current) as nights,
       count(distinct day) filter (where current) as days,
       count(distinct day) filter (where night and not current) as prior_nights
from (
    select e.unit_code, e.card_no,
           (e.event_time at time zone 'Asia/Shanghai' - make_interval(hours => %(night_end_hour)s))::date
               as day,
           extract(hour from e.event_time at time zone 'Asia/Shanghai') >= %(night_start_hour)s
               or extract(hour from e.event_time at time zone 'Asia/Shanghai') < %(night_end_hour)s as night,
           (e.event_time at time zone 'Asia/Shanghai' - make_interval(hours => %(night_end_hour)s))::date
               > (%(access_now)s::timestamptz at time zone 'Asia/Shanghai'
                  - make_interval(hours => %(night_end_hour)s))::date - %(window_days)s as current
    from core.access_events e
    where e.event_time > %(access_now)s::timestamptz - make_interval(days => %(history_days)s)
      and e.method is distinct from 'password' and e.unit_code is not null
) d
group by 1, 2
"""
# a reader whose clock runs far ahead: a card's events 70 and 200 days on, by day and by night
AHEAD = """
insert into core.access_events (device_code, event_time, card_no, district_code, unit_code, building_code,
                                method, direction)
select device_code, event_time + make_interval(days => d.n, hours => d.h), card_no, district_code, unit_code,
       building_code, method, direction
from (select * from core.access_events where unit_code is not null and method is distinct from 'password'
      order by event_time desc limit 3) e
cross join (values (70, 0), (70, 1), (200, 12), (200, 14)) d (n, h)
on conflict do nothing
"""


@pytest.mark.parametrize(
    "settings",
    [
        EtlSettings(),
        EtlSettings(alert_window_days=7, alert_history_days=10),
        EtlSettings(alert_window_days=28, alert_history_days=2),
        EtlSettings(alert_history_days=56, alert_night_start_hour=20, alert_night_end_hour=8),
        EtlSettings(alert_night_start_hour=3, alert_night_end_hour=3),
    ],
)
def test_credentials_counted_by_days_as_bits_equal_the_days_counted_afresh(
    loaded: tuple[str, Engine], settings: EtlSettings
) -> None:
    url, _ = loaded
    params = settings.alert_params()
    with connect_raw(url) as conn:
        conn.execute("select core.ensure_access_event_partitions(now()::date, now()::date + 400)")
        assert conn.execute(AHEAD).rowcount > 0
        row = conn.execute(read_sql("alerts_now.sql"), params).fetchone()
        assert row is not None
        given = {**params, "access_now": row[0], "sensor_now": row[1]}
        count_credentials(conn, given)
        got = "select unit_code, card_no, nights, days, prior_nights from pg_temp.alert_credential"
        counted = sorted(conn.execute(got).fetchall())
        afresh = sorted(conn.execute(AFRESH, given).fetchall())
        conn.rollback()
    assert len(afresh) > 40 and any(r[2] > 0 for r in afresh)
    assert any(r[4] > 0 for r in afresh) or settings.alert_history_days <= settings.alert_window_days
    assert counted == afresh


def test_an_alert_that_stays_keeps_its_first_detection(loaded: tuple[str, Engine]) -> None:
    url, engine = loaded
    with engine.begin() as conn:
        conn.execute(text("update core.alerts set detected_at = detected_at - interval '3 days'"))
        before = dict(conn.execute(text("select alert_id, detected_at from core.alerts")).all())
    with connect_raw(url) as conn:
        derive_alerts(conn)
        conn.commit()
    with engine.connect() as conn:
        after = dict(conn.execute(text("select alert_id, detected_at from core.alerts")).all())
    assert after == before


def test_thresholds_are_settings(
    loaded: tuple[str, Engine], planted: tuple[Planter, dict[str, str], Path]
) -> None:
    url, _ = loaded
    settings = EtlSettings(alert_missed_heartbeats=1, alert_group_rental_min_nights=2)
    with connect_raw(url) as conn:
        derive_alerts(conn, settings.alert_params())
        got = {tuple(r) for r in conn.execute("select alert_kind, subject_code from core.alerts")}
        conn.rollback()
    s = planted[1]
    assert ("sensor_offline", s["camera_below"]) in got  # 29 minutes > 10 × 1
    assert ("group_rental", s["group_two_nights"]) in got


def test_an_officers_verdict_is_scoped_audited_and_false_stays_quiet_on_the_same_evidence(
    warehouse: Warehouse, loaded: tuple[str, Engine], planted: tuple[Planter, dict[str, str], Path]
) -> None:
    from dashboard.scope import Scope
    from tests.support.accounts import sign

    url, engine = loaded
    subject = planted[1]["group_area_above"]
    app = create_engine(warehouse.app_url_for(url))

    def verdict(token: str, state: str, note: str) -> str:
        with app.begin() as conn:
            conn.execute(text("select set_config('onemap.scope', :t, true)"), {"t": token})
            return str(
                conn.execute(
                    text("select ops.alert_verdict('group_rental', :s, :state, :note)"),
                    {"s": subject, "state": state, "note": note},
                ).scalar()
            )

    # the planted area has no stations: a chief of the whole area stands for the one in scope
    judge = sign(Scope.everything(), "station_chief", "chief")
    try:
        assert (
            verdict(sign(Scope.of("440118010000"), "station_chief", "chief"), "false", "一家人")
            == "not_found"
        )
        assert verdict(sign(Scope.everything(), "leadership", "leader"), "false", "一家人") == "refused_role"
        assert verdict(judge, "false", "") == "refused_reason"  # 不属实 says why
        assert verdict(judge, "false", "房东亲属短住，已核实") == "ok"
        with app.begin() as conn:
            rows = conn.execute(text("select count(*) from serve.alert_precision")).scalar()
            precision = conn.execute(
                text(
                    "select rejected, precision from serve.alert_precision where alert_kind = 'group_rental'"
                )
            ).one()
        assert rows == 1 and tuple(precision) == (1, 0)
        with connect_raw(url) as conn:
            derive_alerts(conn)
            conn.commit()
        assert ("group_rental", subject) not in alerts(engine)  # the same nine credentials: quiet
        with engine.begin() as conn:  # as if decided when there were fewer
            conn.execute(text("update ops.alert_verdicts set metric = metric - 1"))
            audited = conn.execute(
                text("select result from ops.audit where action = 'alert_verdict' order by audit_id")
            ).scalars()
            assert list(audited) == ["not_found", "refused_role", "refused_reason", "ok"]
        with connect_raw(url) as conn:
            derive_alerts(conn)
            conn.commit()
        assert ("group_rental", subject) in alerts(engine)  # more evidence than was judged
    finally:
        app.dispose()
        with engine.begin() as conn:
            conn.execute(text("delete from ops.alert_verdicts"))
            conn.execute(text("delete from ops.alert_verdict_log"))
