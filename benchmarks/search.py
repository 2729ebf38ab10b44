"""The map's place search at county scale, as a leader and as the biggest station's chief.

Queries: a whole standard address (a random one of the biggest station, seeded), part of its road's
name, a building's code, a grid's name, two characters held by nearly every address (the district's
增城), and a query matching nothing. Each is timed through the dashboard's own function
(dashboard.queries.elements.search, as the application role under the signed scope), median of
--repeat calls after one unmeasured call; beside it, in the same run, a baseline: one scan of the
standard addresses with the query's pairs of characters as patterns (`full_address like any(…)`,
the least the search did before it had indexes, on its biggest table alone), and their ratio. The
1-minute load average is printed beside every figure (the machine is shared).

Target (issue 20): every query ≤ 1 s on the county, preferably ≤ 0.2 s.

    .venv/bin/python benchmarks/search.py --db onemap_county [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
from pathlib import Path

# run as a script, this file's folder comes first on the path and its name would hide the package
sys.path[0] = str(Path(__file__).resolve().parents[1])

from sqlalchemy import text

import dashboard.db
from benchmarks.support import as_leadership, median_seconds, scoped_connection
from dashboard.operator import operator_token
from dashboard.queries import elements
from dashboard.scope import Scope


def queries(url: str, seed: int) -> tuple[str, dict[str, str]]:
    """The biggest station (by standard addresses) and the queries, by kind."""
    with scoped_connection(url) as conn:
        station = conn.execute(
            text("select station_code from core.standard_addresses group by 1 order by count(*) desc limit 1")
        ).scalar_one()
        count = conn.execute(
            text("select count(*) from core.standard_addresses where station_code = :s"), {"s": station}
        ).scalar_one()
        address = conn.execute(
            text(
                "select full_address from core.standard_addresses where station_code = :s "
                "order by address_code offset :o limit 1"
            ),
            {"s": station, "o": random.Random(seed).randrange(count)},
        ).scalar_one()
        building = conn.execute(
            text(
                "select building_code from core.buildings where station_code = :s "
                "order by 1 offset 100 limit 1"
            ),
            {"s": station},
        ).scalar_one()
        grid = conn.execute(
            text("select name from core.grids where station_code = :s order by grid_code limit 1"),
            {"s": station},
        ).scalar_one()
    road = re.search(r"(?:街道|镇)(\D+)", address)
    return station, {
        "whole address": address,
        "part of a road": (road.group(1) if road else address[9:13])[:3],
        "building code": building,
        "grid name": grid,
        "two characters": "增城",
        "nothing": "龘靐齉爨",
    }


def baseline(url: str, q: str) -> None:
    """One scan of the standard addresses in scope with the query's pairs as patterns."""
    pairs = sorted({q[i : i + 2] for i in range(max(1, len(q) - 1))})
    with scoped_connection(url) as conn:
        conn.execute(
            text(
                "select count(*) from core.standard_addresses where full_address like any(cast(:l as text[]))"
            ),
            {"l": [f"%{p}%" for p in pairs]},
        ).scalar_one()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="onemap_county", help="database of the embedded cluster")
    parser.add_argument("--app-url", help="the application role's URL of another server")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()
    url, secret = as_leadership(args.db, args.app_url)
    station, asked = queries(url, args.seed)
    print(f"biggest station {station}; median of {args.repeat}; load = 1-minute load average")
    print(
        f"{'who':7} {'query':15} {'search s':>9} {'baseline s':>11} {'ratio':>6} {'hits':>5} "
        f"{'load':>5}  text"
    )
    worst = 0.0
    for who, scope, role in (
        ("leader", Scope.everything(), "leadership"),
        ("chief", Scope.of(station), "station_chief"),
    ):
        dashboard.db.SCOPE_TOKEN.set(operator_token(secret, scope, role, username="benchmark"))
        for kind, q in asked.items():
            seconds = median_seconds(
                lambda q=q, scope=scope: elements.search(url, scope, q), args.repeat, warm_up=True
            )  # type: ignore[misc]
            base = median_seconds(lambda q=q: baseline(url, q), args.repeat, warm_up=True)  # type: ignore[misc]
            hits = len(elements.search(url, scope, q))
            worst = max(worst, seconds)
            print(
                f"{who:7} {kind:15} {seconds:9.3f} {base:11.3f} {seconds / base:6.2f} {hits:5d} "
                f"{os.getloadavg()[0]:5.2f}  {q}",
                flush=True,
            )
    print(f"slowest query {worst:.3f} s (target ≤ 1 s, preferably ≤ 0.2 s); load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
