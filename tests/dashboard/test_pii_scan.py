"""Every page response and every export, scanned for unmasked ID numbers and mobiles.

Signed in as the leadership (who sees the most), the test opens every page kind — the map, the
wall, quality, person search, audit, every station, zones, grids, the buildings with the most
people — runs the map and search callbacks, searches people by name, ID number and phone, and
downloads each station's PDF and XLSX. Nothing matches ``\\d{17}[\\dXx]`` or ``1[3-9]\\d{9}`` as a
token of its own (tests/pii.py).
"""

from __future__ import annotations

import io
import subprocess
from typing import Any

import dash
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, text

from tests.support.accounts import login
from tests.support.dash_calls import column, dash_call, key_of
from tests.support.pii import unmasked

pytestmark = pytest.mark.db


def test_no_page_or_export_holds_an_unmasked_id_or_mobile(
    demo_app: dash.Dash, accounts: dict[str, Any], core: Engine
) -> None:
    client = demo_app.server.test_client()
    login(client, "leader")
    stations = column(core, "select station_code from core.police_stations order by 1")
    zones = column(core, "select zone_code from core.police_zones order by 1 limit 6")
    grids = column(core, "select grid_code from core.grids order by 1 limit 10")
    buildings = column(
        core, "select building_code from core.persons group by 1 order by count(*) desc, 1 limit 10"
    )
    with core.connect() as conn:
        id_number, phone, name = conn.execute(
            text(
                "select id_number, phone, name from core.persons where phone is not null "
                "order by person_id limit 1"
            )
        ).one()
    bodies: dict[str, str] = {}
    route = key_of(demo_app, "page.children")
    paths = ["/", "/wall", "/quality", "/persons", "/audit"]
    paths += (
        [f"/station/{s}" for s in stations] + [f"/zone/{z}" for z in zones] + [f"/grid/{g}" for g in grids]
    )
    paths += [f"/building/{b}" for b in buildings]
    paths += ["/towns"] + [f"/town/{t}" for t in column(core, "select town_code from core.towns order by 1")]
    paths += [
        f"/village/{v}" for v in column(core, "select village_code from core.villages order by 1 limit 5")
    ]
    for path in paths:
        status, body = dash_call(client, demo_app, route, {("url", "pathname"): path})
        assert status == 200 and "not-found" not in body, path
        bodies[path] = body
    calls: dict[str, tuple[str, dict[tuple[str, str], Any]]] = {
        "search by name": (
            key_of(demo_app, "person-results.children"),
            {
                ("person-go", "n_clicks"): 1,
                ("person-q", "value"): name,
                ("person-reason", "value"): "案件核查",
            },
        ),
        "search by id": (
            key_of(demo_app, "person-results.children"),
            {
                ("person-go", "n_clicks"): 1,
                ("person-q", "value"): id_number,
                ("person-reason", "value"): "案件核查",
            },
        ),
        "search by phone": (
            key_of(demo_app, "person-results.children"),
            {
                ("person-go", "n_clicks"): 1,
                ("person-q", "value"): phone,
                ("person-reason", "value"): "案件核查",
            },
        ),
        "map search": (
            key_of(demo_app, "map-search-results.children"),
            {("map-search-q", "value"): buildings[0]},
        ),
        "street view": (
            key_of(demo_app, "map-buildings.data"),
            {("map-view", "zoom"): 17, ("map-view", "bounds"): None},
        ),
        "wall": (key_of(demo_app, "wall-figures.children"), {("wall-refresh", "n_intervals"): 1}),
        "audit": (key_of(demo_app, "audit-rows.children"), {("audit-action", "value"): "search_persons"}),
    }
    for what, (key, values) in calls.items():
        status, body = dash_call(client, demo_app, key, values)
        assert status in (200, 204), (what, body[:300])
        bodies[what] = body
    assert "共 1 人" in bodies["search by id"] and "共 1 人" in bodies["search by phone"]
    for station in stations:
        pdf = client.get(f"/download/weekly/{station}.pdf?week=2026-W47")
        assert pdf.status_code == 200
        bodies[f"{station}.pdf"] = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=pdf.data, capture_output=True, check=True
        ).stdout.decode()
        xlsx = client.get(f"/download/weekly/{station}.xlsx?week=2026-W47")
        book = load_workbook(io.BytesIO(xlsx.data), read_only=True)
        bodies[f"{station}.xlsx"] = "\n".join(
            "\t".join("" if v is None else str(v) for v in row)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
        )
    assert len(bodies) == len(paths) + len(calls) + 2 * len(stations)
    found = {what: unmasked(body) for what, body in bodies.items() if unmasked(body)}
    assert found == {}
    # the scan can fail: the raw values it looks for are in core, and it finds them in plain text
    assert unmasked(f"{id_number} {phone}") == [id_number, phone]


