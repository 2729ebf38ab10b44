"""Forged values in every input a request can send, refused at once and never hanging the server.

Weeks, days, codes, zooms, bounds, offsets, counts, texts and lists, each forged through the real
HTTP path (the Flask test client, signed in) or posted as Dash callbacks: downloads answer 400 (or
404 for what is out of scope), callbacks change nothing (204, or no output updated). Every request
is timed.
"""

from __future__ import annotations

import json
import math
import time
from typing import Any
from urllib.parse import quote

import dash
import pytest

from dashboard import bounds
from dashboard.periods import Week
from tests.support.accounts import login
from tests.support.dash_calls import dash_call, key_of

pytestmark = [pytest.mark.db, pytest.mark.timeout(300)]

FAST = 1.0  # seconds: a refusal takes no work

FORGED_WEEKS = [
    "0001-W02",
    "9999-W52",
    "2026-W00",
    "2026-W54",
    "2025-W53",  # 2025 has 52 weeks
    "-1-W01",
    "1999-W52",
    "2101-W01",
    "9" * 5000 + "-W01",
    "2026-W" + "9" * 5000,
    "２０２６-W47",
    "2026-W４７",
    "",
    " 2026-W47",
    "2026-W47\n",
    "2026W47",
    "2026-W47-1",
]
FORGED_CODES = [
    "x" * 41,
    "x" * 5000,
    "a' or '1'='1",
    "%",
    "a_%",
    ".*",
    "(a+)+$",
    "站",
    "44011850100０",
]


def timed(call: Any) -> tuple[Any, float]:
    t0 = time.perf_counter()
    result = call()
    return result, time.perf_counter() - t0


# ------------------------------------------------------------------ parsers, without a server
@pytest.mark.parametrize("text", FORGED_WEEKS)
def test_forged_weeks_are_refused(text: str) -> None:
    with pytest.raises(bounds.OutOfBounds):
        bounds.week(text)
    with pytest.raises(ValueError):
        Week.parse(text)


def test_week_arithmetic_is_closed_form_at_the_calendar_edges() -> None:
    assert bounds.week("2026-w47") == Week(2026, 47)
    assert Week(2021, 1).last_year() == Week(2020, 1)
    assert Week(2020, 53).last_year() == Week(2019, 52)  # 2019 has no week 53
    assert Week(2026, 53).last_year() == Week(2025, 52)
    assert Week(2026, 1).previous() == Week(2025, 52)
    assert Week(2027, 1).previous() == Week(2026, 53)
    assert Week(2026, 47).shift(-52 * 5) == Week(2021, 47)
    # the ends of Python's calendar raise instead of looping or overflowing
    for edge in (
        lambda: Week(1, 2).last_year(),
        lambda: Week(1, 1).previous(),
        lambda: Week(9999, 52).shift(1),
    ):
        t0 = time.perf_counter()
        with pytest.raises(ValueError):
            edge()
        assert time.perf_counter() - t0 < FAST


def test_typed_text_loses_the_characters_that_make_it_look_like_another() -> None:
    # a note "‮督办已完成" would show reversed; the same unseen characters the loader removes
    for mark in ("\u202e", "\u2067", "\u200b", "\ufeff"):
        assert bounds.text(f"请{mark}于周五前{mark}反馈") == "请于周五前反馈"
    assert bounds.text("普通的说明 1-2") == "普通的说明 1-2"
    with pytest.raises(bounds.OutOfBounds):
        bounds.text("长" * 500, 100)


