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
