"""The map's layer files (/_onemap/layers/…): revalidated by ETag, and every answer the viewer's own.

Signed in over HTTP: a repeated request with the answer's ETag is a 304 without a body; a tag is
the data's, scope's and role's, so a tag another viewer got never matches and gets this viewer's
layer; a station out of scope is 404 and its codes never come back, whatever the arguments;
malformed arguments are 400; without a session, 401.
"""

from __future__ import annotations

import json
import time
from typing import Any

import dash
import pytest
from sqlalchemy import Engine

from dashboard.layerfiles import NAMES, STATIC_POINTS, url
from tests.support.accounts import signed_in
from tests.support.dash_calls import column, dash_call, key_of

pytestmark = pytest.mark.db


@pytest.fixture
def chief_a(demo_app: dash.Dash, accounts: dict[str, Any]) -> Any:
    return signed_in(demo_app, "chief_a")


@pytest.fixture(scope="module")
def stations(core: Engine, accounts: dict[str, Any]) -> tuple[str, str, set[str]]:
    """Station A (the chief's), station B and B's zone and grid codes that are none of A's."""
    (a,) = accounts["chief_a"].stations
    (b,) = accounts["chief_b"].stations
    codes = column(
        core,
        "select zone_code from core.police_zones where station_code = :b union all "
        "select grid_code from core.grids where station_code = :b and grid_code not in "
        "(select zg.grid_code from core.zone_grids zg join core.police_zones z using (zone_code) "
        " where z.station_code = :a)",
        a=a,
        b=b,
    )
    return a, b, set(codes)


def codes(resp: Any) -> set[str]:
    return {f["properties"].get("code") for f in resp.get_json()["features"]} - {None}


def test_an_unchanged_layer_is_a_304_without_a_body(
    chief_a: Any, stations: tuple[str, str, set[str]]
) -> None:
    a = stations[0]
    for name, zoom, station in (
        ("stations", 11, None),
        ("grids", 13, a),
        ("grid-labels", 16, a),
        ("cameras", None, None),
    ):
        first = chief_a.get(url(name, zoom, station))
        assert first.status_code == 200 and first.get_json()["type"] == "FeatureCollection", name
        tag = first.headers["ETag"]
        assert first.headers["Cache-Control"] == "private, no-cache" and "Cookie" in first.headers["Vary"]
        again = chief_a.get(url(name, zoom, station), headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == tag, name
        # another zoom is another answer, with a tag of its own
        if zoom is not None:
            other = chief_a.get(url(name, zoom + 1, station), headers={"If-None-Match": tag})
            assert other.status_code == 200 and other.headers["ETag"] != tag, name
    assert codes(chief_a.get(url("grids", 13, a)))  # the chief's own station's grids are drawn


def test_a_chief_never_gets_another_stations_layers(
    chief_a: Any, demo_app: dash.Dash, stations: tuple[str, str, set[str]]
) -> None:
    a, b, b_codes = stations
    leader = signed_in(demo_app, "leader")
    for name in ("zones", "grids", "grid-labels"):
        for zoom in (11, 13, 16):
            assert chief_a.get(url(name, zoom, b)).status_code == 404, name
            # the leadership does get them: the refusal is the scope's
            assert leader.get(url(name, zoom, b)).status_code == 200
    assert b_codes & codes(leader.get(url("grids", 13, b)))
    mine = chief_a.get(url("stations", 11))
    assert codes(mine) == {a}
    # the leadership's tag, sent by the chief (a shared browser, a forged header), matches nothing
    theirs = leader.get(url("stations", 11))
    assert codes(theirs) > {a, b}
    forged = chief_a.get(url("stations", 11), headers={"If-None-Match": theirs.headers["ETag"]})
    assert (
        forged.status_code == 200
        and codes(forged) == {a}
        and forged.headers["ETag"] != theirs.headers["ETag"]
    )
    for name in NAMES:  # nothing of B's in anything the chief can fetch
        body = chief_a.get(
            url(name, 16 if name not in STATIC_POINTS else None, a if name not in STATIC_POINTS else None)
        ).data.decode()
        assert not [c for c in b_codes | {b} if c in body], name
    # the map's callback does not even name B's station in the URLs it gives the chief
    status, body = dash_call(
        chief_a,
        demo_app,
        key_of(demo_app, "map-stations.url"),
        {("map-view", "zoom"): 13, ("map-selected-station", "data"): b},
    )
    assert status == 200 and b not in body
    urls = json.loads(body)["response"]
    assert urls["map-stations"]["url"] == url("stations", 13)


def test_forged_layer_requests_are_refused_fast(
    chief_a: Any, demo_app: dash.Dash, stations: tuple[str, str, set[str]]
) -> None:
    a = stations[0]
    forged = [
        "/_onemap/layers/persons.geojson",
        "/_onemap/layers/Stations.geojson",
        f"/_onemap/layers/cameras.geojson?z=11&station={a}",
    ]
    forged += [
        f"/_onemap/layers/grids.geojson?z={z}&station={a}"
        for z in ("nan", "-1", "99", "1e2", "16.5", "１６", "")
    ]
    forged += [f"/_onemap/layers/grids.geojson?z=13&station={s}" for s in ("x' or 1=1", "a" * 200, "")]
    forged += [
        f"/_onemap/layers/grids.geojson?z=13&z=14&station={a}",
        f"/_onemap/layers/grids.geojson?zoom=13&station={a}",
    ]
    for path in forged:
        started = time.perf_counter()
        resp = chief_a.get(path)
        assert resp.status_code in (400, 404), path
        assert resp.headers["Cache-Control"] == "no-store" and "ETag" not in resp.headers, path
        assert time.perf_counter() - started < 1.0, path
    # no session: a script's answer, not a page
    anonymous = demo_app.server.test_client()
    assert anonymous.get(url("stations", 11)).status_code == 401
