"""A text a file delivers may be 4,000 characters long (a handling department, a name, a type):
printed whole in a narrow table column it made a red card's row hundreds of lines tall (a
382-page report that took minutes). The PDF prints at most ``CELL_CHARS`` of any text and the
XLSX keeps it whole; what the report itself writes (its sentences, tables, its link) is never cut."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import pytest

from dashboard.context import AppContext
from dashboard.periods import Period, Week
from dashboard.queries.areas import stations
from dashboard.reports import pdf
from dashboard.reports.weekly import build_station

pytestmark = pytest.mark.db

LONG = "社区居委会网格员" * 500


def test_a_long_delivered_text_is_cut_in_the_pdf_and_nothing_the_report_writes_is(
    c: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    station = stations(c.url, c.scope())[0]["station_code"]
    report = build_station(c.url, c.scope(), station, Period(Week(2026, 47)), with_map=False)
    public = "https://onemap.example.local/" + "x" * 150
    plain = pdf.station_html(report, public)
    # nothing of an ordinary week is cut, the sentences the report writes and its link included
    monkeypatch.setattr(pdf, "CELL_CHARS", 10**9)
    assert plain == pdf.station_html(report, public)
    monkeypatch.undo()
    assert report.red_cards, "the demo week has red cards to print"
    red = [{**e, "handling_dept": LONG, "what": LONG, "grid": LONG} for e in report.red_cards]
    long = dataclasses.replace(report, red_cards=red, name=LONG)
    html = pdf.station_html(long)
    assert LONG[: pdf.CELL_CHARS] not in html and LONG[: pdf.CELL_CHARS - 1] + "…" in html
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf.to_pdf(html))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    short = tmp_path / "s.pdf"
    short.write_bytes(pdf.to_pdf(plain))
    info = subprocess.run(["pdfinfo", str(short)], capture_output=True, text=True, check=True).stdout
    ordinary = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages <= ordinary + 10, (pages, ordinary)  # 30 red cards of cells cut short: a few pages


def test_only_a_long_text_is_cut() -> None:
    assert pdf.clipped(LONG) == LONG[: pdf.CELL_CHARS - 1] + "…"
    assert pdf.clipped("x" * pdf.CELL_CHARS) == "x" * pdf.CELL_CHARS
    assert pdf.clipped(12345) == 12345
