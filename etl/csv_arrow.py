"""The fast way through a plain CSV file: Arrow's C++ parser, taken only where its rows are exactly
the records the careful reader (:func:`etl.readers.read_csv`) would give, on the same lines.

That holds when the file is UTF-8, its header is line 1, its first data line opens with no
byte-order mark, every record is one line (no value spans lines, no blank or whitespace-only
line, no lone carriage return), every record has the header's number of fields and no cell
exceeds the careful reader's limit. Any doubt and this declines
(returns None) before anything is handed on, and the careful reader reads the file as before:
the rows, their line numbers and the faults it reports are the same either way.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

# larger files are read record by record (flat memory) rather than whole
MAX_BYTES = 256 << 20


def arrow_table(path: Path, encoding: str, names: list[str], cell_limit: int) -> pa.Table | None:
    """The data rows of ``path`` (header on line 1, ``names`` its parsed columns) as a table of
    strings, row ``i`` on line ``i + 2``; None where the file is not plain enough (see above).

    ``encoding`` is the file's (already checked to decode): UTF-8 is parsed as it is, another
    encoding that writes line ends as ASCII does (GBK, GB18030: no byte of a multi-byte character
    is a line end) through Arrow's transcoding; others decline.
    """
    if len(names) < 2 or path.stat().st_size > MAX_BYTES:
        return None  # with one column a blank line is a valid empty record to Arrow
    utf8 = codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")
    if not utf8 and (
        '\r\n,"'.encode(encoding) != b'\r\n,"' or codecs.lookup(encoding).name.startswith("utf")
    ):
        return None
    data = path.read_bytes()
    first_end = data.find(b"\n")
    if first_end < 0:
        return None
    body = data[first_end + 1 :]
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None  # a lone carriage return ends a line for both readers, not for the count below
    if body[:8].decode("utf-8" if utf8 else encoding, errors="ignore").startswith("\ufeff"):
        return None  # Arrow drops a byte-order mark opening its input: the careful reader keeps it
    if b"\n\n" in body or b"\n\r\n" in body or body.startswith((b"\n", b"\r\n")):
        return None  # a blank line: skipped by the careful reader, an empty record to Arrow
    lines = body.count(b"\n") + (0 if not body or body.endswith(b"\n") else 1)

    def refuse(_row: object) -> str:
        return "error"  # a record of the wrong width: the careful reader marks it, row by row

    try:
        table = pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(
                column_names=names, block_size=max(cell_limit, 1 << 20), encoding="utf8" if utf8 else encoding
            ),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=refuse
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError):
        return None
    if table.num_rows != lines:
        return None  # a value spans lines: row numbers would no longer be line numbers
    if any((pc.max(pc.utf8_length(col)).as_py() or 0) > cell_limit for col in table.columns):
        return None  # the careful reader refuses the file, naming the line
    return table


# what Python's str.strip() takes for whitespace, and the DOS end-of-file mark (Ctrl-Z) old exports
# end with: a field of only these holds nothing
_NOTHING = (
    r"^[\t\n\x0b\x0c\r\x1a\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}"
    r"\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]*$"
)


def holding_values(table: pa.Table) -> np.ndarray | None:
    """Which rows of ``table`` hold a value in some field; None when all do (nearly always). A row
    of separators only (``,,,`` where a spreadsheet saved formatted empty rows), blanks or the
    end-of-file mark is blank, as the careful reader and XLSX take it."""
    empty = pc.match_substring_regex(table.column(0), _NOTHING)
    if not pc.any(empty).as_py():
        return None  # the first field alone tells, and nearly always holds a value
    for col in table.columns[1:]:
        empty = pc.and_(empty, pc.match_substring_regex(col, _NOTHING))
    if not pc.any(empty).as_py():
        return None
    return np.asarray(pc.invert(empty))
