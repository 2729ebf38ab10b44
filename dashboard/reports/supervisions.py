"""Supervisions (督办) as files: the export handed back to the systems that own the items (CSV and
XLSX, one row per supervision led by the item's source key), and the rows the weekly report lists.

Every coded value is written as its label; the note and result arrive masked from
``serve.supervisions``; times are Beijing time.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from common.china import TZ
from common.codebook import label
from dashboard.reports.sheets import Book

# (key, header): the source key first, as the owning system names the item
COLUMNS: list[tuple[str, str]] = [
    ("item_kind", "事项类型"),
    ("item_no", "事项编号"),
    ("what", "事项"),
    ("card", "督办牌"),
    ("station_code", "派出所编码"),
    ("zone_code", "警务区编码"),
    ("grid_code", "网格编码"),
    ("registered_at", "登记时间"),
    ("note", "督办要求"),
    ("unit", "责任单位"),
    ("deadline", "办结期限"),
    ("state", "督办状态"),
    ("opened_by_name", "督办人"),
    ("opened_at", "督办时间"),
    ("closed_by_name", "办结人"),
    ("closed_at", "办结时间"),
    ("closed_reason", "办结方式"),
    ("result", "办理结果"),
    ("item_closed_at", "事项办结时间"),
]


def badge_text(s: dict[str, Any] | None) -> str:
    """What an item's supervision says wherever the item is shown: its state (open or overdue)
    with its deadline, or closed with how; "" for an item never supervised."""
    if not s:
        return ""
    state = "overdue" if s.get("overdue") else str(s["state"])
    word = label("supervision_state", state)
    text = word if state == "open" else f"督办{word}"
    if state != "closed":
        return f"{text} · 截止 {s['deadline']:%m-%d}"
    if s.get("closed_reason"):
        return f"{text}（{label('closed_reason', s['closed_reason'])}）"
    return text


def cells(s: dict[str, Any]) -> list[Any]:
    """One supervision's cells in :data:`COLUMNS` order: labels for codes, overdue derived."""
    shown = {
        **s,
        "item_kind": label("item_kind", s["item_kind"]),
        "card": label("card", s["card"]),
        "state": label("supervision_state", "overdue" if s["overdue"] else s["state"]),
        "closed_reason": label("closed_reason", s["closed_reason"]),
    }
    return [shown.get(key) for key, _ in COLUMNS]


# what makes a spreadsheet read a CSV cell as a formula (or a DDE call): its first character, after
# any blanks, tabs or line breaks it skips; the full-width forms are read as these too
FORMULA_START = re.compile(r"^[\s\u3000]*[=+\-@＝＋－＠]|^[\t\r\n]")


def csv_cell(text: str) -> str:
    """A CSV cell that a spreadsheet shows as the text it is: one that would start a formula gets
    a leading apostrophe (what a person typed stays readable; nothing runs)."""
    return "'" + text if FORMULA_START.search(text) else text


def _text(v: Any) -> str:
    if isinstance(v, datetime):
        return v.astimezone(TZ).strftime("%Y-%m-%d %H:%M")
    if isinstance(v, date):
        return v.isoformat()
    return "" if v is None else csv_cell(str(v))


def to_csv(rows: Sequence[dict[str, Any]]) -> bytes:
    """The export as CSV (UTF-8 with a byte-order mark, so a spreadsheet opens it as such); every
    text cell is written with :func:`csv_cell` (notes, units and results are typed by people, item
    names come from data files)."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([h for _, h in COLUMNS])
    for s in rows:
        w.writerow([_text(v) for v in cells(s)])
    return out.getvalue().encode("utf-8-sig")


# the XLSX's kind of each column (dashboard.reports.sheets.Book): its codes already labelled by cells
KINDS = {
    "registered_at": "time",
    "deadline": "date",
    "opened_at": "time",
    "closed_at": "time",
    "item_closed_at": "time",
}


def write_xlsx(rows: Sequence[dict[str, Any]], path: Path) -> None:
    """The export as an XLSX sheet: codes and numbers as text, times as Excel dates, each column as
    wide as its header and widest cell (a long note wraps)."""
    book = Book(path)
    keys = [key for key, _ in COLUMNS]
    book.sheet(
        "督办清单",
        [(key, header, KINDS.get(key, "text")) for key, header in COLUMNS],
        (dict(zip(keys, cells(s), strict=True)) for s in rows),
    )
    book.close()


def week_rows(found: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The supervisions a weekly report lists: those opened, overdue at its end or closed in its
    week (from :func:`dashboard.queries.supervision.area_list`), each with what it did that week,
    its deadline and how it ended, in words."""
    out = []
    for s in found:
        did = [
            k
            for k, flag in (("opened", "opened_in"), ("overdue", "overdue_at"), ("closed", "closed_in"))
            if s[flag]
        ]
        if not did:
            continue
        ended = ""
        if s["closed_in"]:
            ended = label("closed_reason", s["closed_reason"]) + (
                f"：{s['result']}" if s.get("result") else ""
            )
        out.append(
            {
                **s,
                "week_state": "、".join(label("supervision_week", k) for k in did),
                "deadline_text": s["deadline"].isoformat(),
                "ended": ended,
            }
        )
    return out
