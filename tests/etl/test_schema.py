"""The warehouse schema: layers, grains, geometry rules, attribution columns, partitions, revision.

Roles, grants, serve's rights and row-level security: test_schema_access.py.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from etl.migrate import current_revision, fingerprint, head_revision
from etl.tables import ATTRIBUTED as DECLARED_ATTRIBUTED
from etl.tables import METADATA

pytestmark = pytest.mark.db

# Every element of DOMAIN.md "Words to use in code" has its core table.
CORE_TABLES = {
    "police_stations",
    "police_zones",
    "grids",
    "zone_grids",
    "communities",
    "standard_addresses",
    "buildings",
    "rental_units",
    "persons",
    "access_devices",
    "access_events",
    "access_daily",
    "smart_communities",
    "sensor_devices",
    "cameras",
    "workstations",
    "incidents",
    "grid_events",
    "disputes",
    "hazards",
    "alerts",
}
ATTRIBUTED = {
    "communities",
    "smart_communities",
    "standard_addresses",
    "buildings",
    "rental_units",
    "persons",
    "access_devices",
    "sensor_devices",
    "cameras",
    "workstations",
    "access_events",
    "access_daily",
    "incidents",
    "grid_events",
    "disputes",
    "hazards",
    "alerts",
}


def _columns(db: Connection, schema: str, table: str) -> set[str]:
    rows = db.execute(
        text(
            "select column_name from information_schema.columns where table_schema = :s and table_name = :t"
        ),
        {"s": schema, "t": table},
    )
    return {r[0] for r in rows}


def test_schemas_exist(db: Connection) -> None:
    names = set(db.execute(text("select nspname from pg_namespace")).scalars())
    assert {"staging", "core", "serve", "ops"} <= names


def test_every_domain_element_has_a_core_table(db: Connection) -> None:
    tables = set(
        db.execute(
            text(
                "select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                "where n.nspname = 'core' and c.relkind in ('r', 'p')"
            )
        ).scalars()
    )
    assert tables >= CORE_TABLES
    assert {"load_batch", "quarantine"} <= set(
        db.execute(text("select tablename from pg_tables where schemaname = 'ops'")).scalars()
    )


def test_every_table_states_its_grain(db: Connection) -> None:
    rows = db.execute(
        text(
            "select n.nspname || '.' || c.relname, obj_description(c.oid, 'pg_class') "
            "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname in ('core', 'ops', 'serve', 'staging') and c.relkind in ('r', 'p', 'v') "
            "and c.relname <> 'alembic_version'"
        )
    ).all()
    assert len(rows) >= len(CORE_TABLES)
    missing = [name for name, comment in rows if not (comment or "").startswith("One row per")]
    assert missing == []


def test_geometry_is_4326_with_gist_index(db: Connection) -> None:
    geoms = db.execute(
        text(
            "select f_table_name, f_geometry_column, srid from geometry_columns where f_table_schema = 'core'"
        )
    ).all()
    assert len(geoms) >= 20
    assert {srid for _, _, srid in geoms} == {4326}
    gist = db.execute(
        text(
            "select t.relname, a.attname from pg_index i "
            "join pg_class ic on ic.oid = i.indexrelid join pg_am am on am.oid = ic.relam "
            "join pg_class t on t.oid = i.indrelid join pg_namespace n on n.oid = t.relnamespace "
            "join pg_attribute a on a.attrelid = t.oid and a.attnum = any(i.indkey) "
            "where n.nspname = 'core' and am.amname = 'gist'"
        )
    ).all()
    assert {(t, c) for t, c, _ in geoms} <= {tuple(r) for r in gist}


def test_no_table_has_the_same_index_twice(db: Connection) -> None:
    """Two indexes over the same columns, expressions, operator classes and predicate answer no
    query faster than one, yet every row written pays both."""
    twice = db.execute(
        text(
            "select i.indrelid::regclass::text, array_agg(i.indexrelid::regclass::text order by 1) "
            "from pg_index i join pg_class t on t.oid = i.indrelid "
            "join pg_namespace n on n.oid = t.relnamespace "
            "where n.nspname in ('core', 'ops', 'serve') "
            "group by i.indrelid, i.indkey::text, i.indclass::text, coalesce(i.indexprs::text, ''), "
            "coalesce(i.indpred::text, ''), i.indisunique having count(*) > 1"
        )
    ).all()
    assert twice == []


def test_wrong_srid_is_refused(db: Connection) -> None:
    db.execute(
        text(
            "insert into core.districts values ('440118', '增城区', '广州市', "
            "st_multi(st_makeenvelope(113.5, 23.1, 113.9, 23.5, 4326)))"
        )
    )
    with pytest.raises(DBAPIError, match="SRID"), db.begin_nested():
        db.execute(
            text(
                "insert into core.districts values ('440119', 'x', null, "
                "st_multi(st_makeenvelope(113.5, 23.1, 113.9, 23.5, 3857)))"
            )
        )


def test_invalid_polygon_is_refused(db: Connection) -> None:
    bowtie = "MULTIPOLYGON(((113.5 23.1, 113.9 23.5, 113.9 23.1, 113.5 23.5, 113.5 23.1)))"
    with pytest.raises(DBAPIError, match="check constraint"), db.begin_nested():
        db.execute(
            text("insert into core.districts values ('440120', 'x', null, st_geomfromtext(:w, 4326))"),
            {"w": bowtie},
        )


def test_every_domain_element_is_declared() -> None:
    """The declaration (etl/tables) has every core table, and attributes exactly these."""
    assert {t.name for t in METADATA.tables.values() if t.schema == "core"} >= CORE_TABLES
    assert set(DECLARED_ATTRIBUTED) == {f"core.{t}" for t in ATTRIBUTED}


def test_attributed_tables_carry_both_hierarchies(db: Connection) -> None:
    for table in ATTRIBUTED:
        cols = _columns(db, "core", table)
        assert {"grid_code", "zone_code", "station_code", "district_code"} <= cols, table
    grids = _columns(db, "core", "grids")
    assert {"zone_code", "station_code"} <= grids
    assert {"address_code", "grid_code", "zone_code"} <= _columns(db, "core", "buildings")  # 三码


def test_ids_and_phones_are_text(db: Connection) -> None:
    rows = db.execute(
        text(
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = 'core' and (column_name like '%id_number' or column_name like '%phone' "
            "or column_name like '%_code')"
        )
    ).all()
    assert len(rows) > 40
    assert [r for r in rows if r.data_type != "text"] == []


def test_zone_grid_share_is_bounded(db: Connection) -> None:
    assert "share" in _columns(db, "core", "zone_grids")
    with pytest.raises(DBAPIError, match="check constraint"), db.begin_nested():
        db.execute(text("insert into core.zone_grids values ('z', 'g', '440118', 10, 1.5)"))


def test_access_events_partitioned_by_month(db: Connection) -> None:
    kind = db.execute(
        text("select relkind from pg_class where oid = 'core.access_events'::regclass")
    ).scalar()
    assert kind == "p"
    made = db.execute(
        text("select core.ensure_access_event_partitions(:a, :b)"),
        {"a": date(2026, 10, 15), "b": date(2026, 12, 2)},
    ).scalar()
    assert made == 3
    again = db.execute(
        text("select core.ensure_access_event_partitions(:a, :b)"),
        {"a": date(2026, 10, 1), "b": date(2026, 12, 31)},
    ).scalar()
    assert again == 0
    db.execute(
        text(
            "insert into core.access_events (device_code, event_time, card_no, district_code, "
            "building_code) values ('d1', '2026-11-20 08:00+08', 'c1', '440118', 'b1')"
        )
    )
    part = db.execute(text("select tableoid::regclass::text from core.access_events")).scalar()
    assert part == "core.access_events_2026_11"
    with pytest.raises(DBAPIError, match="no partition"), db.begin_nested():
        db.execute(
            text(
                "insert into core.access_events (device_code, event_time, card_no, district_code, "
                "building_code) values ('d1', '2027-03-01 08:00+08', 'c1', '440118', 'b1')"
            )
        )


def test_grid_event_must_close_after_registration(db: Connection) -> None:
    db.execute(
        text(
            "insert into core.districts values ('440118', '增城区', null, "
            "st_multi(st_makeenvelope(113.5, 23.1, 113.9, 23.5, 4326)))"
        )
    )
    params = {"r": "2026-11-20 08:00+08", "c": "2026-11-19 08:00+08"}
    with pytest.raises(DBAPIError, match="check constraint"), db.begin_nested():
        db.execute(
            text(
                "insert into core.grid_events (event_no, district_code, kind_code, is_police_matter, "
                "title, registered_at, closed_at, status, geom) select 'E1', '440118', 'x', false, "
                "'t', :r, :c, 'closed', st_point(113.6, 23.2, 4326)"
            ),
            params,
        )


def test_deadline_rules_seeded(db: Connection) -> None:
    rules = dict(db.execute(text("select rule, hours from core.deadline_rules")).all())
    assert rules == {"police_answer": 24, "grid_close": 72, "yellow_card": 72, "red_card": 144}


def test_migrated_to_head(db: Connection) -> None:
    assert current_revision(db) == head_revision()
    digest, items = fingerprint(db)
    assert len(digest) == 32 and items > 300
