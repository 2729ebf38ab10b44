"""The JSON size of each drill page's answer (the router's callback answer) for the biggest station:
the station, its first police zone, its busiest grid and that grid's town and village, its building
with the most rental units, a grid worker's ``/mine`` on that grid, and the map ``/``; each page's
largest parts by component id, so an answer over the target shows what is in it; and the layer
files its static map names (the basemap's shapes and names, fetched by the browser apart).

Target (issue 20): no response of the map over 1 MB. The sizes are of the JSON Dash sends (its own
encoder) before gzip, as the browser's devtools show them decoded, and gzipped as
``dashboard/compress.py`` sends them.

    .venv/bin/python benchmarks/answer_sizes.py --db onemap_county [--grid CODE] [--parts 3]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

# run as a script, this file's folder comes first on the path and its name would hide the package
sys.path[0] = str(Path(__file__).resolve().parents[1])

from dash._utils import to_json
from sqlalchemy import text

from benchmarks.pages import station_paths
from benchmarks.support import LEADER, as_leadership, scoped_connection
from common.secret import derive
from dashboard import layerfiles, routes
from dashboard.auth import User
from dashboard.compress import LEVEL
from dashboard.context import AppContext
from dashboard.settings import DashboardSettings

MB = 1_000_000


def size(node: Any) -> int:
    return len(json.dumps(node, ensure_ascii=True, separators=(",", ":")))


def parts(node: Any, out: dict[str, int]) -> int:
    """Fill ``out`` with the JSON size of each component with an id, less its descendants with
    ids of their own (a table without ids counts in the part holding it); returns the size of
    ``node``'s parts with ids (themselves and their descendants)."""
    if isinstance(node, list):
        return sum(parts(v, out) for v in node)
    if not isinstance(node, dict):
        return 0
    if "props" not in node:  # the answer's envelope, a prop holding components
        return sum(parts(v, out) for v in node.values())
    inner = sum(parts(v, out) for v in node["props"].values())
    ident = node["props"].get("id")
    if ident is None:
        return inner
    whole = size(node)
    out[str(ident)] = whole - inner
    return whole


def files(node: Any) -> list[str]:
    """The layer files a page's static map names (its basemap's ``url`` props)."""
    if isinstance(node, list):
        return [u for v in node for u in files(v)]
    if not isinstance(node, dict):
        return []
    props = node.get("props")
    own = []
    if isinstance(props, dict) and str(props.get("id", "")).endswith(("-basemap", "-basemap-labels")):
        own = [props["url"]] if props.get("url") else []
    return own + [u for v in node.values() for u in files(v)]


def file_size(c: AppContext, address: str) -> int:
    """The JSON size of a layer file as the route answers it to the current viewer."""
    parts = urlsplit(address)
    name = parts.path.removeprefix(layerfiles.PREFIX).removesuffix(".geojson")
    zoom, station, cells, streets = layerfiles.arguments(name, dict(parse_qsl(parts.query)))
    return len(json.dumps(layerfiles.content(c, name, zoom, station, cells, streets), separators=(",", ":")))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default="onemap_county", help="database of the embedded cluster")
    ap.add_argument("--app-url", default=None, help="application-role URL (instead of --db)")
    ap.add_argument("--grid", default=None, help="the grid (default: the biggest station's busiest)")
    ap.add_argument("--parts", type=int, default=3, help="the largest parts shown per page")
    args = ap.parse_args()

    url, secret = as_leadership(args.db, args.app_url)
    with scoped_connection(url) as conn:
        latest = conn.execute(text("select max(reported_at) from serve.incidents")).scalar()
        station = conn.execute(
            text("select station_code from serve.grids group by 1 order by count(*) desc, 1 limit 1")
        ).scalar_one()
    c = AppContext(
        url,
        DashboardSettings(as_of=latest.date() if latest else date.today(), cache_seconds=0),
        derive(secret, "scope"),
    )
    paths = station_paths(c, station)
    grid = args.grid or paths["grid"].rsplit("/", 1)[-1]
    with scoped_connection(url) as conn:
        town, village = conn.execute(
            text("select town_code, village_code from serve.grids where grid_code = :g"), {"g": grid}
        ).one()
    pages = {
        "station": paths["station"],
        "zone": paths["zone"],
        "grid": f"/grid/{grid}",
        "town": f"/town/{town}",
        "village": f"/village/{village}",
        "building": paths["building"],
        "map": "/",
    }
    worker = User("benchmark-worker", "", "grid_worker", frozenset({station}), frozenset({grid}))
    print(f"biggest station {station}, grid {grid}; load {os.getloadavg()[0]:.1f}")
    viewers = [(name, path, LEADER) for name, path in pages.items()] + [("mine", "/mine", worker)]
    for name, path, viewer in viewers:
        with c.acting_as(viewer):
            tree = routes.render(c, path)
        body = to_json({"multi": True, "response": {"page": {"children": tree}}})
        sizes: dict[str, int] = {}
        parts(json.loads(body), sizes)
        top = sorted(sizes.items(), key=lambda kv: -kv[1])[: args.parts]
        flag = "  OVER 1 MB" if len(body) > MB else ""
        sent = len(gzip.compress(body.encode(), compresslevel=LEVEL, mtime=0))
        print(f"{name:9s} {path:32s} {len(body) / 1000:6.0f} kB (gzipped {sent / 1000:4.0f} kB){flag}  "
              + ", ".join(f"{k} {v / 1000:.0f} kB" for k, v in top)
              + f"   (load {os.getloadavg()[0]:.1f})")  # fmt: skip
        for address in files(json.loads(body)):
            with c.acting_as(viewer):
                n = file_size(c, address)
            flag = "  OVER 1 MB" if n > MB else ""
            print(f"{'':9s}   its file {address} {n / 1000:6.0f} kB{flag}   (load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
