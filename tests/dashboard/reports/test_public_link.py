"""A station's PDF links back to the station's page for its week when the deployment's address is set."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import dash
import pytest
from pydantic import ValidationError

from dashboard.context import AppContext
from dashboard.periods import Period, Week
from dashboard.queries.areas import stations
from dashboard.reports import pdf
from dashboard.reports.weekly import build_station
from dashboard.settings import DashboardSettings
from tests.support.accounts import login

WEEK = Period(Week(2026, 47))
PUBLIC = "https://onemap.example.local"


def test_the_public_address_is_an_http_address_without_query() -> None:
    assert DashboardSettings(public_url=PUBLIC + "/").public_url == PUBLIC
    assert (
        DashboardSettings(public_url="http://10.0.0.5:8050/onemap").public_url
        == "http://10.0.0.5:8050/onemap"
    )
    assert DashboardSettings(public_url="").public_url is None
    assert DashboardSettings().public_url is None
    for bad in (
        "onemap.example.local",
        "ftp://x.local",
        "javascript:alert(1)",
        "https://x.local/?a=1",
        "https://",
    ):
        with pytest.raises(ValidationError):
            DashboardSettings(public_url=bad)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(text.split())  # the link may wrap


@pytest.mark.db
def test_the_pdf_prints_the_station_pages_link_only_when_the_address_is_set(
    c: AppContext,
    demo_app: dash.Dash,
    accounts: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    station = stations(c.url, c.scope())[0]["station_code"]
    report = build_station(c.url, c.scope(), station, WEEK, with_map=False)
    link = f"{PUBLIC}/station/{station}?week=2026-W47"
    assert pdf.station_link(PUBLIC, report) == link
    assert "station-link" not in pdf.station_html(report)
    assert link in pdf_text(pdf.to_pdf(pdf.station_html(report, PUBLIC)), tmp_path)
    # the download route prints the deployment's address (and none when it is unset)
    client = demo_app.server.test_client()
    login(client, "leader")
    monkeypatch.setattr(demo_app.onemap.settings, "public_url", PUBLIC)  # type: ignore[attr-defined]
    got = client.get(f"/download/weekly/{station}.pdf?week=2026-W47")
    assert got.status_code == 200 and link in pdf_text(got.data, tmp_path)
    monkeypatch.setattr(demo_app.onemap.settings, "public_url", None)  # type: ignore[attr-defined]
    got = client.get(f"/download/weekly/{station}.pdf?week=2026-W47")
    assert got.status_code == 200 and "example.local" not in pdf_text(got.data, tmp_path)
