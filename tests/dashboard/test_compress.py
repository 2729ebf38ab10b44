"""What the browser receives is gzipped when it asks for gzip, stays the same answer, and no answer
of the map or a page is over 1 MB; a gzipped layer file still revalidates to a 304.

Signed in over HTTP as the leadership (the whole area: the biggest answers), every station's page,
its first police zone and its busiest grid (the pages a user opens, :func:`dashboard.warm.station_paths`),
the map, and the map's layer files at street zoom.
"""

from __future__ import annotations

import gzip
import re
from typing import Any

import dash
import pytest
from dash.fingerprint import check_fingerprint

from dashboard.db import fetch_all
from dashboard.layerfiles import url
from dashboard.warm import WARMER, station_paths
from tests.dashboard.test_pagejson import router_call
from tests.support.accounts import signed_in

MB = 1_000_000
GZIP = {"Accept-Encoding": "gzip, deflate"}


@pytest.fixture(scope="module")
def leader(demo_app: dash.Dash, accounts: dict[str, Any]) -> Any:
    return signed_in(demo_app, "leader")


@pytest.fixture(scope="module")
def paths(demo_app: dash.Dash) -> list[str]:
    c = demo_app.onemap  # type: ignore[attr-defined]
    with c.acting_as(WARMER):
        rows = fetch_all(c.url, "select station_code from serve.stations order by 1")
        stations = [r["station_code"] for r in rows]
        return ["/", *(p for s in stations for p in station_paths(c, s, c.period(), zones=1, grids=1))]


def sent(client: Any, path: str, headers: dict[str, str]) -> Any:
    response = client.post("/_dash-update-component", json=router_call(path), headers=headers)
    assert response.status_code == 200, path
    return response


@pytest.mark.db
def test_every_page_is_gzipped_the_same_and_under_a_megabyte(leader: Any, paths: list[str]) -> None:
    biggest = (0, "")
    for path in paths:
        plain = sent(leader, path, {})
        assert "Content-Encoding" not in plain.headers, path  # not asked, not gzipped
        zipped = sent(leader, path, GZIP)
        assert zipped.headers["Content-Encoding"] == "gzip", path
        assert "Accept-Encoding" in zipped.headers["Vary"], path
        assert int(zipped.headers["Content-Length"]) == len(zipped.data), path
        assert gzip.decompress(zipped.data) == plain.data, path
        biggest = max(biggest, (len(zipped.data), path))
        # and never cached anywhere: a page may carry names
        assert zipped.headers["Cache-Control"] == "no-store", path
    assert len(paths) > 4 and 0 < biggest[0] < MB, biggest


@pytest.mark.db
def test_a_gzipped_layer_file_revalidates_to_a_304(leader: Any, paths: list[str]) -> None:
    station = next(p for p in paths if p.startswith("/station/")).split("/")[-1]
    for name, zoom, code in (("grids", 13, station), ("stations", 11, None)):
        first = leader.get(url(name, zoom, code), headers=GZIP)
        assert first.status_code == 200 and first.headers.get("Content-Encoding") == "gzip", name
        tag = first.headers["ETag"]
        assert tag.startswith('W/"'), tag  # another representation of the same layer
        again = leader.get(url(name, zoom, code), headers={**GZIP, "If-None-Match": tag})
        assert again.status_code == 304 and again.data == b"", name
        # a browser that kept the plain answer's tag gets its 304 too
        plain = leader.get(url(name, zoom, code))
        assert "Content-Encoding" not in plain.headers and not plain.headers["ETag"].startswith("W/")
        kept = {"If-None-Match": plain.headers["ETag"]}
        assert leader.get(url(name, zoom, code), headers=kept).status_code == 304, name
        assert len(first.data) < len(plain.data) and gzip.decompress(first.data) == plain.data


@pytest.mark.db
def test_a_gzipped_library_script_revalidates_to_a_304(leader: Any) -> None:
    """Dash serves a script without its fingerprint with a tag it compares as a string."""
    index = leader.get("/").get_data(as_text=True)
    fingerprinted = re.findall(r'src="(/_dash-component-suites/[^"]+\.js)"', index)
    assert fingerprinted, "no library script in the index"
    package, path = fingerprinted[0].removeprefix("/_dash-component-suites/").split("/", 1)
    script = f"/_dash-component-suites/{package}/{check_fingerprint(path)[0]}"
    first = leader.get(script, headers=GZIP)
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "gzip", script
    again = leader.get(script, headers={**GZIP, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304, script
