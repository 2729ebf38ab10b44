"""An XLSX sheet written as the reports' workbooks and the supervisions' export write theirs.

xlsxwriter in constant-memory mode (each row goes to disk as it is written): numbers as numbers,
times and days as Excel dates, codes and free text as text (a coded value as its codebook label),
a frozen header with a filter, and each column as wide as its header and widest cell as shown (a
Chinese character takes two of a sheet's width units; a text too long for :data:`WIDEST` wraps).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

import xlsxwriter

from common.china import TZ
from common.codebook import BOOK, EnumName, label

Column = tuple[str, str, str]  # (key, header, kind: text | int | float | pct | time | date | a codebook enum)
# a column's width in the sheet's units (a digit's width; a Chinese character takes two): at least
# its header's and widest cell's, at most WIDEST, past which a cell's text wraps within it
NARROWEST, WIDEST, MARGIN = 8, 60, 2


def width_of(text: str) -> int:
    """How many of a sheet's width units ``text`` takes on one line: a Chinese (wide) character two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class Book:
    """A workbook with the formats the sheets share."""

    def __init__(self, path: Path) -> None:
        self.wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
        self.head = self.wb.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
        self.time = self.wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.day = self.wb.add_format({"num_format": "yyyy-mm-dd"})
        self.pct = self.wb.add_format({"num_format": "0.0%"})
        self.text = self.wb.add_format({"num_format": "@"})
        self.long = self.wb.add_format({"num_format": "@", "text_wrap": True, "valign": "top"})

    def sheet(self, name: str, columns: Sequence[Column], rows: Iterable[Mapping[str, Any]]) -> int:
        """Write a sheet row by row (rows may be a generator); return how many rows it holds."""
        ws = self.wb.add_worksheet(name)
        # the header's width and its filter's button, then each cell's as it is shown
        wide = [width_of(header) + 2 for _key, header, _kind in columns]
        for j, (_key, header, _kind) in enumerate(columns):
            ws.write_string(0, j, header, self.head)
        ws.freeze_panes(1, 0)
        n = 0
        for n, row in enumerate(rows, start=1):
            for j, (key, _header, kind) in enumerate(columns):
                wide[j] = max(wide[j], self.cell(ws, n, j, row.get(key), kind))
        for j, w in enumerate(wide):  # kept until the sheet is closed, so set after its rows
            ws.set_column(j, j, min(WIDEST, max(NARROWEST, w)) + MARGIN)
        ws.autofilter(0, 0, max(n, 1), len(columns) - 1)
        return n

    def cell(self, ws: Any, i: int, j: int, value: Any, kind: str) -> int:
        """Write one cell; return the width its value is shown in (a wrapped text's: WIDEST)."""
        if value is None:
            ws.write_blank(i, j, None)
            return 0
        if kind in BOOK or kind == "text":
            # a coded value: its label, the one place a sheet turns codes into words
            text = label(cast(EnumName, kind), str(value)) if kind in BOOK else str(value)
            w = width_of(text)
            ws.write_string(i, j, text, self.text if w <= WIDEST else self.long)
            return min(w, WIDEST)
        if kind == "time":
            ws.write_datetime(i, j, value.astimezone(TZ).replace(tzinfo=None), self.time)
            return len("yyyy-mm-dd hh:mm")
        if kind == "date":
            day = value.astimezone(TZ).date() if isinstance(value, datetime) else cast(date, value)
            ws.write_datetime(i, j, datetime(day.year, day.month, day.day), self.day)
            return len("yyyy-mm-dd")
        if kind == "pct":
            ws.write_number(i, j, float(value), self.pct)
            return len(f"{float(value) * 100:.1f}%")
        number = float(value) if kind == "float" else int(value)
        ws.write_number(i, j, number)
        return len(str(number))

    def close(self) -> None:
        self.wb.close()
