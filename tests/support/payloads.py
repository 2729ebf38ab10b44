"""Script payloads written into every text field of every source kind of a generated demo.

:func:`poison` rewrites the files a manifest names, in their own format and encoding: every
field the data contract types as text gets a payload appended, a different one row by row.
Whatever runs from them in a browser calls ``alert``.
"""

from __future__ import annotations

import glob
from pathlib import Path
from typing import Any

import geopandas as gpd
import openpyxl
import pandas as pd
import yaml

from etl.contract import KINDS
from etl.demo.writers import write_csv, write_gis

PAYLOADS = (
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    "javascript:alert(3)",
    "\"'><svg onload=alert(4)>",
    "<b onmouseover=alert(5)>b</b>",
    '=HYPERLINK("http://evil.example","x")',
    "{{7*7}}<iframe src=javascript:alert(6)>",
    # an attribute broken out of, a link's address, an SVG link, a style sheet, and the start of a
    # spreadsheet formula (short: each is masked as typed text is, on every page that shows it)
    '" autofocus onfocus=alert(10) x="',
    'http://x.invalid/" onclick="alert(11)',
    '<svg><a href="javascript:alert(12)">x</a></svg>',
    "</style><style>*{color:red}</style>",
    "+cmd|' /C calc'!A0",
)
_GIS = {"geojson": "GeoJSON", "gpkg": "GPKG", "shp": "ESRI Shapefile"}


def fields_to_poison(kind: str) -> list[str]:
    """The canonical fields of ``kind`` that get payloads: its texts. A code has a form (letters and
    digits with - _ . : between, etl/validate.py): one with a payload is quarantined, not shown, and
    tests/etl/test_validate.py holds that."""
    return [f.name for f in KINDS[kind].fields if f.type == "text"]


def _poisoned(values: pd.Series) -> pd.Series:
    out = values.copy()
    for i, (idx, v) in enumerate(values.items()):
        if isinstance(v, str) and v != "":
            out[idx] = v + PAYLOADS[i % len(PAYLOADS)]
    return out


def _rewrite_xlsx(path: Path, columns: list[str]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    where = [header.index(c) for c in columns if c in header]
    for n, row in enumerate(ws.iter_rows(min_row=2)):
        for j in where:
            cell = row[j]
            if isinstance(cell.value, str) and cell.value:
                cell.value = cell.value + PAYLOADS[n % len(PAYLOADS)]
                cell.data_type = "s"  # text, also when it starts with "="
    wb.save(path)


def poison(out: Path) -> dict[str, list[str]]:
    """Append payloads to the text fields of every source under ``out`` (a generated demo).

    Returns
    -------
    dict
        Source name to the agency columns rewritten (every source with a text field is listed).
    """
    manifest: dict[str, Any] = yaml.safe_load((out / "manifest.yaml").read_text(encoding="utf-8"))
    done: dict[str, list[str]] = {}
    for src in manifest["sources"]:
        columns = [src["columns"][f] for f in fields_to_poison(src["kind"]) if f in src["columns"]]
        if not columns:
            continue
        fmt = src["format"]
        for name in sorted(glob.glob(str(out / src["path"]))):
            path = Path(name)
            if fmt == "csv":
                enc = src.get("encoding", "utf-8")
                df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=enc)
                for col in columns:
                    df[col] = _poisoned(df[col])
                write_csv(df, path, enc)
            elif fmt == "xlsx":
                _rewrite_xlsx(path, columns)
            else:
                layer, enc = src.get("layer"), src.get("encoding")
                gdf = gpd.read_file(path, layer=layer, encoding=enc, engine="pyogrio")
                for col in columns:
                    gdf[col] = _poisoned(gdf[col])
                write_gis(gdf, path, _GIS[fmt], layer, enc)
        done[src["name"]] = columns
    return done
