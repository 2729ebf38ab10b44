"""Readers for the formats agencies deliver; each yields chunks of raw text values with line numbers.

Every chunk is a DataFrame of strings named by the file's own columns, plus ``_line`` (the line a
person sees: in CSV and XLSX the header's line is the manifest's ``header_row``, 1 unless said;
features count from 1 in GIS files), for GIS files ``_geom`` (shapely geometries in the file's
coordinates) and, where a CSV record was malformed, ``_bad`` (what was wrong; "" for sound rows).
A reader never refuses a single row: it hands it on for the checks to quarantine.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyogrio

from common.china import TZ_NAME
from common.errors import OnemapError

LOGGER = logging.getLogger(__name__)
_FIELD_LIMIT = 1 << 24  # a 16 MB cell is a broken file's, not a clerk's; above it the file is refused


def _check_encoding(path: Path, encoding: str, declared: str) -> None:
    """Decode the whole file incrementally; a wrong encoding is one line naming the offset."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                raise OnemapError(
                    f"{path}: not {declared} text (undecodable byte at offset {offset + exc.start}); "
                    "say the right encoding in the manifest"
                ) from exc
            offset += len(block)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise OnemapError(f"{path}: not {declared} text (truncated at the end)") from exc


def _names(header: list[str], path: Path) -> list[str]:
    """Column names from a header row: trimmed, trailing empty ones (a trailing comma) dropped, a repeated
    name numbered as a spreadsheet does (``名称``, ``名称.1``)."""
    names = [str(h).strip() for h in header]
    while names and names[-1] == "":
        names.pop()
    if not names:
        raise OnemapError(f"{path}: empty header row; say header_row: in the manifest if it is further down")
    seen: dict[str, int] = {}
    out = []
    for name in names:
        n = seen.get(name, 0)
        seen[name] = n + 1
        out.append(name if n == 0 else f"{name}.{n}")
    return out


def _fit(record: list[str], width: int) -> tuple[list[str], str]:
    """A record cut or padded to the header's width, and what was wrong with it ("" if nothing).

    Extra fields that are all empty are a trailing comma, not a fault; others make the record malformed.
    """
    if len(record) == width:
        return record, ""
    if len(record) > width:
        extra = record[width:]
        if not any(x.strip() for x in extra):
            return record[:width], ""
        return record[:width], f"{len(record)} fields, the header has {width}; extra: {extra!r}"[:300]
    return record + [""] * (width - len(record)), f"{len(record)} fields, the header has {width}"


def read_csv(path: Path, encoding: str, chunk_rows: int, header_row: int = 1) -> Iterator[pd.DataFrame]:
    """CSV as strings (no value is guessed into a number), in chunks of ``chunk_rows``.

    The header is on line ``header_row``; lines before it are skipped. Blank lines are skipped but
    counted, so ``_line`` is the line a text editor shows (a record spanning lines: its first). A
    record with the wrong number of fields is kept, marked in ``_bad``, for the checks to quarantine.
    """
    enc = "utf-8-sig" if encoding.lower().replace("-", "") in ("utf8", "utf8sig") else encoding
    try:
        codecs.lookup(enc)
    except LookupError as exc:
        raise OnemapError(f"{path}: unknown encoding {encoding!r} in the manifest") from exc
    _check_encoding(path, enc, encoding)
    csv.field_size_limit(_FIELD_LIMIT)
    with path.open(encoding=enc, newline="") as fh:
        reader = csv.reader(fh)
        names: list[str] | None = None
        buf: list[list[str]] = []
        lines: list[int] = []
        bad: list[str] = []
        start = 1
        try:
            for record in reader:
                line, start = start, reader.line_num + 1
                if line < header_row or not record or (len(record) == 1 and not record[0].strip()):
                    continue  # before the header, or a blank line
                if names is None:
                    names = _names(record, path)
                    width = len(names)
                    continue
                cells, fault = (record, "") if len(record) == width else _fit(record, width)
                buf.append(cells)
                lines.append(line)
                bad.append(fault)
                if len(buf) >= chunk_rows:
                    yield _frame(buf, names, lines, bad)
                    buf, lines, bad = [], [], []
        except csv.Error as exc:
            raise OnemapError(f"{path}: not a readable CSV file (line {reader.line_num}): {exc}") from exc
        if names is None:
            raise OnemapError(f"{path}: empty file, expected a header row on line {header_row}")
        if buf:
            yield _frame(buf, names, lines, bad)


