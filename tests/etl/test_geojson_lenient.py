"""A GeoJSON file with one feature GDAL cannot read (a coordinate of 1e999, NaN, a malformed
geometry) is read feature by feature: the other features come through as they would, the odd
one without a geometry (the checks quarantine it as ``coord_missing`` on its own line), and only
a file that is no JSON at all is refused whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from common.errors import OnemapError
from etl.readers import read_gis

POINT = '{{"type":"Feature","properties":{{"DM":"{code}","MC":"点"}},"geometry":{geometry}}}'
GOOD = '{"type":"Point","coordinates":[113.8,23.3]}'
ODD = (
    '{"type":"Point","coordinates":[113.8,1e999]}',
    '{"type":"Point","coordinates":[-1e400,23.3]}',
    '{"type":"Point","coordinates":[113.8,23.3e99999]}',
)


def collection(*geometries: str) -> str:
    features = ",".join(POINT.format(code=f"C{i}", geometry=g) for i, g in enumerate(geometries, start=1))
    return '{"type":"FeatureCollection","features":[' + features + "]}"


@pytest.mark.parametrize("odd", ODD)
def test_one_unreadable_coordinate_fails_its_feature_not_the_file(tmp_path: Path, odd: str) -> None:
    path = tmp_path / "cameras.geojson"
    path.write_text(collection(GOOD, odd, GOOD), "utf-8")
    (df,) = list(read_gis(path))
    assert df["DM"].tolist() == ["C1", "C2", "C3"] and df["_line"].tolist() == [1, 2, 3]
    assert [g is None for g in df["_geom"]] == [False, True, False]
    assert (df["_geom"][0].x, df["_geom"][0].y) == (113.8, 23.3)


def test_beside_an_unreadable_number_a_malformed_geometry_fails_only_its_feature(tmp_path: Path) -> None:
    path = tmp_path / "cameras.geojson"
    path.write_text(collection(ODD[0], '{"type":"Polygon","coordinates":[[1,2]]}', "null", GOOD), "utf-8")
    (df,) = list(read_gis(path))
    assert [g is None for g in df["_geom"]] == [True, True, True, False]
    assert df["_line"].tolist() == [1, 2, 3, 4]


def test_a_file_that_is_no_json_is_still_refused_whole(tmp_path: Path) -> None:
    path = tmp_path / "broken.geojson"
    path.write_text(collection(GOOD)[:-5], "utf-8")
    with pytest.raises(OnemapError, match="not a readable GIS file"):
        list(read_gis(path))
