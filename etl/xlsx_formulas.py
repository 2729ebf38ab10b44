"""The cells of a worksheet holding a formula but no stored value: a workbook a program wrote
(openpyxl, a system's export) and no spreadsheet ever computed keeps only the formula, and both
readers (calamine, openpyxl) read such a cell as empty; the row is quarantined naming the cell and
its field instead of loading without the value.

Read from the sheet's XML in one streamed pass; a sheet without a formula (most deliveries) is only
searched for the formula tag.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_VALUE = re.compile(rb"<(?:\w+:)?v\b[^>]*?(/?)>")
_REF = re.compile(rb'\br="([A-Z]*)(\d*)"')
_ROW_END = re.compile(rb"</(?:\w+:)?row>")
_ROW_START = re.compile(rb"<(?:\w+:)?row[\s>/]")
_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d+)\"")
_CHUNK = 1 << 20


def formulas_later(path: Path, sheet: str | None) -> Callable[[], dict[int, list[int]]]:
    """:func:`formulas_without_value` searched in a thread while the sheet is read: the result when
    called (a second of 270 MB of a sheet's XML, mostly unzipping, which frees the interpreter)."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="xlsx-formulas")
    found = pool.submit(formulas_without_value, path, sheet)
    pool.shutdown(wait=False)
    return found.result


def formulas_without_value(path: Path, sheet: str | None) -> dict[int, list[int]]:
    """Sheet row number → the columns (0 for A) whose cell holds a formula and no stored value, in
    the named sheet or the first visible worksheet; empty when there is none or the file is no
    workbook (the reader says why)."""
    try:
        with zipfile.ZipFile(path) as z:
            member = _sheet_member(z, sheet)
            if member is None:
                return {}
            return _scan(z, member)
    except (zipfile.BadZipFile, OSError, ET.ParseError, KeyError):
        return {}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_member(z: zipfile.ZipFile, sheet: str | None) -> str | None:
    """The zip member of the sheet as the readers choose it: by name, or the first visible worksheet."""
    rels = {
        e.get("Id"): e.get("Target", "")
        for e in ET.fromstring(z.read("xl/_rels/workbook.xml.rels")).iter()
        if _local(e.tag) == "Relationship"
    }
    sheets = []
    for e in ET.fromstring(z.read("xl/workbook.xml")).iter():
        if _local(e.tag) != "sheet":
            continue
        rid = next((v for k, v in e.attrib.items() if _local(k) == "id"), None)
        target = rels.get(rid, "")
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        if "worksheets/" in member:
            sheets.append((e.get("name"), e.get("state", "visible"), member))
    if sheet is not None:
        return next((m for name, _, m in sheets if name == sheet), None)
    shown = [m for _, state, m in sheets if state == "visible"] or [m for *_, m in sheets]
    return shown[0] if shown else None


def _scan(z: zipfile.ZipFile, member: str) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    row = 0
    tail = b""
    with z.open(member) as f:
        while True:
            chunk = f.read(_CHUNK)
            buf = tail + chunk
            cut = _last_row_end(buf) if chunk else len(buf)
            if cut == 0:
                tail = buf  # a row longer than a chunk: read on
                continue
            part, tail = buf[:cut], buf[cut:]
            if _FORMULA.search(part):
                row = _rows(part, row, found)
            else:
                # no formula here: only where the rows have got to, for a row without its number
                numbers = _ROW_NUMBER.findall(part[-(1 << 16) :])
                row = int(numbers[-1]) if numbers else row + len(_ROW_START.findall(part))
            if not chunk:
                return found


def _last_row_end(buf: bytes) -> int:
    """Where the last whole row of ``buf`` ends (0: none does)."""
    ends = list(_ROW_END.finditer(buf, max(0, len(buf) - (1 << 16))))
    if not ends:
        ends = list(_ROW_END.finditer(buf))
    return ends[-1].end() if ends else 0


def _rows(part: bytes, row: int, found: dict[int, list[int]]) -> int:
    for r in _ROW.finditer(part):
        number = re.search(rb'\br="(\d+)"', r.group(1))
        row = int(number.group(1)) if number else row + 1
        body = r.group(2)
        if not body or not _FORMULA.search(body):
            continue
        col = -1
        for c in _CELL.finditer(body):
            ref = _REF.search(c.group(1))
            col = _column(ref.group(1)) if ref and ref.group(1) else col + 1
            inner = c.group(2)
            if (
                inner
                and _FORMULA.search(inner)
                and not any(v.group(1) == b"" for v in _VALUE.finditer(inner))
            ):
                found.setdefault(row, []).append(col)
    return row


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def past_last_row(unvalued: dict[int, list[int]], last: int, names: list[str]) -> list[tuple[int, str]]:
    """(row, fault) of the rows past ``last``, the last row a reader gave: a row of formulas without
    values only holds nothing calamine counts, so a last such row is past its last row."""
    return [(n, unvalued_cells(n, unvalued[n], names)) for n in sorted(unvalued) if last and n > last]


def unvalued_cells(line: int, columns: list[int], names: list[str]) -> str:
    """What a row's formula cells without a stored value are, for its quarantine: cell and field."""
    cells = ", ".join(
        f"{_letters(c)}{line} ({names[c] if c < len(names) else 'right of the header'})" for c in columns
    )
    return (
        f"formula with no stored value in {cells}: the workbook was written by a program and never "
        "computed, so the cell reads as empty; open and save it in a spreadsheet, or send the values"
    )


def _letters(col: int) -> str:
    out = ""
    col += 1
    while col:
        col, r = divmod(col - 1, 26)
        out = chr(65 + r) + out
    return out
