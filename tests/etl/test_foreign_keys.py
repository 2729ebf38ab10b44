"""Foreign keys checked once per source in bulk (etl/foreign_keys.py), and still holding."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import psycopg
import pyarrow as pa
import pytest

from common.errors import OnemapError
from etl.db import connect_raw
from etl.demo.generate import generate
from etl.foreign_keys import BulkKeys, checked_writes
from etl.load import Loader
from etl.manifest import read_manifest
from etl.validate import Context
from etl.warehouse import Warehouse
from tests.support.database import fresh_database
from tests.support.tables import tiny_county

pytestmark = pytest.mark.db

UNTIL = date(2026, 11, 22)
BOGUS = "ADDR-NOT-STORED-1"


def share_locks(url: str, conn: psycopg.Connection) -> set[str]:
    """The tables ``conn``'s transaction holds a share lock on (seen from another session on ``url``)."""
    with connect_raw(url, autocommit=True) as other:
        rows = other.execute(
            "select relation::regclass::text, mode from pg_locks where pid = %s and relation is not null "
            "and granted",
            (conn.info.backend_pid,),
        ).fetchall()
    return {table for table, mode in rows if mode == "ShareLock"}


def test_the_owner_checks_buildings_keys_in_bulk_with_their_parents_locked(test_db_url: str) -> None:
    with connect_raw(test_db_url) as conn:
        keys = BulkKeys.start(conn, "core.buildings")
        assert keys is not None, "the embedded cluster grants the owner session_replication_role"
        assert {(k.column, f"{k.schema}.{k.table}") for k in keys.keys} == {
            ("address_code", "core.standard_addresses"),
            ("community_code", "core.communities"),
            ("district_code", "core.districts"),
        }
        parents = {"core.standard_addresses", "core.communities", "core.districts"}
        assert share_locks(test_db_url, conn) == parents
        conn.rollback()


def test_a_role_that_may_not_skip_triggers_keeps_them(test_app_url: str) -> None:
    with connect_raw(test_app_url) as conn:
        assert BulkKeys.start(conn, "core.buildings") is None
        conn.rollback()


def test_no_core_table_has_a_trigger_the_loader_would_skip_but_its_foreign_keys(test_db_url: str) -> None:
    """Rows written under session_replication_role = replica fire no ordinary trigger: if a core
    table ever gains one that is not a foreign key's, its loads must not skip it silently (one
    enabled always, as the kept masked texts' are, fires anyway)."""
    with connect_raw(test_db_url) as conn:
        others = conn.execute(
            "select t.tgrelid::regclass::text, t.tgname from pg_trigger t "
            "join pg_class c on c.oid = t.tgrelid "
            "left join pg_constraint k on k.oid = t.tgconstraint "
            "where c.relnamespace in ('core'::regnamespace, 'staging'::regnamespace) "
            "and k.contype is distinct from 'f' and t.tgenabled <> 'A'"
        ).fetchall()
    assert others == []


def test_rows_written_without_triggers_are_still_held_to_their_keys(test_db_url: str) -> None:
    with connect_raw(test_db_url) as conn:
        keys = BulkKeys.start(conn, "core.rental_units")
        assert keys is not None
        with checked_writes(keys, conn):  # no trigger: PostgreSQL alone would take the orphan
            conn.execute(
                "insert into core.rental_units (unit_code, building_code, district_code, room_no, geom) "
                "values ('U-ORPHAN', 'B-NOT-STORED', 'D-NOT-STORED', '101', "
                "st_setsrid(st_point(120, 30), 4326))"
            )
        # the first key (by name) of the two the row breaks is named
        with pytest.raises(OnemapError) as caught:
            keys.check_written(conn, "housing/units.csv")
        conn.rollback()
    message = str(caught.value)
    assert message.startswith(
        "housing/units.csv: 1 row(s) hold building_code values that core.buildings does not, "
        "such as 'B-NOT-STORED' (foreign key rental_units_building_code_fkey)"
    )


def test_a_reference_no_check_caught_refuses_the_whole_source(
    warehouse: Warehouse, test_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loader's checks believe an address is stored that is not (as if it went away after they
    read the warehouse): the buildings written without triggers are refused, none is kept."""
    demo = tmp_path / "demo"
    generate(tiny_county(), 1, demo, UNTIL)
    manifest = read_manifest(demo / "manifest.yaml")
    source = next(s for s in manifest.sources if s.kind == "building")
    path = demo / source.path
    with path.open(encoding=source.encoding, newline="") as f:
        rows = list(csv.reader(f))
    column = rows[0].index(source.columns["address_code"])
    rows[3][column] = BOGUS  # the third building's address
    with path.open("w", encoding=source.encoding, newline="") as f:
        csv.writer(f).writerows(rows)

    context = Loader._context

    def believing(self: Loader, conn: psycopg.Connection, loading: object) -> Context:
        ctx = context(self, conn, loading)  # type: ignore[arg-type]
        if "standard_address" in ctx.refs:
            ctx.refs["standard_address"] = pa.concat_arrays(
                [ctx.refs["standard_address"], pa.array([BOGUS], type=pa.string())]
            )
        return ctx

    monkeypatch.setattr(Loader, "_context", believing)
    url = fresh_database(warehouse, test_db_url, "bulk_keys")
    reports = {r.kind: r for r in Loader(url, read_manifest(demo / "manifest.yaml")).run()}
    building = reports["building"]
    assert building.status == "failed"
    assert building.message.startswith(
        f"{source.path}: 1 row(s) hold address_code values that core.standard_addresses does not, "
        f"such as '{BOGUS}' (foreign key buildings_address_code_fkey)"
    )
    assert reports["rental_unit"].status == "skipped"
    with connect_raw(url) as conn:
        stored = conn.execute("select count(*) from core.buildings").fetchone()
        addresses = conn.execute("select count(*) from core.standard_addresses").fetchone()
    assert stored == (0,)
    assert addresses is not None and addresses[0] > 0
