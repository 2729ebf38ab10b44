"""The map's search ran as the application role over serve.search_index, whose column `plain` gave
every place's name or address unmasked (for narrowing the search): whatever ran as the application
role could read every compound's name and every doorplate, which may name a person. The search now
runs in serve.search_places and serve.search_codes, which read the plain texts as the owner and
return masked labels, codes and shapes only. They bypass row-level security, so they apply the
signed scope themselves: a chief finds only places of their station, whatever scope the caller
passes. And they narrow on indexes of the texts' pairs of characters: their answers are still those
of ranking every place in scope on its masked label (tests/support/search.py).
"""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import Engine, text

from dashboard.auth import User
from dashboard.context import AppContext
from dashboard.db import fetch_all
from dashboard.queries import elements
from dashboard.scope import Scope
from tests.support.accounts import chief
from tests.support.search import by_masked_labels

pytestmark = pytest.mark.db


def test_the_application_role_reads_no_plain_text(c: AppContext) -> None:
    with pytest.raises(psycopg.errors.UndefinedColumn):
        fetch_all(c.url, "select plain from serve.search_index limit 1")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        fetch_all(
            c.url,
            "select * from serve.search_narrow('增城', '{增城}', '{增城}', null, null, null, 1, 10, false, "
            "true, '{}', true, '{}')",
        )
    # no serve view's column and no function the application role may call is named plain
    assert (
        fetch_all(
            c.url,
            "select table_name from information_schema.columns "
            "where table_schema = 'serve' and column_name = 'plain'",
        )
        == []
    )
    assert (
        fetch_all(
            c.url,
            "select p.oid::regprocedure::text as f "
            "from pg_proc as p join pg_namespace as n on n.oid = p.pronamespace "
            "where n.nspname in ('serve', 'ops', 'core') and 'plain' = any(p.proargnames) "
            "and has_function_privilege(p.oid, 'execute')",
        )
        == []
    )
    # what it does read: labels as shown
    assert fetch_all(c.url, "select * from serve.search_places('增城', 3, 5, 40)")


def _station_of(core: Engine, kind: str, code: str) -> str:
    table, column = {
        "station": ("police_stations", "station_code"),
        "zone": ("police_zones", "zone_code"),
        "grid": ("grids", "grid_code"),
        "community": ("communities", "community_code"),
        "workstation": ("workstations", "workstation_code"),
        "smart_community": ("smart_communities", "smart_code"),
        "building": ("buildings", "building_code"),
        "address": ("standard_addresses", "address_code"),
    }[kind]
    with core.connect() as conn:
        return str(
            conn.execute(
                text(f"select station_code from core.{table} where {column} = :c"), {"c": code}
            ).scalar_one()
        )


def test_a_chief_finds_only_places_of_their_station(c: AppContext, core: Engine) -> None:
    with core.connect() as conn:
        mine, other = conn.execute(
            text("select station_code from core.standard_addresses group by 1 order by count(*) desc limit 2")
        ).scalars()
        address, building, full = conn.execute(
            text(
                "select a.address_code, b.building_code, a.full_address from core.standard_addresses as a "
                "join core.buildings as b using (address_code) "
                "where a.station_code = :s and b.station_code = :s order by 1 limit 1"
            ),
            {"s": other},
        ).one()
    leader_finds = {h["code"] for h in elements.search(c.url, c.scope(), full)}
    assert {address, building} <= leader_finds, "the leader finds the other station's place"
    assert elements.search(c.url, c.scope(), building)[0]["code"] == building
    with c.acting_as(chief(mine)):
        # the scope the search applies is the signed one, not the one its caller passes
        for scope in (c.scope(), Scope.everything()):
            hits = elements.search(c.url, scope, full, limit=50) + elements.search(
                c.url, scope, "增城", limit=50
            )
            assert hits, "the chief's own places share the address's pairs"
            assert {_station_of(core, h["kind"], h["code"]) for h in hits} == {mine}
            assert elements.search(c.url, scope, building) == []
            assert elements.search(c.url, scope, address) == []


def _queries(core: Engine) -> list[str]:
    """A whole address, one with a wrong character, part of a road, a grid's and a community's name,
    a query matching nothing."""
    with core.connect() as conn:
        full = conn.execute(
            text("select full_address from core.standard_addresses order by address_code offset 7 limit 1")
        ).scalar_one()
        grid = conn.execute(text("select name from core.grids order by grid_code limit 1")).scalar_one()
        community = conn.execute(text("select name from core.communities order by 1 limit 1")).scalar_one()
    road = full[full.index("街道") + 2 :][:3] if "街道" in full else full[9:12]
    return [full, full[:12] + "错" + full[13:], road, grid, community, "龘靐齉爨"]


# two characters and one held by nearly every address, and a district's name: every place of the
# scope is a candidate (read for a small station's chief only: the reference masks them all)
EVERYWHERE = ["增城", "村", "广州市增城区"]


@pytest.mark.parametrize("who", ["leader", "biggest station's chief", "small station's chief", "grid worker"])
def test_the_search_ranks_every_place_in_scope_on_its_masked_label(
    c: AppContext, core: Engine, who: str
) -> None:
    with core.begin() as conn:  # the pairs' frequencies the search reads (as after a load)
        conn.execute(text("analyze core.standard_addresses, core.buildings"))
        stations = list(
            conn.execute(
                text("select station_code from core.standard_addresses group by 1 order by count(*) desc")
            ).scalars()
        )
        # a grid worker of the grid holding most addresses
        station, grid = conn.execute(
            text(
                "select station_code, grid_code from core.standard_addresses where grid_code is not null "
                "group by 1, 2 order by count(*) desc limit 1"
            )
        ).one()
    queries = _queries(core)
    user = {
        "leader": c.user(),
        "biggest station's chief": chief(stations[0]),
        "small station's chief": chief(stations[-2]),
        "grid worker": User(
            "test-worker", "测试网格员", "grid_worker", frozenset({station}), frozenset({grid})
        ),
    }[who]
    if who in ("small station's chief", "grid worker"):
        queries += EVERYWHERE
    with c.acting_as(user):
        for q in queries:
            for limit in (1, 10):
                found = [(h["kind"], h["code"]) for h in elements.search(c.url, c.scope(), q, limit=limit)]
                assert found == by_masked_labels(c, q, limit), (who, q, limit)
