"""Incident clusters of known truth for the analysis (研判): one that appears in the final week,
one that grows, one that fades, one that moves; delivered as a file of their own, truth apart.

The clusters are placed wherever the area allows: inside it, away from its border, from the
demo's own hot spots and from each other, so they take whatever grids and cells the geography
has. A random stream of their own (from the area's seed), so every other feed stays as it was.
``hotspot_truth.json`` beside the feeds names each cluster, its centre (WGS-84), its weekly
counts and the class the analysis must give it in the final week.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import shapely

from common.weeks import last_finished
from etl.demo.county import County, zh_columns
from etl.demo.geography import M_PER_DEG_LAT
from etl.demo.writers import agency_lonlat, write_csv

WEEKS = 12
SPREAD_M = 40.0  # each cluster's incidents scatter this far (standard deviation) around its centre
STEP_M = 300.0  # how far the moving cluster moves each week
# name → counts per week, oldest first, and the class expected in the final week
PATTERNS: dict[str, tuple[list[int], str]] = {
    "appears": ([0] * (WEEKS - 1) + [24], "new_hot"),
    "grows": ([round(v) for v in np.linspace(16, 40, WEEKS)], "intensifying_hot"),
    "fades": ([round(v) for v in np.linspace(40, 18, WEEKS)], "diminishing_hot"),
    "moves": ([16] * WEEKS, "moves"),
}
SOURCE = "警情（研判样例）"
PATH = "events/incidents_cases.csv"


def _centres(county: County, rng: np.random.Generator, n: int) -> list[tuple[float, float]]:
    """``n`` centres inside the area, 1 km from its border, 1.5 km from its hot spots and each other
    (relaxed step by step where a small area cannot give that much room)."""
    area = county.geo.district
    kx = M_PER_DEG_LAT * np.cos(np.radians(county.place.cy))
    x0, y0, x1, y1 = area.bounds
    for room in (1500.0, 1000.0, 600.0, 300.0):
        inner = area.buffer(-room * 0.7 / M_PER_DEG_LAT)
        taken = [(h.x, h.y) for h in county.geo.hotspots]
        out: list[tuple[float, float]] = []
        for _ in range(4000):
            x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
            if not shapely.contains_xy(inner, x, y):
                continue
            if all(np.hypot((x - a) * kx, (y - b) * M_PER_DEG_LAT) > room for a, b in taken + out):
                out.append((x, y))
                if len(out) == n:
                    return out
    raise RuntimeError("the area is too small to plant the analysis cases")


def plant_hotspots(county: County) -> None:
    """Write the planted clusters' incidents as a source of their own and their truth beside it."""
    entropy = county.rng.bit_generator.seed_seq.entropy  # type: ignore[attr-defined]
    rng = np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(17,)))
    final = last_finished(county.end.replace(tzinfo=None))
    first_day = (county.day_end - timedelta(days=county.scale.weeks * 7)).date()
    kx = M_PER_DEG_LAT * np.cos(np.radians(county.place.cy))
    centres = _centres(county, rng, len(PATTERNS))
    rows, truth = [], []
    for (name, (counts, expected)), (cx, cy) in zip(PATTERNS.items(), centres, strict=True):
        heading = rng.uniform(0, 2 * np.pi)
        for t, c in enumerate(counts):
            monday = final - timedelta(days=7 * (WEEKS - 1 - t))
            if monday < first_day:
                continue
            shift = STEP_M * (t - (WEEKS - 1)) if name == "moves" else 0.0  # the final week at the centre
            x = cx + shift * np.cos(heading) / kx + rng.normal(0, SPREAD_M, c) / kx
            y = cy + shift * np.sin(heading) / M_PER_DEG_LAT + rng.normal(0, SPREAD_M, c) / M_PER_DEG_LAT
            start = datetime(monday.year, monday.month, monday.day)
            for k in range(c):
                at = start + timedelta(seconds=int(rng.integers(0, 7 * 86400)))
                rows.append((name, at, x[k], y[k]))
        start_xy = (
            (
                cx - STEP_M * (WEEKS - 1) * np.cos(heading) / kx,
                cy - STEP_M * (WEEKS - 1) * np.sin(heading) / M_PER_DEG_LAT,
            )
            if name == "moves"
            else None
        )
        truth.append(
            {
                "pattern": name,
                "lon": cx,
                "lat": cy,
                "counts": counts,
                "expected": expected,
                "final_week": final.isoformat(),
                "start": start_xy,
            }
        )
    df = pd.DataFrame(rows, columns=["pattern", "at", "x", "y"])
    inside = shapely.contains_xy(county.geo.district, df["x"].to_numpy(), df["y"].to_numpy())
    df = df[inside & (df["at"] < county.end)].reset_index(drop=True)
    lon, lat = agency_lonlat(df["x"].to_numpy(), df["y"].to_numpy(), "GCJ02")
    out = pd.DataFrame(
        {
            "警情编号": [f"J{county.code}{t:%Y%m%d}Y{i:05d}" for i, t in enumerate(df["at"])],
            "区划代码": county.code,
            "接警时间": df["at"].dt.strftime("%Y-%m-%d %H:%M:%S"),
            "警情类别": "治安",
            "警情细类": "",
            "是否分流": "否",
            "分流单位": "",
            "处置结果": "已处置",
            "简要警情": "治安警情",
            "发生地址": "",
            "经度": lon,
            "纬度": lat,
        }
    )
    write_csv(out, county.out / PATH)
    county.declare(
        SOURCE,
        "incident",
        PATH,
        "csv",
        "GCJ02",
        zh_columns("incident", {"reported_at": "接警时间"}),
        encoding="GB18030",
        agency="公安分局(110指挥中心)",
    )
    (county.out / "hotspot_truth.json").write_text(json.dumps({"cases": truth}, indent=1), encoding="utf-8")
