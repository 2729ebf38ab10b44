"""Deliveries for tests that load more than once: the demo in a database of the module's own, and
a copy of its files in which some grid events have come closed (the next delivery)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
from sqlalchemy import create_engine, text

from etl.db import normalise_url
from etl.demo.writers import write_xlsx
from etl.load import Loader
from etl.manifest import read_manifest
from etl.warehouse import Warehouse
from tests.support.database import loaded_database

EVENTS = Path("events") / "grid_events.xlsx"
TEXT_COLUMNS = ("事件编号", "事项编码", "区划代码")


def load(url: str, manifest: Path) -> list[str]:
    """Load a delivery; each source's status (every one loaded or unchanged)."""
    reports = Loader(url, read_manifest(manifest)).run()
    assert all(r.status in ("loaded", "unchanged") for r in reports), [
        (r.source, r.status, r.message) for r in reports
    ]
    return [r.status for r in reports]


def demo_database(warehouse: Warehouse, test_db_url: str, manifest: Path, name: str) -> tuple[str, str]:
    """A database of the module's own with the demo loaded: (owner URL, application URL)."""
    url = loaded_database(warehouse, test_db_url, manifest, name)
    return url, warehouse.app_url_for(url)


def carded_events(owner_url: str, station: str | None = None, limit: int = 3) -> list[str]:
    """Grid events open now and past the red-card deadline, being handled (every step before
    closing has its time), oldest first; of ``station`` when given."""
    engine = create_engine(normalise_url(owner_url))
    try:
        with engine.connect() as conn:
            return list(
                conn.execute(
                    text(
                        "select event_no from serve.grid_events where open_until is null "
                        "and card = 'red' and status = 'handling' "
                        "and (cast(:s as text) is null or station_code = :s) "
                        "order by registered_at, event_no limit :n"
                    ),
                    {"s": station, "n": limit},
                ).scalars()
            )
    finally:
        engine.dispose()


def closing(manifest: Path, dest: Path, event_nos: list[str], at: str = "2026-11-22 18:00:00") -> Path:
    """A copy of the delivery of ``manifest`` in ``dest`` where ``event_nos`` came closed at ``at``;
    the copy's manifest."""
    src = manifest.parent
    shutil.copytree(src, dest, dirs_exist_ok=True)
    path = dest / EVENTS
    df = pd.read_excel(path, dtype={c: str for c in TEXT_COLUMNS}, keep_default_na=False, engine="openpyxl")
    hit = df["事件编号"].isin(event_nos)
    assert hit.sum() == len(event_nos), "an event to close is not in the delivery"
    for step in ("上报时间", "派遣时间", "响应时间"):  # a step not taken yet is taken as it closes
        df.loc[hit & (df[step] == ""), step] = at
    df.loc[hit, "办结时间"] = at
    df.loc[hit, "状态"] = "已办结"
    df = df.replace("", None)
    write_xlsx(df, path, text_columns=TEXT_COLUMNS)
    return dest / manifest.name
