"""The headline figures' people counts (ops.people_counts) come from the counts kept after each load
(ops.area_counts, revision 0021) while no batch has loaded since, and are the same counts as the
rows counted afresh for every area and scope; after a newer batch they are counted afresh."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, text

from dashboard.scope import Scope
from tests.support.accounts import sign

pytestmark = pytest.mark.db

AT = "2026-11-23 00:00+08"
COUNTS = "select * from ops.people_counts(:level, :code, :at)"


@pytest.fixture
def owner(core: Engine) -> Iterator[Connection]:
    """The owner on the demo, in a transaction rolled back at the end."""
    with core.connect() as conn, conn.begin() as tx:
        yield conn
        tx.rollback()


def areas(conn: Connection) -> list[tuple[str, str | None]]:
    """Every area of every level: the whole area, stations, zones, grids, towns and villages."""
    out: list[tuple[str, str | None]] = [("all", None)]
    for level, table in (("station", "police_stations"), ("zone", "police_zones"), ("grid", "grids"),
                         ("town", "towns"), ("village", "villages")):  # fmt: skip
        codes = conn.execute(text(f"select {level}_code from core.{table} order by 1")).scalars()
        out += [(level, code) for code in codes]
    return out


def scopes(conn: Connection) -> list[str]:
    """Signed scopes: the leadership, each station's chief, a grid worker of two grids."""
    grids = conn.execute(text("select station_code, grid_code from core.grids order by 2 limit 2")).all()
    out = [sign(Scope.everything(), "leadership")]
    out += [
        sign(Scope.of(s), "station_chief")
        for s in conn.execute(text("select station_code from core.police_stations")).scalars()
    ]
    out.append(sign(Scope.of_grids({g[0] for g in grids}, {g[1] for g in grids}), "grid_worker"))
    return out


def counted(conn: Connection, token: str, where: list[tuple[str, str | None]]) -> list[dict[str, Any]]:
    conn.execute(text("select set_config('onemap.scope', :t, true)"), {"t": token})
    return [
        dict(conn.execute(text(COUNTS), {"level": lv, "code": code, "at": AT}).one()._mapping)
        for lv, code in where
    ]


def newest_batch(conn: Connection) -> int:
    return int(
        conn.execute(text("select max(batch_id) from ops.load_batch where status = 'loaded'")).scalar_one()
    )


def test_the_load_kept_counts_of_its_newest_batch(owner: Connection) -> None:
    kept = owner.execute(
        text("select batch_id, sum(population), sum(rental_units) from ops.area_counts group by 1")
    ).all()
    persons = owner.execute(text("select count(*) from core.persons")).scalar_one()
    units = owner.execute(text("select count(*) from core.rental_units")).scalar_one()
    assert kept == [(newest_batch(owner), persons, units)] and persons > 0 and units > 0


def test_kept_counts_equal_the_rows_counted_afresh_in_every_scope(owner: Connection) -> None:
    where = areas(owner)
    assert len(where) > 20
    for token in scopes(owner):
        kept = counted(owner, token, where)
        owner.execute(
            text("update ops.area_counts set batch_id = batch_id - 1")
        )  # as if a batch loaded since
        afresh = counted(owner, token, where)
        owner.execute(text("update ops.area_counts set batch_id = batch_id + 1"))
        assert kept == afresh
        assert any(r["population"] > 0 for r in kept) and any(r["population"] == 0 for r in kept)


def test_the_kept_counts_are_read_until_a_newer_batch_loads(owner: Connection) -> None:
    station = owner.execute(
        text("select station_code from core.persons group by 1 order by count(*) desc limit 1")
    ).scalar_one()
    where: list[tuple[str, str | None]] = [("station", station), ("all", None)]
    token = sign(Scope.everything(), "leadership")
    before = counted(owner, token, where)
    # a kept count is what is shown while its batch is the newest (changed here to tell them apart)
    one = "select min(count_id) from ops.area_counts where station_code = :s"
    owner.execute(
        text(f"update ops.area_counts set population = population + 1 where count_id = ({one})"),
        {"s": station},
    )
    kept = counted(owner, token, where)
    assert [r["population"] for r in kept] == [r["population"] + 1 for r in before]
    # a newer batch: the rows are counted afresh until the counts are kept again
    owner.execute(
        text(
            "insert into ops.load_batch (source, kind, file_path, status) "
            "values ('t', 'persons', 't', 'loaded')"
        )
    )
    assert counted(owner, token, where) == before
    owner.execute(text("select ops.refresh_area_counts()"))
    assert counted(owner, token, where) == before
    assert owner.execute(text("select min(batch_id) from ops.area_counts")).scalar_one() == newest_batch(
        owner
    )
