"""Readers for the formats agencies deliver; each yields chunks of raw text values with line numbers.

Every chunk is a DataFrame of strings named by the file's own columns, plus ``_line`` (the line a
person sees: in CSV and XLSX the header's line is the manifest's ``header_row``, 1 unless said;
features count from 1 in GIS files), for GIS files ``_geom`` (shapely geometries in the file's
coordinates) and, where a CSV record was malformed, ``_bad`` (what was wrong; "" for sound rows),
where a GeoJSON feature was not JSON, ``_bad_feature`` (where it broke) and, where its bytes were
not all in the file's encoding, ``_undecoded`` (the column that held them).
A reader never refuses a single row: it hands it on for the checks to quarantine.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import zipfile
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyogrio

from common.china import TZ_NAME
from common.errors import OnemapError
from common.text import header_name
from etl import csv_lines, textfile
from etl.csv_arrow import arrow_table, holding_values
from etl.geojson_lenient import is_sequence, read_features
from etl.xlsx_formulas import formulas_later, past_last_row, unvalued_cells
from etl.xlsx_stream import ERROR_CELLS, not_a_workbook, openpyxl_rows, sheets_said

_FIELD_LIMIT = 1 << 24  # a 16 MB cell is a broken file's, not a clerk's; above it the file is refused


def _names(header: list[str], path: Path) -> list[str]:
    """Column names from a header row: in one form (:func:`common.text.header_name`, as the
    manifest's), trailing empty ones (a trailing comma) dropped, a repeated name numbered as a
    spreadsheet does (``名称``, ``名称.1``)."""
    names = [header_name(str(h)) for h in header]
    while names and names[-1] == "":
        names.pop()
    if not names:
        raise OnemapError(f"{path}: empty header row; say header_row: in the manifest if it is further down")
    return _numbered(names)


def _numbered(names: list[str]) -> list[str]:
    """``names`` with a repeated one numbered as a spreadsheet does (``名称``, ``名称.1``)."""
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

    The header is on line ``header_row``; lines before it are skipped. Blank lines (and records of
    separators, blanks or Ctrl-Z only, as a blank XLSX row) are skipped but counted, so ``_line``
    is the line a text editor shows (a record spanning lines: its first). A record with the wrong
    number of fields is kept, marked in ``_bad``, for the checks to quarantine.
    A plain file (etl/csv_arrow.py) is parsed by Arrow instead, to the same rows and lines.
    """
    enc = "utf-8-sig" if encoding.lower().replace("-", "") in ("utf8", "utf8sig") else encoding
    try:
        codecs.lookup(enc)
    except LookupError as exc:
        raise OnemapError(f"{path}: unknown encoding {encoding!r} in the manifest") from exc
    # bytes of another encoding on a few lines reach the reader escaped (U+DC80–U+DCFF), to be marked
    textfile.check_not_utf8(path, enc, encoding)
    escaped = False
    if textfile.one_byte_newline(enc):
        escaped = textfile.line_encoding(path, enc, encoding, header_row)
    else:
        textfile.check_encoding(path, enc, encoding)
    csv.field_size_limit(_FIELD_LIMIT)
    with path.open(encoding=enc, newline="", errors="surrogateescape" if escaped else "strict") as fh:
        reader = csv.reader(numbered := csv_lines.Lines(fh))
        names: list[str] | None = None
        buf: list[list[str]] = []
        lines: list[int] = []
        bad: list[str] = []
        odd_at: list[str] = []
        try:
            for record in reader:
                line = (held := numbered.record_lines())[0][0]
                if line < header_row or not any(c.replace("\x1a", "").strip() for c in record):
                    continue  # before the header, or a blank line (separators, blanks, Ctrl-Z only)
                if names is None:
                    names = _names(record, path)
                    width = len(names)
                    plain = (
                        arrow_table(path, enc, names, _FIELD_LIMIT)
                        if reader.line_num == 1 and not escaped
                        else None
                    )
                    if plain is not None:  # the same rows on the same lines, parsed in C++
                        at_line = np.arange(2, 2 + plain.num_rows)
                        keep = holding_values(plain)
                        if keep is not None:
                            plain, at_line = plain.filter(keep), at_line[keep]
                        for at in range(0, plain.num_rows, chunk_rows):
                            df = plain.slice(at, chunk_rows).to_pandas()
                            df["_line"] = at_line[at : at + chunk_rows]
                            yield df
                        return
                    continue
                record, quote = csv_lines.reread_if_swallowed(numbered, record, held, names)
                cells, fault = (record, "") if len(record) == width else _fit(record, width)
                fault = quote or fault
                if escaped:
                    cells, odd = textfile.undecoded(cells, names)
                    odd_at.append(odd)
                buf.append(cells)
                lines.append(line)
                bad.append(fault)
                if len(buf) >= chunk_rows:
                    yield _frame(buf, names, lines, bad, odd_at)
                    buf, lines, bad, odd_at = [], [], [], []
        except csv.Error as exc:
            raise OnemapError(f"{path}: not a readable CSV file (line {reader.line_num}): {exc}") from exc
        if names is None:
            raise OnemapError(f"{path}: empty file, expected a header row on line {header_row}")
        if buf:
            yield _frame(buf, names, lines, bad, odd_at)


def _cell_text(value: object) -> str:
    """One XLSX cell or GIS attribute as the text a clerk would read off the screen.

    An empty cell, a GIS null (None, NaN, NaT) is "" — never the text 'nan'. A time with a zone is
    shown in Beijing time. A list (a GIS file's list attribute) is its items, comma-separated.
    """
    if isinstance(value, (list, tuple, np.ndarray)):  # a GIS list attribute (IntegerList …)
        return ",".join(_cell_text(v) for v in value)
    if value is None or (
        pd.api.types.is_scalar(value) and not isinstance(value, (str, bytes)) and pd.isna(value)
    ):
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
        return repr(float(value))  # 4.40118197905136e+17: an ID Excel turned into a float
    if isinstance(value, dt.datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M:%S") if value.time() != dt.time(0) else value.strftime("%Y-%m-%d")
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def read_xlsx(path: Path, sheet: str | None, chunk_rows: int, header_row: int = 1) -> Iterator[pd.DataFrame]:
    """The first visible (or the named) worksheet of a workbook as strings, in chunks of ``chunk_rows``.

    The header is on row ``header_row``; rows before it are skipped; ``_line`` is the sheet's row
    number. Read by calamine (Rust, about ten times openpyxl's speed), which holds the whole sheet
    in memory, about twice its XML; a sheet whose XML is larger than ``_IN_MEMORY_XML`` is streamed
    by openpyxl instead, so memory stays bounded whatever the file.
    """
    if _sheet_xml_bytes(path) > _IN_MEMORY_XML:
        rows = openpyxl_rows(path, sheet, header_row)
    else:
        rows = _calamine_rows(path, sheet)
    try:
        yield from _xlsx_chunks(path, rows, chunk_rows, header_row, sheet)
    finally:
        rows.close()


# about 700 MB of memory in calamine (a sheet of 400,000 people and 14 columns is 280 MB of XML)
_IN_MEMORY_XML = 400 << 20


def _sheet_xml_bytes(path: Path) -> int:
    """The largest worksheet's uncompressed XML (0 when the file is no zip: the reader says why)."""
    try:
        with zipfile.ZipFile(path) as z:
            return max(
                (i.file_size for i in z.infolist() if i.filename.startswith("xl/worksheets/")), default=0
            )
    except (zipfile.BadZipFile, OSError):
        return 0


def _calamine_rows(path: Path, sheet: str | None) -> Generator[tuple[int, list[object]], None, None]:
    """(sheet row number, cell values from column A) of every row calamine holds, in order."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own errors and others for a file that is not a workbook
        raise not_a_workbook(path, exc) from exc
    try:
        if sheet is not None and sheet not in wb.sheet_names:
            raise OnemapError(f"{path}: no sheet {sheet!r}; it has {wb.sheet_names}")
        if sheet is None:
            # the first sheet a clerk sees: a hidden one first (a lookup list, a macro's) is not it
            sheets = [m for m in wb.sheets_metadata if str(m.typ).endswith("WorkSheet")]
            if not sheets:
                raise OnemapError(f"{path}: no worksheet in the workbook")
            shown = [m for m in sheets if str(m.visible).endswith("Visible")] or sheets
            sheet = shown[0].name
        ws = wb.get_sheet_by_name(sheet)
        if ws.start is None or ws.end is None:
            return
        # calamine's rows may begin at row 1 or at the first non-empty row, its cells at column A
        # or at the first non-empty column (python-calamine versions differ): told apart by the
        # first row (the first non-empty row holds a value) and each row's length
        (first_row, first_col), (_, last_col) = ws.start, ws.end
        offset: int | None = None
        for i, values in enumerate(ws.iter_rows()):
            if offset is None:
                offset = 0 if first_row > 0 and not any(v not in ("", None) for v in values) else first_row
            pad: list[object] = [None] * first_col if len(values) == last_col - first_col + 1 else []
            yield offset + i + 1, [*pad, *values]
    finally:
        wb.close()


def _xlsx_chunks(
    path: Path, rows: Iterator[tuple[int, list[object]]], chunk_rows: int, header_row: int, sheet: str | None
) -> Iterator[pd.DataFrame]:
    """A sheet's numbered rows as chunks of text: the header on ``header_row``, blank rows dropped,
    a row with a formula cell holding no stored value (etl/xlsx_formulas.py) marked."""
    unvalued_of, unvalued = formulas_later(path, sheet), {}
    header: list[object] | None = None
    names: list[str] = []
    buf: list[list[str]] = []
    lines: list[int] = []
    bad: list[str] = []
    for line, values in rows:
        if line < header_row:
            continue
        if header is None:
            # a header row the reader never met (blank, so calamine skipped it) is empty
            header = values if line == header_row else []
            names, unvalued = _names([_cell_text(h) for h in header], path), unvalued_of()
            if line == header_row:
                continue
        # most cells are text: trimmed here, the others through _cell_text (a call per cell costs);
        # an error cell (#N/A, #DIV/0! …) holds no value: calamine reads it as empty, openpyxl as
        # its code, so the code is read as empty too
        cells = [("" if v in ERROR_CELLS else v.strip()) if type(v) is str else _cell_text(v) for v in values]
        if not any(cells) and line not in unvalued:
            continue  # blank rows are formatting, not data
        # a short row is normal (a sheet does not store empty trailing cells); a value to the
        # right of the header is not
        width = len(names)
        cells, fault = _fit(cells, width) if len(cells) > width else (cells, "")
        buf.append(cells + [""] * (width - len(cells)))
        lines.append(line)
        if line in unvalued:
            fault = "; ".join(filter(None, (fault, unvalued_cells(line, unvalued[line], names))))
        bad.append(fault.replace("fields, the header has", "cells, the header has"))
        if len(buf) >= chunk_rows:
            yield _frame(buf, names, lines, bad)
            buf, lines, bad = [], [], []
    for n, fault in past_last_row(unvalued, line if header is not None else 0, names):
        buf, lines, bad = [*buf, [""] * len(names)], [*lines, n], [*bad, fault]
    if header is None:
        raise OnemapError(
            f"{path}: empty sheet, expected a header row on row {header_row} ({sheets_said(path, sheet)}); "
            "say the sheet: in the manifest if the data is on another"
        )
    if buf:
        yield _frame(buf, names, lines, bad)


def _frame(
    rows: list[list[str]],
    names: list[str],
    lines: list[int],
    bad: list[str] | None = None,
    undecoded: list[str] | None = None,
) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=names, dtype=str)
    df["_line"] = lines
    if bad is not None and any(bad):
        df["_bad"] = bad
    if undecoded is not None and any(undecoded):
        df["_undecoded"] = undecoded
    return df


@contextmanager
def _gdal_options(**options: str) -> Iterator[None]:
    """GDAL configuration options set while reading, then as they were."""
    before = {k: pyogrio.get_gdal_config_option(k) for k in options}
    pyogrio.set_gdal_config_options(options)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(before)


def read_gis(path: Path, layer: str | None = None, encoding: str | None = None) -> Iterator[pd.DataFrame]:
    """A GeoPackage layer, Shapefile or GeoJSON; attributes as strings, geometry kept as read."""
    kwargs: dict[str, object] = {}
    if layer:
        kwargs["layer"] = layer
    if encoding:
        kwargs["encoding"] = encoding
    dbf = path.with_suffix(".dbf")
    cpg = any(path.with_suffix(s).exists() for s in (".cpg", ".CPG"))
    if not encoding and not cpg and path.suffix.lower() == ".shp" and dbf.exists():
        found = textfile.dbf_encoding(dbf)  # never guessed as Latin-1 by GDAL
        if found:
            kwargs["encoding"] = found
    if encoding and path.suffix.lower() == ".shp" and dbf.exists():
        with dbf.open("rb") as fh:  # the records follow a header whose length bytes 8–9 hold
            head = fh.read(10)
        textfile.check_not_utf8(dbf, encoding, encoding, int.from_bytes(head[8:10], "little"))
    geojson = path.suffix.lower() in (".geojson", ".json", ".geojsons", ".geojsonl", ".geojsonseq")
    # a line-delimited one is read here: GDAL skips a broken line without a word
    lenient = _lenient_geojson(path) if geojson and is_sequence(path) else None
    try:
        if lenient is None:
            # a Shapefile sent without its .shx index is read through the .shp itself
            with _gdal_options(SHAPE_RESTORE_SHX="YES"):
                gdf = pyogrio.read_dataframe(path, **kwargs)
    except Exception as exc:  # pyogrio raises DataSourceError, DataLayerError, …
        lenient = _lenient_geojson(path) if geojson else None
        if lenient is None:
            raise OnemapError(
                f"{path}: not a readable GIS file{f' (layer {layer})' if layer else ''}: {exc}"
            ) from exc
    if lenient is not None:  # one odd feature fails its own row, not the file (etl/geojson_lenient.py)
        yield lenient
        return
    geoms = gdf.geometry.to_numpy()
    attrs = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    names = _numbered([header_name(str(c)) for c in attrs.columns])  # as a header's (see _names)
    df = pd.DataFrame({n: attrs.iloc[:, i].map(_cell_text) for i, n in enumerate(names)})
    df["_line"] = np.arange(1, len(df) + 1)
    df["_geom"] = geoms
    said = str(kwargs.get("encoding") or "") or textfile.cpg_encoding(path)
    if path.suffix.lower() == ".shp" and dbf.exists() and said:
        odd = textfile.dbf_undecoded(dbf, said)
        if odd and len(df) >= max(odd) + 1:  # records with bytes not in the encoding, for the checks
            df["_undecoded"] = [header_name(odd[i]) if i in odd else "" for i in range(len(df))]
    yield df


def _lenient_geojson(path: Path) -> pd.DataFrame | None:
    """A GeoJSON read feature by feature (etl/geojson_lenient.py), named as a header, marks last."""
    if (frame := read_features(path, _cell_text)) is None:
        return None
    marks = [c for c in frame.columns if c in ("_line", "_geom", "_bad_feature")]
    attrs = [str(c) for c in frame.columns if c not in marks]
    return frame[attrs + marks].set_axis([*_numbered([header_name(c) for c in attrs]), *marks], axis=1)


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
