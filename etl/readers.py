"""Readers for the formats agencies deliver; each yields chunks of raw text values with line numbers.

Every chunk is a DataFrame of strings named by the file's own columns, plus ``_line`` (the line a
person sees: the header is line 1 in CSV and XLSX; features count from 1 in GIS files) and, for
GIS files, ``_geom`` (shapely geometries in the file's coordinates).
"""

from __future__ import annotations

import codecs
import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio

from common.errors import OnemapError

LOGGER = logging.getLogger(__name__)


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


def read_csv(path: Path, encoding: str, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """CSV as strings (no value is guessed into a number), in chunks of ``chunk_rows``."""
    enc = "utf-8-sig" if encoding.lower().replace("-", "") in ("utf8", "utf8sig") else encoding
    try:
        codecs.lookup(enc)
    except LookupError as exc:
        raise OnemapError(f"{path}: unknown encoding {encoding!r} in the manifest") from exc
    _check_encoding(path, enc, encoding)
    try:
        reader = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            encoding=enc,
            chunksize=chunk_rows,
            skipinitialspace=False,
        )
        line = 2
        for chunk in reader:
            chunk.columns = [str(c).strip() for c in chunk.columns]
            chunk["_line"] = np.arange(line, line + len(chunk))
            line += len(chunk)
            yield chunk
    except pd.errors.ParserError as exc:
        raise OnemapError(f"{path}: not a readable CSV file: {str(exc).splitlines()[0]}") from exc
    except pd.errors.EmptyDataError as exc:
        raise OnemapError(f"{path}: empty file, expected a header row") from exc


def _cell_text(value: object) -> str:
    """One XLSX cell as the text a clerk would read off the screen."""
    if value is None:
        return ""
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


def read_xlsx(path: Path, sheet: str | None, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """The first (or named) sheet of a workbook as strings, in chunks of ``chunk_rows``, streamed."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise OnemapError(f"{path}: not a readable XLSX workbook ({type(exc).__name__})") from exc
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise OnemapError(f"{path}: no sheet {sheet!r}; it has {wb.sheetnames}")
        ws = wb[sheet] if sheet else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise OnemapError(f"{path}: empty sheet, expected a header row")
        names = [_cell_text(h) for h in header]
        width = len(names)
        buf: list[list[str]] = []
        lines: list[int] = []
        line = 1
        for row in rows:
            line += 1
            cells = [_cell_text(v) for v in row[:width]]
            if not any(cells):
                continue  # trailing blank rows are formatting, not data
            cells += [""] * (width - len(cells))
            buf.append(cells)
            lines.append(line)
            if len(buf) >= chunk_rows:
                yield _frame(buf, names, lines)
                buf, lines = [], []
        if buf:
            yield _frame(buf, names, lines)
    finally:
        wb.close()


def _frame(rows: list[list[str]], names: list[str], lines: list[int]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=names, dtype=str)
    df["_line"] = lines
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
) -> Iterator[pd.DataFrame]:
    """Dispatch on the manifest's format; CSV and XLSX come in chunks of ``chunk_rows`` rows (the
    ``ONEMAP_CHUNK_ROWS`` setting), a GIS file in one."""
    if fmt == "csv":
        yield from read_csv(path, encoding or "utf-8", chunk_rows)
    elif fmt == "xlsx":
        yield from read_xlsx(path, sheet, chunk_rows)
    else:
        yield from read_gis(path, layer, encoding)
