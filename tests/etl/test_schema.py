"""The warehouse schema: layers, grains, geometry rules, attribution columns, roles and grants."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError, ProgrammingError

from etl.migrate import current_revision, fingerprint, head_revision

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


# ----------------------------------------------------------------------------- roles
def test_app_role_is_powerless(db: Connection, test_app_url: str) -> None:
    from sqlalchemy.engine import make_url

    role = make_url(test_app_url).username
    row = db.execute(
        text("select rolsuper, rolbypassrls, rolcreatedb, rolcreaterole from pg_roles where rolname = :r"),
        {"r": role},
    ).one()
    assert row.rolsuper is False
    assert row.rolbypassrls is False
    assert row.rolcreatedb is False and row.rolcreaterole is False
    owned = db.execute(
        text(
            "with r as (select oid from pg_roles where rolname = :r) "
            "select 'class' from pg_class, r where relowner = r.oid "
            "union all select 'schema' from pg_namespace, r where nspowner = r.oid "
            "union all select 'function' from pg_proc, r where proowner = r.oid "
            "union all select 'type' from pg_type, r where typowner = r.oid "
            "union all select 'database' from pg_database, r where datdba = r.oid"
        ),
        {"r": role},
    ).all()
    assert owned == []


def test_app_role_reads_serve(app_db: Connection) -> None:
    rows = app_db.execute(text("select element, n from serve.element_counts")).all()
    assert {r.element for r in rows} >= {"buildings", "persons", "incidents"}


@pytest.mark.parametrize(
    "statement",
    [
        "create table serve.x (a int)",
        "create table public.x (a int)",
        "create table core.x (a int)",
        "insert into core.incident_categories values ('x', 'x')",
        "delete from core.deadline_rules",
        "select * from ops.quarantine",
    ],
)
def test_app_role_cannot_write_or_read_ops(app_db: Connection, statement: str) -> None:
    with pytest.raises(ProgrammingError, match="permission denied"), app_db.begin_nested():
        app_db.execute(text(statement))


# views that aggregate ops (which the application role may not read) run as their owner; every
# other serve view runs with the reader's rights so that row-level security applies beneath it
OWNER_RIGHTS_VIEWS = {"load_batches", "quarantine_counts"}


def test_serve_views_run_with_the_readers_rights(db: Connection) -> None:
    rows = db.execute(
        text(
            "select c.relname, coalesce('security_invoker=true' = any(c.reloptions), false) "
            "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = 'serve' and c.relkind = 'v'"
        )
    ).all()
    invoker = {name for name, inv in rows if inv}
    assert len(rows) > 15
    assert {name for name, _ in rows} - invoker == OWNER_RIGHTS_VIEWS


def test_serve_never_exposes_unmasked_personal_columns(db: Connection) -> None:
    """Personal columns reach serve only through the masking functions; free text not at all."""
    masked = db.execute(
        text(
            "select serve.mask_name('张三丰'), serve.mask_id('44011819900101001X'), "
            "serve.mask_phone('13812345678'), serve.mask_name('李')"
        )
    ).one()
    assert tuple(masked) == ("张**", "440***********001X", "138****5678", "李*")
    definitions = dict(
        db.execute(text("select viewname, definition from pg_views where schemaname = 'serve'")).all()
    )
    for view, columns in {
        "persons": ("name", "id_number", "phone"),
        "rental_units": ("landlord_name", "landlord_phone"),
    }.items():
        for col in columns:
            assert "serve.mask_" in definitions[view] and f"AS {col}" in definitions[view], (view, col)
            line = next(x for x in definitions[view].splitlines() if f"AS {col}" in x)
            assert "mask_" in line, line
    free_text = (
        db.execute(
            text(
                "select table_name || '.' || column_name from information_schema.columns "
                "where table_schema = 'serve' and column_name in "
                "('id_number', 'landlord_id_number', 'parties', 'summary', 'description', 'raw', "
                "'birth_date')"
            )
        )
        .scalars()
        .all()
    )
    assert free_text == ["persons.id_number"]  # the masked one


# ------------------------------------------------------------------ row-level security (0004)
PERSONAL_COLUMNS = ("station_code", "grid_code", "id_number", "phone", "landlord_phone", "name")


def test_every_table_with_station_or_personal_data_is_under_forced_rls(
    db: Connection, test_app_url: str
) -> None:
    """Row-level security is enabled and forced wherever a station, a grid or a person shows, and the
    application role can bypass none of it."""
    # a month the loader has not seen yet: its new partition is protected like its parent
    db.execute(text("select core.ensure_access_event_partitions('2031-01-01', '2031-01-31')"))
    tables = db.execute(
        text(
            "select c.oid::regclass::text as tbl, c.relrowsecurity as rls, c.relforcerowsecurity as forced "
            "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where c.relkind in ('r', 'p') and (n.nspname = 'staging' "
            "  or c.oid in ('ops.quarantine'::regclass, 'ops.audit'::regclass) "
            "  or (n.nspname = 'core' and exists (select 1 from pg_attribute a where a.attrelid = c.oid "
            "      and a.attnum > 0 and not a.attisdropped "
            "      and a.attname in ('station_code', 'grid_code', 'id_number', 'phone', 'landlord_phone'))))"
        )
    ).all()
    names = {r.tbl for r in tables}
    assert {"core.persons", "core.rental_units", "core.incidents", "core.access_events", "core.zone_grids",
            "ops.quarantine", "ops.audit"} <= names  # fmt: skip
    assert "core.access_events_2031_01" in names
    assert [r.tbl for r in tables if not (r.rls and r.forced)] == []
    # core tables: one policy for every command, USING and WITH CHECK both bound to the signed scope
    policies = {
        r.tbl: r
        for r in db.execute(
            text(
                "select schemaname || '.' || tablename as tbl, cmd, roles, qual, with_check from pg_policies "
                "where schemaname = 'core'"
            )
        )
    }
    for t in (t for t in names if t.startswith("core.")):
        p = policies[t]
        assert p.cmd == "ALL" and "scope_" in p.qual and p.qual == p.with_check, t
    # staging and quarantine: no policy at all (only the owner, who bypasses, reads them)
    assert db.execute(text("select count(*) from pg_policies where schemaname = 'staging'")).scalar() == 0
    from sqlalchemy.engine import make_url

    role = make_url(test_app_url).username
    r = db.execute(
        text(
            "select rolsuper, rolbypassrls, "
            "exists (select 1 from pg_auth_members m join pg_roles o on o.oid = m.roleid "
            "        where m.member = pg_roles.oid) as member_of_any "
            "from pg_roles where rolname = :r"
        ),
        {"r": role},
    ).one()
    assert (r.rolsuper, r.rolbypassrls, r.member_of_any) == (False, False, False)
    # no function of ours is leakproof (the planner would run it ahead of the policies)
    assert (
        db.execute(
            text(
                "select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace "
                "where n.nspname in ('core', 'serve', 'ops', 'staging') and p.proleakproof"
            )
        ).scalar()
        == 0
    )
    # the key that signs scopes is the owner's only
    assert (
        db.execute(text("select has_table_privilege(:r, 'ops.scope_key', 'select')"), {"r": role}).scalar()
        is False
    )


def test_staging_tables_the_loader_makes_are_under_forced_rls(demo_db: tuple[str, str]) -> None:
    """Staging tables are made by the loader (one per source kind): each is protected as it is made."""
    from sqlalchemy import create_engine

    from etl.db import normalise_url

    engine = create_engine(normalise_url(demo_db[0]))
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "select c.relname, c.relrowsecurity and c.relforcerowsecurity as forced "
                "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                "where n.nspname = 'staging' and c.relkind = 'r'"
            )
        ).all()
    engine.dispose()
    assert {"person", "rental_unit", "incident"} <= {r.relname for r in rows}
    assert [r.relname for r in rows if not r.forced] == []