def test_forged_days_windows_and_numbers_are_refused() -> None:
    assert bounds.day("2026-11-22") == bounds.day("2026-11-22T00:00:00")
    for value in (
        "0001-01-01",
        "9999-12-31",
        "2026-02-30",
        "２０２６-11-22",
        "2026-11-22x",
        "",
        20261122,
        None,
    ):
        with pytest.raises(bounds.OutOfBounds):
            bounds.day(value)
    for start, end in (("2026-11-22", "2026-11-01"), ("2024-01-01", "2026-01-01")):
        with pytest.raises(bounds.OutOfBounds):
            bounds.day_range(start, end)
    for z in (math.nan, math.inf, -math.inf, -1, 23, 1e308, 10**400, "12", True, [12]):
        with pytest.raises(bounds.OutOfBounds):
            bounds.zoom(z)
    for box in (
        [[math.nan, 113.0], [23.4, 113.9]],
        [[23.2, -math.inf], [23.4, 113.9]],
        [[23.4, 113.9], [23.2, 113.0]],  # inverted
        [[23.2, 113.0]],
        [[23.2, 113.0, 1.0], [23.4, 113.9]],
        "23.2,113.0,23.4,113.9",
        {"south": 23.2},
    ):
        with pytest.raises(bounds.OutOfBounds):
            bounds.bbox(box)
    # a zoomed-out view is cut to China's box; at street zoom the view must be street-sized
    assert bounds.bbox([[-85.0, -180.0], [85.0, 180.0]]) == (73.0, 3.0, 136.0, 54.0)
    with pytest.raises(bounds.OutOfBounds):
        bounds.street_bbox(bounds.bbox([[-85.0, -180.0], [85.0, 180.0]]))
    for value in (-1, 2**31, 1.5, "3", True):
        with pytest.raises(bounds.OutOfBounds):
            bounds.count(value)
    for value in (1, -12, 10**30, -(10**30), 0.5, "0", math.nan):
        with pytest.raises(bounds.OutOfBounds):
            bounds.offset(value, 12)
    for code in FORGED_CODES:
        with pytest.raises(bounds.OutOfBounds):
            bounds.code(code)


# ------------------------------------------------------------------ over HTTP, as a station chief
@pytest.fixture
def chief_a(demo_app: dash.Dash, accounts: dict[str, Any]) -> Any:
    client = demo_app.server.test_client()
    assert login(client, "chief_a").status_code == 302
    return client


@pytest.fixture
def leader(demo_app: dash.Dash, accounts: dict[str, Any]) -> Any:
    client = demo_app.server.test_client()
    assert login(client, "leader").status_code == 302
    return client


def test_forged_weeks_and_codes_in_downloads_are_refused_fast(chief_a: Any, accounts: dict[str, Any]) -> None:
    (own,) = accounts["chief_a"].stations
    for fmt in ("xlsx", "pdf"):
        for week in FORGED_WEEKS:
            resp, seconds = timed(
                lambda fmt=fmt, week=week: chief_a.get(f"/download/weekly/{own}.{fmt}?week={quote(week)}")
            )
            assert resp.status_code == 400, (fmt, week[:20])
            assert seconds < FAST, (fmt, week[:20], seconds)
    # eight of the reported request in a row: each refused at once (the worker is not held)
    for _ in range(8):
        resp, seconds = timed(lambda: chief_a.get(f"/download/weekly/{own}.xlsx?week=0001-W02"))
        assert resp.status_code == 400 and seconds < FAST
    for code in FORGED_CODES:
        resp, seconds = timed(lambda code=code: chief_a.get(f"/download/weekly/{code}.xlsx?week=2026-W47"))
        assert resp.status_code in (400, 404), code  # never 500
        assert seconds < FAST, (code, seconds)
    # the reports themselves are still there
    assert chief_a.get(f"/download/weekly/{own}.xlsx?week=2026-W47").status_code == 200


