"""A worksheet streamed by openpyxl (a sheet too large for calamine to hold), its cells as calamine
reads them: the two readers of etl/readers.py must give the same text for the same workbook; and
what a file sent as a workbook that is none is, said so an operator knows what to ask for."""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile
from collections.abc import Generator
from pathlib import Path

from common.errors import OnemapError

# what a spreadsheet shows in a cell whose formula failed
ERROR_CELLS = frozenset(
    ("#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA")
)


def openpyxl_rows(
    path: Path, sheet: str | None, header_row: int
) -> Generator[tuple[int, list[object]], None, None]:
    """(sheet row number, cell values from column A) from ``header_row`` on, streamed by openpyxl.

    Parameters
    ----------
    path
        The workbook.
    sheet
        The sheet's name; None for the first visible one.
    header_row
        The first row to read.
    """
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise not_a_workbook(path, exc) from exc
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise OnemapError(f"{path}: no sheet {sheet!r}; it has {wb.sheetnames}")
        shown = [w for w in wb.worksheets if w.sheet_state == "visible"] or wb.worksheets
        ws = wb[sheet] if sheet else shown[0]
        cells = ws.iter_rows(values_only=True, min_row=header_row)
        line = header_row
        while True:
            # openpyxl warns of each cell formatted as a date whose serial is past 9999-12-31 and
            # reads it as an error: caught row by row to read the serial as written, as calamine does
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                values = next(cells, None)
            if values is None:
                return
            yield line, _as_calamine_reads(list(values), caught)
            line += 1
    finally:
        wb.close()


_NO_DATE = re.compile(r"Cell ([A-Z]+)\d+ is marked as a date but the serial value (\S+) is outside")
# serial 0 in Excel's 1900 calendar: openpyxl turns a negative serial into a date before it
_EXCEL_DAY_ZERO = dt.datetime(1899, 12, 30)


def _as_calamine_reads(values: list[object], caught: list[warnings.WarningMessage]) -> list[object]:
    """A streamed row's cells as calamine reads them where the serial of a date cell is no date:
    past 9999-12-31 the serial as written (openpyxl: an error); negative, its time of day
    (openpyxl: a made-up date before 1900 that a date column would accept)."""
    from openpyxl.utils import column_index_from_string

    for w in caught:
        found = _NO_DATE.match(str(w.message))
        if found:
            values[column_index_from_string(found.group(1)) - 1] = float(found.group(2))
    return [v.time() if isinstance(v, dt.datetime) and v < _EXCEL_DAY_ZERO else v for v in values]


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def not_a_workbook(path: Path, exc: Exception) -> OnemapError:
    """The refusal of a file that no reader opens as a workbook, saying what it is: empty, an old
    or password-protected workbook, a ZIP cut short or of something else, an HTML page (what many
    systems' "export to Excel" writes), plain text."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not head:
        what = "the file is empty: send it again"
    elif head.startswith(_OLE):
        what = (
            "an Excel 97–2003 workbook (.xls) or a password-protected one: "
            "save it as .xlsx without a password"
        )
    elif head.startswith(b"PK"):
        what = (
            "a ZIP archive holding no workbook"
            if zipfile.is_zipfile(path)
            else "a ZIP archive cut short (an incomplete copy): send it again"
        )
    else:
        text = head.decode("utf-8", errors="ignore") or head.decode("gb18030", errors="ignore")
        if re.search(r"<\s*(html|table|!doctype)", text, re.IGNORECASE):
            what = "an HTML page (a system's export to Excel): open it in Excel and save it as .xlsx"
        elif ("\x00" not in text and text.isprintable()) or "\n" in text:
            what = "plain text (CSV or tab-separated?): say format: csv in the manifest"
        else:
            what = "no workbook"
    return OnemapError(f"{path}: not a readable XLSX workbook ({type(exc).__name__}): {what}")


def sheets_said(path: Path, sheet: str | None) -> str:
    """Which sheet was read and which others the workbook has, for a refusal: 'sheet 空 (the first
    shown); the workbook's sheets: 空, 数据'."""
    try:
        with zipfile.ZipFile(path) as z:
            book = z.read("xl/workbook.xml").decode("utf-8", errors="replace")
    except (KeyError, OSError, zipfile.BadZipFile):
        return f"sheet {sheet}" if sheet else "the first sheet"
    found = [
        (m.group(2), "hidden" not in m.group(0).lower())
        for m in re.finditer(r"<(?:\w+:)?sheet\b[^>]*?\bname=([\"'])(.*?)\1[^>]*>", book)
    ]
    names = [n for n, _ in found]
    shown = sheet or next((n for n, v in found if v), names[0] if names else "?")
    return f"sheet {shown}{'' if sheet else ' (the first shown)'}; the workbook's sheets: {', '.join(names)}"
