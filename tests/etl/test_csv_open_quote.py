"""A quote a clerk opened in a CSV field and never closed took every line after it into that one
field: one quarantined record where there were many, and the operator not told where the quote
was. The record's first line is quarantined naming its line and field, and the lines it took in
are read as the records they are; a value that truly spans lines (a note with a line break) stays
one value."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from etl.readers import read_csv

HEADER = "编号,姓名,地址\n"


def read(tmp_path: Path, body: str, encoding: str) -> pd.DataFrame:
    path = tmp_path / "people.csv"
    path.write_bytes((HEADER + body).encode(encoding))
    df = pd.concat(list(read_csv(path, encoding, 2)), ignore_index=True)
    return df.assign(_bad=df["_bad"].fillna("")) if "_bad" in df else df


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
@pytest.mark.parametrize(
    "body",
    [
        'A1,张伟,"荔城街道\nA2,李娜,新塘镇\nA3,王芳,朱村街道\n',  # never closed: to the file's end
        'A1,"张伟,荔城街道\nA2,李娜,新塘镇\nA3,王芳",朱村街道\n',  # closed lines later, mid-field
        'A1,张伟,"荔城\nA2,李娜,新塘镇\nA3,王芳,朱村"\n',  # the fields add up to the header's width
        '"A1,张伟,荔城街道\r\nA2,李娜,新塘镇\r\nA3,王芳,朱村街道\r\n',  # the first field, CRLF
    ],
)
def test_an_open_quote_is_named_and_the_lines_it_took_in_load(
    tmp_path: Path, body: str, encoding: str
) -> None:
    df = read(tmp_path, body, encoding)
    assert df["_line"].tolist() == [2, 3, 4]
    first = df["_bad"][0]
    assert "line 2" in first and "lines 3–4" in first and "quote" in first, first
    assert df["编号"][1:].tolist() == ["A2", "A3"]
    assert df["姓名"][1:].str.startswith(("李娜", "王芳")).all()
    assert (df["_bad"][1:] == "").all()


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_value_spanning_lines_stays_one_value(tmp_path: Path, encoding: str) -> None:
    df = read(tmp_path, 'A1,张伟,"荔城街道\n3号, 后门"\nA2,李娜,新塘镇\n', encoding)
    assert df["地址"].tolist() == ["荔城街道\n3号, 后门", "新塘镇"]
    assert df["_line"].tolist() == [2, 4]
    assert "_bad" not in df or (df["_bad"] == "").all()


def test_two_open_quotes_each_named(tmp_path: Path) -> None:
    df = read(tmp_path, 'A1,"张伟,荔城\nA2,李娜,"新塘\nA3,王芳,朱村\nA4,赵磊,石滩\n', "utf-8")
    assert df["_line"].tolist() == [2, 3, 4, 5]
    assert "line 2" in df["_bad"][0] and "field 姓名" in df["_bad"][0]
    assert "line 3" in df["_bad"][1] and "field 地址" in df["_bad"][1]
    assert df["编号"][2:].tolist() == ["A3", "A4"]