def forged_callbacks(app: dash.Dash, station: str) -> list[tuple[str, dict[tuple[str, str], Any]]]:
    """Callbacks, each with inputs of the wrong type, form or size (what a browser never sends)."""
    heat = key_of(app, "map-heat.url")
    choro = key_of(app, "map-choropleth.data")
    points = key_of(app, "map-buildings.data")
    areas = key_of(app, "map-stations.url")
    cases: list[tuple[str, dict[tuple[str, str], Any]]] = []
    for offset in (10**30, -(10**30), -1e308, 1, -12, "-1", math.nan, [0]):
        cases.append((heat, {("map-heat-kind", "value"): "incidents", ("map-week-offset", "value"): offset}))
        cases.append((choro, {("map-choro-level", "value"): "zone", ("map-week-offset", "value"): offset}))
        cases.append((key_of(app, "map-week-offset.value"), {("map-week-offset", "value"): offset}))
    for start, end in (
        ("0001-01-01", "9999-12-31"),
        ("2026-11-22", "2026-01-01"),
        ("2020-01-01", "2026-11-22"),
        ("２０２６-11-01", "2026-11-22"),
        ("2026-11-01", "2026-11-99"),
        (20261101, 20261122),
        ("2026-11-01" + "x" * 5000, "2026-11-22"),
    ):
        window = {("map-heat-window", "value"): "custom", ("map-heat-range", "start_date"): start}
        window[("map-heat-range", "end_date")] = end
        cases.append((heat, {("map-heat-kind", "value"): "incidents", **window}))
        cases.append((choro, {("map-choro-level", "value"): "grid", **window}))
    for kind, cats, mode in (
        ("incidents", "theft", "week"),
        ("incidents", ["x" * 5000], "week"),
        ("incidents", ["theft"] * 1000, "week"),
        (["incidents"], None, "week"),
        ({"kind": 1}, None, "week"),
        ("incidents", None, "year"),
        ("incidents", None, ["week"]),
    ):
        values = {("map-heat-kind", "value"): kind, ("map-heat-cats", "value"): cats}
        cases.append((heat, {**values, ("map-heat-window", "value"): mode}))
    for zoom in (math.nan, math.inf, -math.inf, 1e308, -3, 99, "16", [16]):
        cases.append((areas, {("map-view", "zoom"): zoom, ("map-selected-station", "data"): station}))
        cases.append((choro, {("map-choro-level", "value"): "grid", ("map-view", "zoom"): zoom}))
        cases.append((points, {("map-view", "zoom"): zoom}))
    for view in (
        [[math.nan, 113.0], [23.4, 113.9]],
        [[23.2, math.inf], [23.4, 113.9]],
        [[23.4, 113.9], [23.2, 113.0]],
        [[-1e308, -1e308], [1e308, 1e308]],
        [[3.0, 73.0], [54.0, 136.0]],  # all of China at street zoom
        [[23.2, 113.0]],
        "23.2,113.0,23.4,113.9",
    ):
        cases.append((points, {("map-view", "zoom"): 17, ("map-view", "bounds"): view}))
        cases.append(
            (key_of(app, "map-incidents.data"), {("map-view", "zoom"): 17, ("map-view", "bounds"): view})
        )
    for code in (*FORGED_CODES, ["x"], {"code": "x"}, 12):
        cases.append((areas, {("map-view", "zoom"): 13, ("map-selected-station", "data"): code}))
        cases.append(
            (key_of(app, "map-selected-station.data"), {("map-stations", "clickData"): feature(code)})
        )
    cases.append(
        (key_of(app, "map-selected-station.data"), {("map-stations", "clickData"): ["not", "a", "feature"]})
    )
    for q in ("x" * 5000, "站" * 1000, ["x"], {"q": 1}, 42):
        cases.append((key_of(app, "map-search-results.children"), {("map-search-q", "value"): q}))
        cases.append(
            (key_of(app, "person-results.children"), {("person-go", "n_clicks"): 1, ("person-q", "value"): q})
        )
    for path in ("/" + "x" * 100_000, ["/"], {"path": "/"}, 12):
        cases.append((key_of(app, "page.children"), {("url", "pathname"): path}))
    for search in ("?week=" + "9" * 5000, ["?week=2026-W47"], {"week": "2026-W47"}, 12):
        cases.append(
            (key_of(app, "page.children"), {("url", "pathname"): "/wall", ("url", "search"): search})
        )
    for search in ("?week=2026-W49", "?week=2026-W47&to=2026-12-01T00:00", "?week=" + "9" * 5000, [1], 12):
        # a period no one can have seen, or junk: neither picked, nor shown by a callback
        cases.append((key_of(app, "url.search"), {("period-pick", "value"): search}))
        cases.append((heat, {("map-heat-kind", "value"): "incidents", ("url", "search"): search}))
        cases.append((choro, {("map-choro-level", "value"): "grid", ("url", "search"): search}))
        # the wall reads its period from the URL as the pages do
        cases.append(
            (
                key_of(app, "wall-current.children"),
                {("wall-tick", "n_intervals"): 1, ("url", "search"): search},
            )
        )
        cases.append(
            (
                key_of(app, "wall-figures.children"),
                {("wall-refresh", "n_intervals"): 1, ("url", "search"): search},
            )
        )
    for n in (-1, 2**64, "3", 1.5, [1]):
        cases.append((key_of(app, "wall-current.children"), {("wall-tick", "n_intervals"): n}))
    hit = {"kind": "grid", "code": "x" * 5000, "label": "x"}
    for hits in ([hit], [None], [["grid", "x"]], [{"kind": ["grid"], "code": "x"}]):
        cases.append((key_of(app, "map-highlight.data"), {("map-search-store", "data"): hits}))
    return cases


