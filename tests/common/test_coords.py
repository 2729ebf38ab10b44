"""Known vectors for datum conversion: GCJ-02, BD-09 and CGCS2000 to WGS-84 and back."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from numpy.typing import ArrayLike

from common import coords

Inverse = Callable[[ArrayLike, ArrayLike], tuple[coords.Array, coords.Array]]


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


@pytest.mark.parametrize(
    "inverse", [coords.gcj02_to_wgs84, coords.bd09_to_wgs84, coords.bd09_to_gcj02], ids=lambda f: f.__name__
)
def test_a_points_inverse_does_not_depend_on_the_points_beside_it(inverse: Inverse) -> None:
    """The same point converted alone, in one batch and in another, gets exactly the same bits."""
    rng = np.random.default_rng(7)
    lon = rng.uniform(73.6, 134.7, 400)
    lat = rng.uniform(18.2, 53.5, 400)
    lon[:5], lat[:5] = 113.2644, 23.1291  # a point in several rows, as when two sources share it
    convert = inverse
    whole = convert(lon, lat)
    order = rng.permutation(400)
    shuffled = convert(lon[order], lat[order])
    for i in (0, 1, 17, 123, 399):
        alone = convert(lon[i : i + 1], lat[i : i + 1])
        scalar = convert(lon[i], lat[i])
        j = int(np.flatnonzero(order == i)[0])
        assert whole[0][i] == alone[0][0] == shuffled[0][j] == scalar[0]
        assert whole[1][i] == alone[1][0] == shuffled[1][j] == scalar[1]
    assert len(set(whole[0][:5])) == 1 and len(set(whole[1][:5])) == 1
    assert np.shape(convert(lon[0], lat[0])[0]) == ()
