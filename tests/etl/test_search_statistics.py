"""The place search narrows on the rarest of a query's pairs of characters, as the statistics of
the pair indexes count them (etl/sql/functions/46_serve_search.sql). Without statistics every pair
looks rare, and a query of common pairs (the county's own name) reads every place. A first load
makes those indexes anew, without statistics; the loader makes them, and does not leave them to
autovacuum's next round (turned off here, so only the loader can have made them).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from etl.db import normalise_url
from etl.warehouse import Warehouse
from tests.support.database import fresh_database, load_all

pytestmark = pytest.mark.db

INDEXES = ("standard_addresses_pairs_gin", "buildings_pairs_gin")


def test_a_first_load_leaves_the_statistics_the_search_ranks_pairs_by(
    warehouse: Warehouse, test_db_url: str, demo_manifest: Path
) -> None:
    url = fresh_database(warehouse, test_db_url, "search_stats")
    engine = create_engine(normalise_url(url))
    try:
        with engine.begin() as conn:
            for table in ("core.standard_addresses", "core.buildings"):
                conn.execute(text(f"alter table {table} set (autovacuum_enabled = false)"))
        load_all(url, demo_manifest)
        with engine.connect() as conn:
            stats = dict(
                conn.execute(
                    text(
                        "select tablename, most_common_elems::text::text[] from pg_stats "
                        "where schemaname = 'core' and tablename = any(:names)"
                    ),
                    {"names": list(INDEXES)},
                ).all()
            )
            commonest = conn.execute(
                text(
                    "select p from core.standard_addresses, unnest(serve.text_pairs(full_address)) as p "
                    "group by p order by count(distinct address_code) desc, p limit 1"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    assert set(stats) == set(INDEXES), stats
    assert commonest in (stats["standard_addresses_pairs_gin"] or []), (commonest, stats)