def unchanged(status: int, body: str) -> bool:
    """Whether a callback's answer changes nothing: refused (204) or every output ``no_update``."""
    return status == 204 or (status == 200 and json.loads(body) == {"multi": True, "response": {}})


def feature(code: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"code": code}, "geometry": None}


def test_forged_callback_inputs_change_nothing_and_fast(
    chief_a: Any, demo_app: dash.Dash, accounts: dict[str, Any]
) -> None:
    (own,) = accounts["chief_a"].stations
    cases = forged_callbacks(demo_app, own)
    assert len(cases) > 140
    for key, values in cases:
        (status, body), seconds = timed(
            lambda key=key, values=values: dash_call(chief_a, demo_app, key, values)
        )
        shown = {k: str(v)[:40] for k, v in values.items()}
        assert unchanged(status, body), (key, shown, status, body[:200])
        assert seconds < FAST, (key, shown, seconds)
    # and the same callbacks with real values still answer
    status, body = dash_call(
        chief_a,
        demo_app,
        key_of(demo_app, "map-heat.url"),
        {
            ("map-heat-kind", "value"): "incidents",
            ("map-heat-window", "value"): "4w",
            ("map-week-offset", "value"): -3,
        },
    )
    assert status == 200 and "data:image/png" in body


def test_forged_audit_filters_change_nothing(leader: Any, demo_app: dash.Dash) -> None:
    key = key_of(demo_app, "audit-rows.children")
    for user, action in (
        ("x" * 5000, ""),
        ("leader", "drop table ops.audit_log"),
        (["leader"], ""),
        ("", ["login"]),
    ):
        (status, _), seconds = timed(
            lambda user=user, action=action: dash_call(
                leader, demo_app, key, {("audit-user", "value"): user, ("audit-action", "value"): action}
            )
        )
        assert status == 204 and seconds < FAST, (str(user)[:20], action)
    status, body = dash_call(
        leader, demo_app, key, {("audit-user", "value"): "leader", ("audit-action", "value"): "login"}
    )
    assert status == 200 and "audit-table" in body


def test_malformed_callback_envelopes_are_refused(chief_a: Any, demo_app: dash.Dash) -> None:
    real = key_of(demo_app, "page.children")
    pathname = {"id": "url", "property": "pathname", "value": "/"}
    for body in (
        {"output": "nope.children", "inputs": [], "changedPropIds": []},
        {"output": real},
        {"output": real, "inputs": "x"},
        {"output": real, "inputs": [1]},
        {"output": real, "inputs": [[[pathname]]]},
        {"output": real, "inputs": [{"id": "url"}]},
        {"output": real, "inputs": [pathname], "state": {"x": 1}},
        {"output": real, "inputs": [pathname], "changedPropIds": [1]},
        {"output": ["page.children"], "inputs": [pathname]},
        [1, 2],
        "x",
        None,
    ):
        resp, seconds = timed(lambda body=body: chief_a.post("/_dash-update-component", json=body))
        assert resp.status_code == 400 and seconds < FAST, body
    # a body larger than any callback posts is refused before it is read
    big = b"x" * (9 * 1024 * 1024)
    resp = chief_a.post("/_dash-update-component", data=big, content_type="application/json")
    assert resp.status_code == 413
    # a well-formed one still goes through
    search = {"id": "url", "property": "search", "value": ""}
    body = {"output": real, "outputs": {"id": "page", "property": "children"}, "inputs": [pathname, search]}
    resp = chief_a.post("/_dash-update-component", json={**body, "changedPropIds": ["url.pathname"]})
    assert resp.status_code == 200
