"""Reading back an XLSX sheet as a person sees it: the text each cell shows and whether its column
is wide enough for it (the reports' workbooks and the supervisions' export)."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet


def widths(ws: Worksheet) -> dict[int, float]:
    """Each column's width (1-based), as set (openpyxl groups neighbours of one width)."""
    out: dict[int, float] = {}
    for dim in ws.column_dimensions.values():
        for j in range(dim.min or 0, (dim.max or 0) + 1):
            out[j] = dim.width
    return out


def shown(value: Any, number_format: str) -> str:
    """A cell's text as the sheet shows it."""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}" if "h" in number_format else f"{value:%Y-%m-%d}"
    if isinstance(value, float) and "%" in number_format:
        return f"{value * 100:.1f}%"
    return str(value)


def wide(text: str) -> float:
    """Columns of a sheet's width a text takes: a Chinese character about two."""
    return sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.0 for ch in text)


def too_narrow(ws: Worksheet) -> list[tuple[str, str, str, float, float | None]]:
    """The cells (sheet, cell, text's start, width needed, column's width) whose text does not fit
    its column's width, but for a text wrapped in a column 40 or more wide."""
    narrow = []
    set_widths = widths(ws)
    for column in ws.iter_cols():
        j = column[0].column
        for cell in column:
            if cell.value is None:
                continue
            need = wide(shown(cell.value, cell.number_format))
            if need > set_widths.get(j, 8.43) and not (
                cell.alignment.wrap_text and set_widths.get(j, 0) >= 40
            ):
                narrow.append((ws.title, cell.coordinate, str(cell.value)[:30], need, set_widths.get(j)))
    return narrow
