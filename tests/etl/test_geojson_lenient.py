"""A GeoJSON file with one feature GDAL cannot read (a coordinate of 1e999, NaN, a malformed
geometry) is read feature by feature: the other features come through as they would, the odd
one without a geometry (the checks quarantine it as ``coord_missing`` on its own line). A file
broken in its JSON (cut short, garbage, bytes not UTF-8) loads the features it can and marks the
broken ones, where they broke; only a file with no readable feature is refused, naming where."""

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


def test_a_file_cut_short_loads_its_whole_features_and_marks_the_cut_one(tmp_path: Path) -> None:
    path = tmp_path / "cameras.geojson"
    path.write_text(collection(GOOD, GOOD, GOOD)[:-20], "utf-8")
    (df,) = list(read_gis(path))
    assert df["DM"].tolist() == ["C1", "C2", ""]
    assert df["_bad_feature"].tolist()[:2] == ["", ""]
    assert "line 1 (byte " in df["_bad_feature"].iloc[2]


# what breaks a feature in the middle of a file: garbage, a missing quote or comma, a cut line
BROKEN = (
    '{"type":"Feature","properties":{"DM":"C2","MC":"点"@@@},"geometry":' + GOOD + "}",
    '{"type":"Feature","properties":{"DM":"C2,"MC":"点"},"geometry":' + GOOD + "}",
    '{"type":"Feature","properties":{"DM":"C2" "MC":"点"},"geometry":' + GOOD + "}",
    '{"type":"Feature","properties":{"DM":"C2","MC":"点"},"geometry":{"type":"Point","coordinates":[113.8,',
    '{"type":"Feature","properties":{"DM":"C2","MC":"点"},'
    '"geometry":{"type":"Point","coordinates":[113.8 23.3]}}',
)


@pytest.mark.parametrize("broken", BROKEN)
def test_garbage_in_a_feature_fails_that_feature_naming_where(tmp_path: Path, broken: str) -> None:
    path = tmp_path / "cameras.geojson"
    good = [POINT.format(code=f"C{i}", geometry=GOOD) for i in (1, 3)]
    path.write_text(
        '{"type":"FeatureCollection","features":[\n' + ",\n".join([good[0], broken, good[1]]) + "\n]}",
        "utf-8",
    )
    (df,) = list(read_gis(path))
    assert df["DM"].tolist() == ["C1", "", "C3"]
    assert df["_line"].tolist() == [1, 2, 3]
    why = df["_bad_feature"].tolist()
    assert why[0] == why[2] == "" and why[1].startswith("feature from line 3 (byte "), why
    assert df["_geom"][2] is not None
    if "@@@" in broken:
        assert "in field MC" in why[1], why


def test_bytes_not_utf8_fail_only_their_feature(tmp_path: Path) -> None:
    path = tmp_path / "cameras.geojson"
    body = collection(GOOD, GOOD, GOOD).encode("utf-8").replace(b'"C2"', b'"C\xff\xfe2"')
    path.write_bytes(body)
    (df,) = list(read_gis(path))
    assert df["DM"].tolist()[::2] == ["C1", "C3"]
    assert df["_bad_feature"].tolist() == ["", "bytes that are not UTF-8", ""]


def test_a_line_delimited_file_fails_only_its_broken_lines(tmp_path: Path) -> None:
    path = tmp_path / "cameras.geojsons"
    lines = [POINT.format(code=f"C{i}", geometry=GOOD) for i in range(1, 5)]
    lines[2] = lines[2][:30]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    path = path.rename(tmp_path / "cameras.geojson")
    (df,) = list(read_gis(path))
    assert df["DM"].tolist() == ["C1", "C2", "", "C4"]
    assert df["_bad_feature"].iloc[2].startswith("line 3 is not JSON")


@pytest.mark.parametrize(
    "body",
    (
        collection(GOOD)[:-5],
        '{"type":"FeatureCollection","features":[{"type":"Feat',
        "\x00\x01garbage, not JSON at all",
        '{"type":"FeatureCollection",\n"features":\n[@@@]}',
    ),
)
def test_a_file_with_no_readable_feature_is_refused_naming_where_it_broke(tmp_path: Path, body: str) -> None:
    path = tmp_path / "broken.geojson"
    path.write_text(body, "utf-8")
    with pytest.raises(OnemapError, match=r"broken.geojson: not a readable GeoJSON file.*line \d+, byte \d+"):
        list(read_gis(path))


def test_a_geojson_in_another_encoding_throughout_is_refused_asking_for_it(tmp_path: Path) -> None:
    path = tmp_path / "grids.geojson"
    path.write_bytes(collection(GOOD, GOOD).replace('"点"', '"网格点"').encode("gbk"))
    with pytest.raises(OnemapError, match=r"not UTF-8 .* say its encoding"):
        list(read_gis(path))
    (df,) = list(read_gis(path, None, "GBK"))
    assert df["MC"].tolist() == ["网格点", "网格点"]
