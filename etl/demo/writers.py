"""Writers for the formats agencies deliver: CSV (GB18030/UTF-8), XLSX with text IDs, GIS files."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import xlsxwriter

from common.coords import from_wgs84


def agency_lonlat(x: np.ndarray, y: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 points in an agency's datum, rounded to 7 decimals as exports round them."""
    lon, lat = from_wgs84(x, y, crs)
    return np.round(lon, 7), np.round(lat, 7)


def write_csv(df: pd.DataFrame, path: Path, encoding: str = "gb18030") -> None:
    """Write a CSV the way agency systems export it (GB18030 by default, CRLF line ends)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, encoding=encoding, lineterminator="\r\n")


# Fixed file-internal timestamps so the same seed and date give byte-identical files.
STAMP = {"value": datetime(2026, 1, 1)}


def set_stamp(when: datetime) -> None:
    """Use ``when`` as the creation time written inside XLSX, GeoPackage and DBF files."""
    import pyogrio

    STAMP["value"] = when
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": when.strftime("%Y-%m-%dT%H:%M:%S.000Z")})


def write_xlsx(
    df: pd.DataFrame,
    path: Path,
    text_columns: tuple[str, ...] = (),
    numeric_cells: dict[tuple[int, str], float] | None = None,
) -> None:
    """Write one sheet; ``text_columns`` are stored as text (as a careful clerk does), except the
    cells in ``numeric_cells`` (row position, column) which were typed as numbers and so mangled.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    numeric_cells = numeric_cells or {}
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    wb.set_properties({"created": STAMP["value"]})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet("Sheet1")
    for c, name in enumerate(df.columns):
        ws.write_string(0, c, str(name))
    cols = list(df.columns)
    for r, row in enumerate(df.itertuples(index=False, name=None)):
        for c, value in enumerate(row):
            col = cols[c]
            if (r, col) in numeric_cells:
                ws.write_number(r + 1, c, numeric_cells[(r, col)])
            elif value is None or (isinstance(value, float) and pd.isna(value)):
                continue
            elif col in text_columns or isinstance(value, str):
                ws.write_string(r + 1, c, str(value))
            elif isinstance(value, date):
                ws.write_datetime(r + 1, c, datetime(value.year, value.month, value.day), date_fmt)
            elif isinstance(value, bool):
                ws.write_string(r + 1, c, "是" if value else "否")
            else:
                ws.write(r + 1, c, value)
    wb.close()


def write_gis(
    gdf: gpd.GeoDataFrame, path: Path, driver: str, layer: str | None = None, encoding: str | None = None
) -> None:
    """Write a GeoPackage layer, Shapefile or GeoJSON with pyogrio."""
    path.parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, object] = {"driver": driver, "engine": "pyogrio"}
    if layer:
        kwargs["layer"] = layer
    if encoding:
        kwargs["encoding"] = encoding
    gdf.to_file(path, **kwargs)
    dbf = path.with_suffix(".dbf")
    if driver == "ESRI Shapefile" and dbf.exists():
        when = STAMP["value"]
        with dbf.open("r+b") as fh:  # bytes 1-3 of a dBASE header: date of last update
            fh.seek(1)
            fh.write(bytes([when.year - 1900, when.month, when.day]))
