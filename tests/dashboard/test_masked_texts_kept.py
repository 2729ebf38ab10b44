"""Place names are masked once per load and kept (ops.masked_texts), not once per row a page reads;
a kept text is never staler than the stored names it was masked against.

What a text masks to depends on the stored names of people and landlords: the moment a statement
writes one (the loader's too, which writes without ordinary triggers), every kept text is forgotten
in that statement's own transaction, so a page reading in it, or after it commits, masks the new
name; the next load's derivation keeps them again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine, text

from etl.db import normalise_url
from etl.migrate import migrate
from etl.warehouse import Warehouse
from tests.support.database import loaded_database

pytestmark = pytest.mark.db

# what the kept texts must hold: every name a drill page lists by the hundred
KEPT = (
    ("core.grids", "name"),
    ("core.villages", "name"),
    ("core.police_zones", "name"),
    ("core.police_stations", "name"),
    ("core.roads", "name"),
)


@pytest.fixture(scope="module")
def loaded(warehouse: Warehouse, test_db_url: str, demo_manifest: Path) -> Iterator[str]:
    """The demo as its load left it, in a database of this module's own (the shared demo's kept
    texts are forgotten whenever another test writes a stored name)."""
    yield loaded_database(warehouse, test_db_url, demo_manifest, "masked_texts")


@pytest.fixture
def owner(loaded: str) -> Iterator[Connection]:
    """One transaction of the owner, rolled back afterwards."""
    engine = create_engine(normalise_url(loaded))
    try:
        with engine.connect() as conn, conn.begin() as tx:
            yield conn
            tx.rollback()
    finally:
        engine.dispose()


def test_the_load_keeps_every_place_name_as_it_masks_afresh(owner: Connection) -> None:
    for table, column in KEPT:
        missing = owner.execute(
            text(
                f"select count(*) from (select distinct {column} as t from {table} "
                f"where {column} is not null) s "
                "where not exists (select from ops.masked_texts k where k.plain = s.t)"
            )
        ).scalar_one()
        assert missing == 0, f"{table}.{column}: {missing} name(s) not kept"
    differing = owner.execute(
        text(
            "select plain, masked from ops.masked_texts "
            "where masked is distinct from serve.mask_text_afresh(plain)"
        )
    ).all()
    assert owner.execute(text("select count(*) from ops.masked_texts")).scalar_one() > 0
    assert differing == []


def _village_piece(owner: Connection) -> tuple[str, str, str]:
    """A village whose kept name shows its first two characters whole: its code, name and those two
    characters (as a name someone could be given)."""
    row = owner.execute(
        text(
            "select v.village_code, v.name from core.villages v join ops.masked_texts k on k.plain = v.name "
            "where k.masked = v.name and v.name ~ '^[\u4e00-\u9fff]{2}' order by 1 limit 1"
        )
    ).one()
    return row.village_code, row.name, row.name[:2]


def _shown(owner: Connection, village: str) -> tuple[str, list[str]]:
    """The village's name as serve shows it, and the names of its grids."""
    name = owner.execute(
        text("select name from serve.villages where village_code = :v"), {"v": village}
    ).scalar_one()
    grids = owner.execute(
        text("select name from serve.grids where village_code = :v order by grid_code"), {"v": village}
    ).scalars()
    return str(name), [str(g) for g in grids]


@pytest.mark.parametrize(
    ("table", "column", "key"),
    [("core.persons", "name", "person_id"), ("core.rental_units", "landlord_name", "unit_code")],
)
@pytest.mark.parametrize("replica", [False, True], ids=["by-hand", "as-the-loader-writes"])
def test_a_name_stored_later_is_masked_in_kept_texts_at_once(
    owner: Connection, table: str, column: str, key: str, replica: bool
) -> None:
    village, name, piece = _village_piece(owner)
    before, grids_before = _shown(owner, village)
    assert before == name and piece in before
    if replica:  # the loader's writes fire no ordinary trigger (etl/foreign_keys.py)
        owner.execute(text("set local session_replication_role = replica"))
    owner.execute(
        text(f"update {table} set {column} = :n where {key} = (select min({key}) from {table})"), {"n": piece}
    )
    owner.execute(text("set local session_replication_role = origin"))
    after, grids_after = _shown(owner, village)
    masked = piece[0] + "*"
    assert piece not in after and after.startswith(masked), after
    assert grids_after and all(piece not in g for g in grids_after), grids_after
    assert any(piece in g for g in grids_before)
    # the next load's derivation keeps them again, masked against the name now stored
    owner.execute(text("select ops.refresh_masked_texts()"))
    kept = owner.execute(
        text("select masked from ops.masked_texts where plain = :p"), {"p": name}
    ).scalar_one()
    assert kept == after


def test_a_migration_keeps_the_texts_and_counts_a_load_would(warehouse: Warehouse, loaded: str) -> None:
    """An upgrade that adds what a load keeps (here: both emptied, as before their revisions) fills
    them at once, so pages do not mask or count everything afresh until the next load."""
    engine = create_engine(normalise_url(loaded))
    try:
        with engine.begin() as conn:
            kept = conn.execute(text("select count(*) from ops.masked_texts")).scalar_one()
            counts = conn.execute(text("select count(*) from ops.area_counts")).scalar_one()
            conn.execute(text("delete from ops.masked_texts"))
            conn.execute(text("delete from ops.area_counts"))
        assert kept > 0 and counts > 0
        migrate(loaded, warehouse.app_role())
        with engine.connect() as conn:
            assert conn.execute(text("select count(*) from ops.masked_texts")).scalar_one() == kept
            assert conn.execute(text("select count(*) from ops.area_counts")).scalar_one() == counts
            newest = conn.execute(
                text("select max(batch_id) from ops.load_batch where status = 'loaded'")
            ).scalar_one()
            assert conn.execute(text("select min(batch_id) from ops.area_counts")).scalar_one() == newest
    finally:
        engine.dispose()
