"""The data contract and the screens say the same word for each code: both read the one codebook.

The contract's document (docs/data-contract.md, what the agencies write their files by) lists each
enum field's words; a page table, a workbook and the quality page's file kinds show a stored code
through the codebook. For every enum field of every kind, the words must be the same, in order.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from common.codebook import BOOK, ITEM_STATUS, codes, label
from dashboard.context import AppContext
from dashboard.reports.sheets import Book
from dashboard.routes import render
from dashboard.ui import table
from etl.contract import KINDS
from tests.support.dash_calls import column

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-contract.md"


def documented() -> tuple[dict[str, str], dict[tuple[str, str], list[str]]]:
    """From the contract's document: kind → its Chinese name, (kind, field) → the listed words."""
    names: dict[str, str] = {}
    values: dict[tuple[str, str], list[str]] = {}
    kind = ""
    for line in DOC.read_text(encoding="utf-8").splitlines():
        head = re.match(r"### `(\w+)` — (.+)$", line)
        if head:
            kind = head.group(1)
            names[kind] = head.group(2)
        row = re.match(r"\| `(\w+)` \|.*(?:Values: |\(its Chinese name or its code\): )(.+?)\. \|$", line)
        if row and kind:
            words = re.sub(r" \(also [^)]*\)", "", row.group(2)).split(", ")
            values[(kind, row.group(1))] = words
    return names, values


def cells(component: Any) -> list[str]:
    """The text of a page table's body cells, in order."""
    out: list[str] = []

    def walk(n: Any) -> None:
        if isinstance(n, str):
            out.append(n)
        elif isinstance(n, list | tuple):
            for v in n:
                walk(v)
        elif getattr(n, "children", None) is not None:
            walk(n.children)

    walk(component.children.children[1])  # Div › Table › [Thead, Tbody]
    return out


def shown_on_a_page(enum: Any) -> list[str]:
    rows = [{"v": c} for c in codes(enum)]
    return cells(table(rows, [("v", "值", enum)], "t"))


def shown_in_a_workbook(enum: Any, tmp: Path) -> list[str]:
    path = tmp / f"{enum}.xlsx"
    book = Book(path)
    book.sheet("表", [("v", "值", enum)], [{"v": c} for c in codes(enum)])
    book.close()
    sheet = load_workbook(io.BytesIO(path.read_bytes()), read_only=True)["表"]
    return [str(r[0]) for r in sheet.iter_rows(min_row=2, values_only=True)]


def test_the_contract_and_the_screens_say_the_same_word_for_each_code(tmp_path: Path) -> None:
    names, values = documented()
    enum_fields = [(k, f) for k in KINDS.values() for f in k.fields if f.enum]
    assert len(enum_fields) >= 15
    for kind, f in enum_fields:
        assert f.enum is not None
        book = [label(f.enum, c) for c in codes(f.enum)]
        assert values[(kind.name, f.name)] == book, (kind.name, f.name)
        assert shown_on_a_page(f.enum) == book, f.enum
        assert shown_in_a_workbook(f.enum, tmp_path) == book, f.enum
    # the classes of grid matters: one word in the files, on the screen and in the report
    assert values[("grid_event_kind", "event_class")] == ["警务类", "综治类", "服务类"]
    # the kinds of file: the contract's headings and the quality page's column say the same
    for name, kind in KINDS.items():
        assert names[name] == kind.zh == label("feed_kind", name)
    assert shown_on_a_page("feed_kind") == list(BOOK["feed_kind"].values())


def test_each_kind_of_item_says_its_own_status() -> None:
    # a dispute under investigation is 排查中, a hazard not yet rectified 未整改: the same code "open"
    rows = [{"s": "open"}]
    assert cells(table(rows, [("s", "状态", "dispute_status")], "t")) == ["排查中"]
    assert cells(table(rows, [("s", "状态", "hazard_status")], "t")) == ["未整改"]


def find(component: Any, ident: str) -> Any:
    """The component with this id anywhere in a layout."""
    if getattr(component, "id", None) == ident:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            hit = find(child, ident)
            if hit is not None:
                return hit
    return None


@pytest.mark.db
def test_open_items_on_the_pages_say_each_kinds_own_status(c: AppContext, core: Engine) -> None:
    grids = column(
        core,
        "select grid_code from (select grid_code from core.hazards where status <> 'cleared' "
        "union all select grid_code from core.disputes where risk_level = 'high' and status <> 'resolved') x "
        "group by 1 order by count(*) desc, 1 limit 8",
    )
    kind_of = {zh: code for code, zh in BOOK["item_kind"].items()}
    seen: set[str] = set()
    for grid in grids:
        table_ = find(render(c, f"/grid/{grid}"), "drill-open-items")
        for row in table_.children.children[1].children:
            kind, status = row.children[1].children, row.children[6].children
            enum = ITEM_STATUS[kind_of[kind]]
            assert status in BOOK[enum].values(), (grid, kind, status)
            seen.add(kind_of[kind])
    assert {"hazard", "dispute"} <= seen
