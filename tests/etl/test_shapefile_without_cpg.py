"""A Shapefile sent without its .cpg, its encoding not in the manifest: GDAL would read its .dbf
as Latin-1 and the names would load as mojibake (一网格 as Ò»Íø¸ñ) with nothing said. UTF-8 text
is read as UTF-8, ASCII as it is, and text in an encoding nothing names refuses the source,
asking for the encoding; with the encoding in the manifest it loads as before."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from common.errors import OnemapError
from etl.readers import read_gis


def shapefile(folder: Path, encoding: str, name: str) -> Path:
    folder.mkdir()
    path = folder / "grids.shp"
    gdf = gpd.GeoDataFrame([{"WGBM": "G1", "WGMC": name}], geometry=[Point(113.5, 23.5)], crs="EPSG:4326")
    gdf.to_file(path, encoding=encoding)
    path.with_suffix(".cpg").unlink(missing_ok=True)
    return path


def test_utf8_and_ascii_text_without_a_cpg_read_as_they_are(tmp_path: Path) -> None:
    (df,) = list(read_gis(shapefile(tmp_path / "u", "UTF-8", "一网格")))
    assert df["WGMC"].tolist() == ["一网格"]
    (df,) = list(read_gis(shapefile(tmp_path / "a", "UTF-8", "G-one")))
    assert df["WGMC"].tolist() == ["G-one"]


@pytest.mark.parametrize("encoding", ["GBK", "GB18030"])
def test_text_in_an_encoding_nothing_names_is_refused_not_read_as_latin1(
    tmp_path: Path, encoding: str
) -> None:
    path = shapefile(tmp_path / "g", encoding, "一网格")
    with pytest.raises(OnemapError, match=r"no \.cpg beside it and no encoding"):
        list(read_gis(path))
    (df,) = list(read_gis(path, encoding=encoding))
    assert df["WGMC"].tolist() == ["一网格"]


@pytest.mark.parametrize("cpg", (True, False))
def test_a_record_with_bytes_not_in_the_dbf_encoding_is_marked_not_loaded_mangled(
    tmp_path: Path, cpg: bool
) -> None:
    """GDAL drops bytes a .dbf's encoding cannot read (乙楼 read as 0楼): the record is marked for
    the checks to quarantine (bad_encoding), as a CSV line is; a name cut mid-character by the
    field's width is a truncation and loads."""
    path = tmp_path / "buildings.shp"
    gpd.GeoDataFrame(
        {"DM": ["A1", "A2", "A3"], "MC": ["甲楼", "乙楼", "丙楼" * 2]},
        geometry=[Point(113.8, 23.3)] * 3,
        crs=4326,
    ).to_file(path, encoding="gb18030")
    dbf = path.with_suffix(".dbf")
    body = dbf.read_bytes()
    at = body.find("乙楼".encode("gb18030"))
    body = body[:at] + b"\x81\x30" + body[at + 2 :]
    cut = body.find("丙楼丙楼".encode("gb18030"))
    body = body[: cut + 7] + b" " + body[cut + 8 :]  # the last character cut in two
    dbf.write_bytes(body)
    path.with_suffix(".cpg").unlink(missing_ok=True)
    if cpg:
        path.with_suffix(".cpg").write_text("GB18030")
    (df,) = list(read_gis(path, None, None if cpg else "GB18030"))
    assert df["DM"].tolist() == ["A1", "A2", "A3"]
    assert df["_undecoded"].tolist() == ["", "MC", ""]


def _with_code_page_byte(folder: Path, ldid: int) -> Path:
    """A GBK Shapefile without a .cpg whose .dbf header's language-driver byte is ``ldid``, its
    second record holding two bytes that are not GBK where 乙 was."""
    folder.mkdir()
    path = folder / "buildings.shp"
    gpd.GeoDataFrame(
        {"DM": ["A1", "A2"], "MC": ["甲楼", "乙楼"]}, geometry=[Point(113.8, 23.3)] * 2, crs=4326
    ).to_file(path, encoding="gbk")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    dbf = path.with_suffix(".dbf")
    body = bytearray(dbf.read_bytes())
    body[29] = ldid
    at = body.find("乙楼".encode("gbk"))
    body[at : at + 2] = b"\x81\x30"
    dbf.write_bytes(bytes(body))
    return path


@pytest.mark.parametrize("ldid", (0x4D, 0x7A))
def test_a_dbf_whose_encoding_only_its_header_byte_names_is_checked_for_bad_bytes(
    tmp_path: Path, ldid: int
) -> None:
    """The header's code page (936, GBK) is the only word on the encoding: the record holding bytes
    not in it is marked for quarantine, not loaded as 0楼."""
    (df,) = list(read_gis(_with_code_page_byte(tmp_path / "s", ldid)))
    assert df["MC"].tolist()[0] == "甲楼"
    assert df["_undecoded"].tolist() == ["", "MC"]


@pytest.mark.parametrize("ldid", (0x57, 0x03, 0x01))
def test_gbk_text_in_a_dbf_whose_header_says_a_one_byte_code_page_is_refused(
    tmp_path: Path, ldid: int
) -> None:
    """A header saying ANSI, Windows-1252 or DOS 437 over GBK text would load every name as
    accented letters (甲楼 as ¼×Â¥): refused, asking for the encoding, which then reads it."""
    path = _with_code_page_byte(tmp_path / "s", ldid)
    with pytest.raises(OnemapError, match=r"header's code page, byte 0x.*say its encoding"):
        list(read_gis(path))
    (df,) = list(read_gis(path, encoding="GBK"))
    assert df["MC"].tolist()[0] == "甲楼"
    assert df["_undecoded"].tolist() == ["", "MC"]
