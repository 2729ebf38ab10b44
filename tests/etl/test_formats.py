"""The same odd cells in every format the contract accepts get the same verdicts, row by row.

One small table of disputes is written as CSV (UTF-8 and GB18030), XLSX, GeoPackage, Shapefile and
GeoJSON (numbers as numbers and nulls as nulls where the format has them), read by the loader's
reader and checked; no format may turn an empty cell into 'nan', a number into a different verdict,
or a cell into a crash.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook
from shapely.geometry import Point, box

from etl.contract import KINDS
from etl.convert import convert_points
from etl.manifest import Source
from etl.readers import read_source
from etl.validate import Context, SeenKeys, check_chunk

NOW = pd.Timestamp("2026-11-22 12:00", tz="Asia/Shanghai")
# (dispute_no, found_at, type, risk, parties, lon, lat, expected reason)
ROWS = [
    ("D1", "2026-11-03 08:00:00", "邻里", None, None, 113.8, 23.3, None),
    ("D2", "2026-11-03 08:00:00", "邻里", "高风险", 3.5, 113.8, 23.3, "bad_number"),
    ("D3", "2026-11-03T00:30:00Z", "邻里", None, 2.0, 113.8, 23.3, None),
    ("D4", "2025", "邻里", None, 2.0, 113.8, 23.3, "bad_datetime"),
    ("D5", "26-3-5", "邻里", None, 2.0, 113.8, 23.3, "bad_datetime"),
    ("D6", "2026年11月3日 8:05", "邻里", "一般", 4.0, 113.8, 23.3, None),
    ("D7", "2026-11-03 08:00:00", "邻里", None, 2.0, 0.0, 0.0, "coord_missing"),
    ("D8", "2026-11-03 08:00:00", None, None, 2.0, 113.8, 23.3, "missing_required"),
    ("D9", "2026-11-03 08:00:00+08:00", "邻里", None, 2.5, 113.8, 23.3, "bad_number"),
]
NAMES = ["NO", "SJ", "LX", "FX", "RS"]
COLUMNS = {
    "dispute_no": "NO",
    "district_code": "QH",
    "found_at": "SJ",
    "dispute_type": "LX",
    "risk_level": "FX",
    "parties": "RS",
    "status": "ZT",
}


def _text(v: object) -> str:
    if v is None or v != v:  # None, or the NaN a frame makes of it
        return ""
    return f"{v:g}" if isinstance(v, float) else str(v)


def write(path: Path, fmt: str) -> dict[str, str]:
    """The table in ``fmt`` at ``path``; returns the column mapping for the manifest."""
    table = pd.DataFrame([r[:5] for r in ROWS], columns=NAMES).assign(QH="440118", ZT="排查中")
    if fmt in ("csv", "gb18030", "xlsx"):
        table = table.assign(JD=[r[5] for r in ROWS], WD=[r[6] for r in ROWS])
        cells = [[_text(v) for v in row] for row in table.itertuples(index=False)]
        if fmt == "xlsx":
            wb = Workbook()
            ws = wb.active
            ws.append(list(table.columns))
            for row in table.itertuples(index=False):  # numbers as numbers, empty cells empty
                ws.append([None if (v is None or v != v) else v for v in row])
            wb.save(path)
        else:
            lines = [",".join(table.columns), *(",".join(c) for c in cells)]
            path.write_bytes(("\n".join(lines) + "\n").encode("gb18030" if fmt == "gb18030" else "utf-8"))
        return {**COLUMNS, "lon": "JD", "lat": "WD"}
    geoms = [Point(r[5], r[6]) for r in ROWS]
    driver = {"gpkg": "GPKG", "shp": "ESRI Shapefile", "geojson": "GeoJSON"}[fmt]
    gpd.GeoDataFrame(table, geometry=geoms, crs="EPSG:4326").to_file(path, driver=driver)
    return COLUMNS


@pytest.mark.parametrize("fmt", ["csv", "gb18030", "xlsx", "gpkg", "shp", "geojson"])
def test_every_format_gives_the_same_verdicts(tmp_path: Path, fmt: str) -> None:
    suffix = {"gb18030": "csv"}.get(fmt, fmt)
    path = tmp_path / f"d.{suffix}"
    columns = write(path, fmt)
    source = Source(
        name="d",
        kind="dispute",
        path=path.name,
        format=suffix,  # type: ignore[arg-type]
        encoding="GB18030" if fmt == "gb18030" else ("UTF-8" if fmt == "shp" else None),
        crs="WGS84",
        columns=columns,
    )
    ctx = Context(district=box(113.0, 23.0, 114.5, 24.0), now=NOW)
    kind = KINDS["dispute"]
    chunks = list(read_source(path, source.format, source.encoding, None, None, chunk_rows=4))
    verdicts: dict[str, str | None] = {}
    accepted = []
    seen = SeenKeys()
    for chunk in chunks:
        checked = check_chunk(chunk, source, kind, ctx, seen, convert_points(chunk, source))
        assert len(checked.rows) + len(checked.quarantine) == len(chunk)
        numbers = dict(zip(chunk["_line"], chunk[columns["dispute_no"]], strict=True))
        verdicts |= {
            numbers[line]: code
            for line, code in zip(
                checked.quarantine["line_no"], checked.quarantine["reason_code"], strict=True
            )
        }
        accepted.append(checked.rows)
    rows = pd.concat(accepted)
    verdicts |= dict.fromkeys(rows["dispute_no"])
    assert verdicts == {r[0]: r[7] for r in ROWS}
    got = rows.set_index("dispute_no")
    assert pd.isna(got.loc["D1", "risk_level"]) and pd.isna(got.loc["D1", "parties"])
    assert got.loc["D6", "parties"] == 4 and got.loc["D6", "risk_level"] == "normal"
    assert got.loc["D3", "found_at"] == pd.Timestamp("2026-11-03 08:30", tz="Asia/Shanghai")
    assert got.loc["D6", "found_at"] == pd.Timestamp("2026-11-03 08:05", tz="Asia/Shanghai")
    assert not np.any(got.astype(str).to_numpy() == "nan")
