"""Chinese map datums to WGS-84: GCJ-02 and BD-09 (iterative inverses), CGCS2000 via pyproj.

GCJ-02 is the obfuscated datum of mainland web maps; BD-09 is Baidu's offset on top of it. Neither
has a closed-form inverse, so the inverse solves ``forward(w) = g`` by fixed-point iteration to
well under a millimetre. All functions are vectorised over numpy arrays (lon, lat in degrees).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pyproj import Transformer

Array = NDArray[np.float64]

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by GCJ-02
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = np.pi * 3000.0 / 180.0
_ITER_TOL_DEG = 1e-10  # ~0.01 mm
_MAX_ITER = 30

CRS_NAMES = {
    "WGS84": "wgs84",
    "WGS-84": "wgs84",
    "EPSG:4326": "wgs84",
    "GCJ02": "gcj02",
    "GCJ-02": "gcj02",
    "BD09": "bd09",
    "BD-09": "bd09",
    "CGCS2000": "cgcs2000",
    "EPSG:4490": "cgcs2000",
}


def _arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[Array, Array]:
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def _delta(lon: Array, lat: Array) -> tuple[Array, Array]:
    """The GCJ-02 offset (dlon, dlat) in degrees at WGS-84 (lon, lat)."""
    x, y = lon - 105.0, lat - 35.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    d_lat += common + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    d_lat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    d_lon += common + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    d_lon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad_lat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return d_lon, d_lat


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[Array, Array]:
    """WGS-84 → GCJ-02."""
    lon_a, lat_a = _arrays(lon, lat)
    d_lon, d_lat = _delta(lon_a, lat_a)
    return lon_a + d_lon, lat_a + d_lat


def _invert(
    forward: Callable[[Array, Array], tuple[Array, Array]], lon: Array, lat: Array, guess: tuple[Array, Array]
) -> tuple[Array, Array]:
    """Solve ``forward(x) = (lon, lat)`` by fixed-point iteration from ``guess``.

    The offsets vary slowly, so subtracting the residual converges in a few steps. Each point
    stops at its own convergence (or after ``_MAX_ITER`` steps), so its result depends on its
    coordinates alone, never on the other points converted with it: the same point in two files,
    or in two chunks, gets the same bits, and a reload finds nothing changed.
    """
    shape = np.shape(lon)
    x_lon = np.array(guess[0], dtype=np.float64).reshape(-1)
    x_lat = np.array(guess[1], dtype=np.float64).reshape(-1)
    t_lon, t_lat = lon.reshape(-1), lat.reshape(-1)
    active = np.arange(x_lon.size)
    for _ in range(_MAX_ITER):
        if active.size == 0:
            break
        f_lon, f_lat = forward(x_lon[active], x_lat[active])
        e_lon, e_lat = f_lon - t_lon[active], f_lat - t_lat[active]
        x_lon[active] -= e_lon
        x_lat[active] -= e_lat
        active = active[~((np.abs(e_lon) < _ITER_TOL_DEG) & (np.abs(e_lat) < _ITER_TOL_DEG))]
    return x_lon.reshape(shape), x_lat.reshape(shape)


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[Array, Array]:
    """GCJ-02 → WGS-84 by fixed-point iteration (error well under a millimetre)."""
    g_lon, g_lat = _arrays(lon, lat)
    return _invert(wgs84_to_gcj02, g_lon, g_lat, (g_lon.copy(), g_lat.copy()))


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[Array, Array]:
    """GCJ-02 → BD-09."""
    x, y = _arrays(lon, lat)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[Array, Array]:
    """BD-09 → GCJ-02: the usual approximation, refined by iteration on the forward formula."""
    b_lon, b_lat = _arrays(lon, lat)
    x, y = b_lon - 0.0065, b_lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return _invert(gcj02_to_bd09, b_lon, b_lat, (z * np.cos(theta), z * np.sin(theta)))


def wgs84_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[Array, Array]:
    """WGS-84 → BD-09."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[Array, Array]:
    """BD-09 → WGS-84."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


@lru_cache(maxsize=4)
def _transformer(source: str) -> Transformer:
    return Transformer.from_crs(source, "EPSG:4326", always_xy=True)


def cgcs2000_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[Array, Array]:
    """CGCS2000 (EPSG:4490) → WGS-84 with pyproj (sub-metre: the datums agree to centimetres)."""
    lon_a, lat_a = _arrays(lon, lat)
    out_lon, out_lat = _transformer("EPSG:4490").transform(lon_a, lat_a)
    return np.asarray(out_lon, dtype=np.float64), np.asarray(out_lat, dtype=np.float64)


def canonical_crs(name: str) -> str:
    """Return ``wgs84``, ``gcj02``, ``bd09`` or ``cgcs2000`` for a CRS name as manifests write it."""
    key = name.strip().upper().replace(" ", "")
    if key in CRS_NAMES:
        return CRS_NAMES[key]
    raise ValueError(f"unknown coordinate system {name!r}; expected one of WGS84, GCJ02, BD09, CGCS2000")


def to_wgs84(lon: ArrayLike, lat: ArrayLike, crs: str) -> tuple[Array, Array]:
    """Convert points from ``crs`` (any name ``canonical_crs`` accepts) to WGS-84."""
    kind = canonical_crs(crs)
    if kind == "wgs84":
        return _arrays(lon, lat)
    if kind == "gcj02":
        return gcj02_to_wgs84(lon, lat)
    if kind == "bd09":
        return bd09_to_wgs84(lon, lat)
    return cgcs2000_to_wgs84(lon, lat)


def from_wgs84(lon: ArrayLike, lat: ArrayLike, crs: str) -> tuple[Array, Array]:
    """Convert WGS-84 points to ``crs`` (used by the demo generator and GCJ-02 basemaps)."""
    kind = canonical_crs(crs)
    if kind == "gcj02":
        return wgs84_to_gcj02(lon, lat)
    if kind == "bd09":
        return wgs84_to_bd09(lon, lat)
    return _arrays(lon, lat)  # WGS-84 and CGCS2000 agree to centimetres


def distance_m(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> Array:
    """Great-circle distance in metres (haversine, spherical Earth)."""
    l1, p1 = _arrays(lon1, lat1)
    l2, p2 = _arrays(lon2, lat2)
    p1r, p2r = np.radians(p1), np.radians(p2)
    dp, dl = p2r - p1r, np.radians(l2 - l1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1r) * np.cos(p2r) * np.sin(dl / 2) ** 2
    return 2 * 6371008.8 * np.arcsin(np.sqrt(h))
