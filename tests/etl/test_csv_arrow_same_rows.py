"""Arrow's way through a CSV file (etl/csv_arrow.py) gives what the careful reader gives, whatever
the file holds: odd quoting, values over lines, ragged records, byte-order marks, control and NUL
characters, blank-looking lines, in every encoding the manifests name — the same rows, the same
line numbers, the same records marked for quarantine, or the same refusal.

Files are drawn at random (a fixed seed, so a failure reproduces) from cells agencies' exports
hold; each is read both ways and compared.
"""

from __future__ import annotations

import random
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest

from common.errors import OnemapError
from etl.readers import read_csv

CELLS = (
    "a", "", " ", "中文", "é", "=1+1", "'", "\\", "\t", " \t ", "𠀀", "\ue000",
    '"q"', '"a,b"', '"x""y"', 'x"y', '"a"b', '"a" ', ' "a"', '"', '""', '"""',
    '"a\nb"', '"a\r\nb"', '"\n"', '"\r"', "\r",
    "\x00", '"\x00"', "\x0b", "\x0c", "\x1a", "\x1c", "\x1e", "\x85", "\u2028",
    "\ufeff", '"\ufeff"', "\ufeffa",
)  # fmt: skip
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "gbk", "latin-1", "utf-16")


def outcome(path: Path, encoding: str, fast: bool) -> tuple[str, object]:
    """("rows", the frame as lists) or ("refused", the message's start), read one way."""
    with mock.patch("etl.readers.arrow_table", **({} if fast else {"return_value": None})) as spy:
        if fast:
            from etl.csv_arrow import arrow_table

            spy.side_effect = arrow_table
        try:
            frames = list(read_csv(path, encoding, 2))
        except OnemapError as exc:
            return "refused", str(exc)[:60]
    if not frames:
        return "rows", {}
    df = pd.concat(frames, ignore_index=True)
    return "rows", df.astype(object).where(df.notna(), None).to_dict("list")


def drawn(rng: random.Random) -> str:
    width = rng.choice((2, 3))
    rows = []
    for _ in range(rng.randint(1, 5)):
        w = width if rng.random() < 0.85 else rng.choice((1, width - 1, width + 1))
        rows.append(
            ",".join(rng.choice(CELLS) if rng.random() < 0.5 else rng.choice(CELLS[:3]) for _ in range(w))
        )
    eol = rng.choice(("\n", "\r\n"))
    last = eol if rng.random() < 0.7 else ""
    return ",".join(f"列{i}" for i in range(width)) + eol + eol.join(rows) + last


@pytest.mark.parametrize("seed", range(4))
def test_arrow_and_the_careful_reader_read_any_file_alike(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    path = tmp_path / "drawn.csv"
    for _ in range(150):
        text, encoding = drawn(rng), rng.choice(ENCODINGS)
        try:
            path.write_bytes(text.encode(encoding))
        except UnicodeEncodeError:
            continue
        assert outcome(path, encoding, True) == outcome(path, encoding, False), (encoding, text)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_byte_order_mark_opening_the_first_data_line_is_kept(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("编号,名称\n\ufeffB1,甲\n".encode(encoding))
    kind, rows = outcome(path, encoding, True)
    assert kind == "rows" and isinstance(rows, dict) and rows["编号"] == ["\ufeffB1"]