def test_a_stored_name_typed_into_free_text_is_masked_on_pages_exports_and_the_audit_trail(
    demo_app: dash.Dash, accounts: dict[str, Any], core: Engine
) -> None:
    """Names of stored people planted into the free text that pages and exports show (a dispute's
    type, a red card's handling department, a person search the audit page lists), written plain,
    spaced as forms align them (张　三), dotted (张·三) and with a zero-width space inside: none comes
    back whole."""
    with core.connect() as conn:
        names = [
            r[0]
            for r in conn.execute(
                text(
                    "select name from core.persons where char_length(name) between 2 and 4 "
                    "group by name order by min(person_id) limit 3"
                )
            )
        ]
        landlord = conn.execute(
            text("select landlord_name from core.rental_units where landlord_name is not null limit 1")
        ).scalar_one()
        disputes = conn.execute(
            text("select dispute_no, dispute_type from core.disputes where risk_level = 'high'")
        ).all()
        events = conn.execute(text("select event_no, handling_dept from core.grid_events")).all()
    first, second, third = names
    spaced = "\u3000".join(second)
    hidden = "\u200b".join(third)
    dotted = "·".join(landlord)
    try:
        with core.begin() as conn:
            conn.execute(
                text("update core.disputes set dispute_type = :t where risk_level = 'high'"),
                {"t": f"{first}与{spaced}因宅基地纠纷，房东{dotted}"},
            )
            conn.execute(text("update core.grid_events set handling_dept = :t"), {"t": f"{hidden}（网格员）"})
        bodies = _pages_and_exports(demo_app, core, first)
    finally:
        with core.begin() as conn:
            for no, was in disputes:
                conn.execute(
                    text("update core.disputes set dispute_type = :t where dispute_no = :n"),
                    {"t": was, "n": no},
                )
            conn.execute(
                text(
                    "update core.grid_events set handling_dept = v.was "
                    "from unnest(cast(:n as text[]), cast(:t as text[])) as v(no, was) where event_no = v.no"
                ),
                {"n": [e[0] for e in events], "t": [e[1] for e in events]},
            )
    shown = {what: body.replace("\u3000", "").replace("\u200b", "") for what, body in bodies.items()}
    found = {what: [n for n in (*names, landlord) if n in body] for what, body in shown.items()}
    assert {what: hit for what, hit in found.items() if hit} == {}
    assert [what for what, body in shown.items() if dotted in body] == []
    # the planted text did reach the pages, masked: the scan could have failed
    assert any(f"{first[0]}{'*' * (len(first) - 1)}与" in body for body in shown.values())
    assert any("（网格员）" in body for body in shown.values())


def _pages_and_exports(demo_app: dash.Dash, core: Engine, searched: str) -> dict[str, str]:
    """Every station, its grids with open items, the wall, a person search by ``searched`` and
    then the audit page, each station's PDF and XLSX: what a leader reads."""
    client = demo_app.server.test_client()
    login(client, "leader")
    stations = column(core, "select station_code from core.police_stations order by 1")
    grids = column(
        core, "select distinct grid_code from core.disputes where risk_level = 'high' order by 1 limit 8"
    )
    bodies: dict[str, str] = {}
    route = key_of(demo_app, "page.children")
    for path in ["/", "/wall", *(f"/station/{s}" for s in stations), *(f"/grid/{g}" for g in grids)]:
        status, body = dash_call(client, demo_app, route, {("url", "pathname"): path})
        assert status == 200, path
        bodies[path] = body
    search = {
        ("person-go", "n_clicks"): 1,
        ("person-q", "value"): searched,
        ("person-reason", "value"): "案件核查",
    }
    status, bodies["search"] = dash_call(
        client, demo_app, key_of(demo_app, "person-results.children"), search
    )
    audit = {("audit-action", "value"): "search_persons"}
    status, bodies["audit"] = dash_call(client, demo_app, key_of(demo_app, "audit-rows.children"), audit)
    status, bodies["/audit"] = dash_call(client, demo_app, route, {("url", "pathname"): "/audit"})
    for station in stations:
        pdf = client.get(f"/download/weekly/{station}.pdf?week=2026-W47")
        bodies[f"{station}.pdf"] = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=pdf.data, capture_output=True, check=True
        ).stdout.decode()
        book = load_workbook(io.BytesIO(client.get(f"/download/weekly/{station}.xlsx?week=2026-W47").data))
        bodies[f"{station}.xlsx"] = "\n".join(
            "\t".join("" if v is None else str(v) for v in row)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
        )
    return bodies
