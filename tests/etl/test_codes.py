"""The warehouse knows the codebook: core.codes equals common/codebook.py after every migration."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, text

from common.codebook import BOOK, label, rows
from etl.migrate import sync_codebook

pytestmark = pytest.mark.db


def _codes(db: Connection) -> set[tuple[str, str, str]]:
    return {tuple(r) for r in db.execute(text("select field, code, label_zh from core.codes"))}


def test_codes_equal_the_codebook_after_migrate(db: Connection) -> None:
    assert _codes(db) == set(rows())
    assert len(rows()) > 150


def test_the_fact_tables_codebooks_and_element_names_say_the_same(db: Connection) -> None:
    incident = dict(db.execute(text("select category, name_zh from core.incident_categories")).all())
    hazard = dict(db.execute(text("select category, name_zh from core.hazard_categories")).all())
    assert incident == BOOK["incident_category"] and hazard == BOOK["hazard_category"]
    names = dict(db.execute(text("select element, name_zh from serve.element_counts")).all())
    assert names == BOOK["element"]


def test_sync_puts_back_what_drifted_and_drops_what_left_the_book(db: Connection) -> None:
    db.execute(
        text("update core.codes set label_zh = '待整改' where field = 'dispute_status' and code = 'open'")
    )
    db.execute(text("delete from core.codes where field = 'ring' and code = 'urban_rural'"))
    db.execute(text("insert into core.codes values ('ring', 'moon', '月球圈')"))
    sync_codebook(db)
    assert _codes(db) == set(rows())
    sync_codebook(db)  # and again: nothing changes
    assert _codes(db) == set(rows())


def test_the_app_role_reads_the_codes(app_db: Connection) -> None:
    got = app_db.execute(
        text("select label_zh from core.codes where field = 'dispute_status' and code = 'open'")
    ).scalar_one()
    assert got == label("dispute_status", "open") == "排查中"