def _cell_text(value: object) -> str:
    """One XLSX cell or GIS attribute as the text a clerk would read off the screen.

    An empty cell, a GIS null (None, NaN, NaT) is "" — never the text 'nan'. A time with a zone is
    shown in Beijing time.
    """
    if value is None or (not isinstance(value, (str, bytes, list, tuple)) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp) and value.tzinfo is not None:
        value = value.tz_convert(TZ_NAME).tz_localize(None)
    elif isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(ZoneInfo(TZ_NAME)).replace(tzinfo=None)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)  # 4.40118197905136e+17: an ID Excel turned into a float
    if isinstance(value, dt.datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M:%S") if value.time() != dt.time(0) else value.strftime("%Y-%m-%d")
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def read_xlsx(path: Path, sheet: str | None, chunk_rows: int, header_row: int = 1) -> Iterator[pd.DataFrame]:
    """The first (or named) sheet of a workbook as strings, in chunks of ``chunk_rows``, streamed.

    The header is on row ``header_row``; rows before it are skipped; ``_line`` is the sheet's row number.
    """
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise OnemapError(f"{path}: not a readable XLSX workbook ({type(exc).__name__})") from exc
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise OnemapError(f"{path}: no sheet {sheet!r}; it has {wb.sheetnames}")
        ws = wb[sheet] if sheet else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True, min_row=header_row)
        header = next(rows, None)
        if header is None:
            raise OnemapError(f"{path}: empty sheet, expected a header row on row {header_row}")
        names = _names([_cell_text(h) for h in header], path)
        width = len(names)
        buf: list[list[str]] = []
        lines: list[int] = []
        line = header_row
        bad: list[str] = []
        for row in rows:
            line += 1
            cells = [_cell_text(v) for v in row]
            if not any(cells):
                continue  # blank rows are formatting, not data
            # a short row is normal (a sheet does not store empty trailing cells); a value to the
            # right of the header is not
            cells, fault = _fit(cells, width) if len(cells) > width else (cells, "")
            buf.append(cells + [""] * (width - len(cells)))
            lines.append(line)
            bad.append(fault.replace("fields, the header has", "cells, the header has"))
            if len(buf) >= chunk_rows:
                yield _frame(buf, names, lines, bad)
                buf, lines, bad = [], [], []
        if buf:
            yield _frame(buf, names, lines, bad)
    finally:
        wb.close()


def _frame(
    rows: list[list[str]], names: list[str], lines: list[int], bad: list[str] | None = None
) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=names, dtype=str)
    df["_line"] = lines
    if bad is not None and any(bad):
        df["_bad"] = bad
    return df


def read_gis(path: Path, layer: str | None = None, encoding: str | None = None) -> Iterator[pd.DataFrame]:
    """A GeoPackage layer, Shapefile or GeoJSON; attributes as strings, geometry kept as read."""
    kwargs: dict[str, object] = {}
    if layer:
        kwargs["layer"] = layer
    if encoding:
        kwargs["encoding"] = encoding
    try:
        gdf = pyogrio.read_dataframe(path, **kwargs)
    except Exception as exc:  # pyogrio raises DataSourceError, DataLayerError, …
        raise OnemapError(
            f"{path}: not a readable GIS file{f' (layer {layer})' if layer else ''}: {exc}"
        ) from exc
    geoms = gdf.geometry.to_numpy()
    attrs = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    df = pd.DataFrame({c: attrs[c].map(_cell_text) for c in attrs.columns})
    df["_line"] = np.arange(1, len(df) + 1)
    df["_geom"] = geoms
    yield df


def read_source(
    path: Path,
    fmt: str,
    encoding: str | None,
    layer: str | None,
    sheet: str | None,
    *,
    chunk_rows: int,
    header_row: int = 1,
) -> Iterator[pd.DataFrame]:
    """Dispatch on the manifest's format; CSV and XLSX come in chunks of ``chunk_rows`` rows (the
    ``ONEMAP_CHUNK_ROWS`` setting), a GIS file in one."""
    if fmt == "csv":
        yield from read_csv(path, encoding or "utf-8", chunk_rows, header_row)
    elif fmt == "xlsx":
        yield from read_xlsx(path, sheet, chunk_rows, header_row)
    else:
        yield from read_gis(path, layer, encoding)
