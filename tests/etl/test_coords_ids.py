"""Known vectors for datum conversion and GB 11643 ID numbers."""

from __future__ import annotations

import numpy as np
import pytest

from common import coords
from etl.idcard import check_id_number, is_valid_id_number


def test_wgs84_to_gcj02_known_vector() -> None:
    lon, lat = coords.wgs84_to_gcj02(116.377817, 39.911954)
    assert lat == pytest.approx(39.91334545536069, abs=1e-9)
    assert lon == pytest.approx(116.38404722455657, abs=1e-9)


def test_gcj02_back_within_a_tenth_of_a_metre() -> None:
    lon, lat = coords.gcj02_to_wgs84(116.38404722455657, 39.91334545536069)
    assert coords.distance_m(lon, lat, 116.377817, 39.911954) < 0.1


def test_gcj02_offset_is_hundreds_of_metres() -> None:
    # the shift is what makes a mislabelled feed wrong; it must be real, not a no-op
    lon, lat = coords.wgs84_to_gcj02(113.81, 23.29)
    assert 200 < coords.distance_m(lon, lat, 113.81, 23.29) < 1000


def test_bd09_round_trip_within_half_a_metre() -> None:
    rng = np.random.default_rng(7)
    lon = rng.uniform(73.7, 134.7, 2000)
    lat = rng.uniform(18.2, 53.5, 2000)
    b_lon, b_lat = coords.wgs84_to_bd09(lon, lat)
    assert coords.distance_m(b_lon, b_lat, lon, lat).min() > 100  # really shifted
    back_lon, back_lat = coords.bd09_to_wgs84(b_lon, b_lat)
    assert coords.distance_m(back_lon, back_lat, lon, lat).max() < 0.5


def test_gcj02_round_trip_over_china() -> None:
    rng = np.random.default_rng(11)
    lon = rng.uniform(73.7, 134.7, 2000)
    lat = rng.uniform(18.2, 53.5, 2000)
    back = coords.gcj02_to_wgs84(*coords.wgs84_to_gcj02(lon, lat))
    assert coords.distance_m(*back, lon, lat).max() < 0.01


def test_cgcs2000_is_within_a_metre_of_wgs84() -> None:
    lon, lat = coords.cgcs2000_to_wgs84([113.81], [23.29])
    assert coords.distance_m(lon, lat, 113.81, 23.29)[0] < 1.0


@pytest.mark.parametrize("name", ["GCJ02", "gcj-02", "BD09", "WGS84", "EPSG:4490", "CGCS2000"])
def test_crs_names(name: str) -> None:
    assert coords.canonical_crs(name) in {"gcj02", "bd09", "wgs84", "cgcs2000"}


def test_unknown_crs_is_named() -> None:
    with pytest.raises(ValueError, match="Xian80"):
        coords.canonical_crs("Xian80")


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_valid_id_numbers(number: str) -> None:
    assert is_valid_id_number(number)


def test_invalid_check_digit() -> None:
    assert not is_valid_id_number("110105194912310021")
    assert check_id_number("110105194912310021").reason == "id_check_digit"


def test_lowercase_x_is_repaired_and_counted() -> None:
    result = check_id_number("11010519491231002x")
    assert result.value == "11010519491231002X" and result.repaired and result.reason is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("4.40524E+17", "id_excel_mangled"),
        ("4.40524188001010E+17", "id_excel_mangled"),
        ("44052418800101001", "id_format"),
        ("", "missing_required"),
        (None, "missing_required"),
        ("440524188013010014", "id_birth_date"),
    ],
)
def test_id_defects_have_reasons(raw: object, reason: str) -> None:
    assert check_id_number(raw).reason == reason


def test_duplicates_are_found_across_chunks_and_only_among_accepted_rows() -> None:
    import numpy as np
    import pandas as pd

    from etl.validate import SeenKeys

    seen = SeenKeys()
    first = seen.repeated(pd.DataFrame({"k": ["A", "B", "B", "X"]}), np.array([True, True, True, False]))
    assert first.tolist() == [False, False, True, False]
    # A and B were accepted in the first chunk; X was rejected there, so its first accepted row is new
    second = seen.repeated(
        pd.DataFrame({"k": ["C", "A", "X", "X", "B"]}), np.array([True, True, True, True, False])
    )
    assert second.tolist() == [False, True, False, True, False]
    third = seen.repeated(pd.DataFrame({"k": ["C", "X", "D"]}), np.ones(3, dtype=bool))
    assert third.tolist() == [True, True, False]
