"""One period, one truth: the station page, the wall, the station's XLSX and PDF (downloaded from
the page's own links) and the area's summary report show the same headline figures, the same
station ranking and the same 数据截至 for the period a URL names (the wall opened with that URL too).

Each rendering is read as a person reads it (page text, PDF text, workbook cells), every figure by
its catalogue label (:mod:`dashboard.headlines`), so a figure printed differently anywhere fails.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import dash
import openpyxl
import pytest

from dashboard.context import AppContext
from dashboard.headlines import FIGURES, HEADLINE, RATES
from dashboard.map import playlist
from dashboard.periodbar import search_of
from dashboard.queries import areas
from dashboard.reports import pdf, xlsx
from dashboard.reports.weekly import build_summary
from dashboard.routes import render
from tests.support.accounts import login
from tests.support.dash_calls import dash_call, key_of
from tests.support.layouts import find, hrefs, text_of

pytestmark = [pytest.mark.db, pytest.mark.timeout(600)]

NUMBER = r"(—|[0-9][0-9,]*(?:\.[0-9]+)?%?)"

# the default period (no query; as of the demo's last day, 2026-W47), a past week and a week so far
SEARCHES = ["", "?week=2026-W45", "?week=2026-W47&to=2026-11-19T00:00"]


def shown(text: str, keys: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Each figure's value where its label is followed by a number (the first such place)."""
    found = {}
    for key in keys:
        m = re.search(rf"(?<![\w]){re.escape(FIGURES[key].label)}\s+{NUMBER}", text)
        if m:
            found[key] = m.group(1)
    return found


def pdf_rows(path: Path) -> dict[str, str]:
    """The headline table of a report PDF: titled label → this period's value (the value follows
    its label, two figures to a row)."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    rows = {}
    for f in (*HEADLINE, *RATES):
        words = next((x.split() for x in text.splitlines() if f.titled in x.split()), None)
        if words is not None:
            rows[f.key] = words[words.index(f.titled) + 1]
    return rows


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def xlsx_rows(path: Path, headline: str, rates: str | None) -> dict[str, str]:
    """The headline (and rates) sheets of a report workbook, each value as the screens format it."""
    wb = openpyxl.load_workbook(path, read_only=True)
    by_title = {f.titled: f for f in FIGURES.values()}
    rows = {}
    for sheet in (headline, rates):
        if sheet is None:
            continue
        for label, value, *_ in list(wb[sheet].iter_rows(values_only=True))[1:]:
            f = by_title.get(label) or next(x for x in FIGURES.values() if x.label == label)
            rows[f.key] = f.text(value)
    return rows


def strings(value: Any) -> list[str]:
    """Every text in a callback's JSON answer, in order."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def agree(renderings: dict[str, dict[str, str]]) -> set[str]:
    """Assert every figure has one value wherever it is shown; the figures shown in two or more."""
    keys = {k for r in renderings.values() for k in r}
    compared = set()
    for key in keys:
        values = {name: r[key] for name, r in renderings.items() if key in r}
        assert len(set(values.values())) == 1, (FIGURES[key].label, values)
        if len(values) > 1:
            compared.add(key)
    return compared


@pytest.mark.parametrize("search", SEARCHES, ids=["default-week", "past-week", "week-so-far"])
def test_page_wall_xlsx_and_pdf_show_the_same_figures_and_ranking(
    search: str, c: AppContext, demo_app: dash.Dash, accounts: dict[str, Any], tmp_path: Path
) -> None:
    period = c.period(search)
    stations = areas.stations(c.url, c.scope())
    views = playlist.playlist(c)
    client = demo_app.server.test_client()
    assert login(client, "leader").status_code == 302

    for s in stations[:2]:  # (PDFs take their time; the ranking covers every station)
        code = s["station_code"]
        page = render(c, f"/station/{code}", search)
        assert text_of(find(page, "period-label")) == period.label_zh()
        on_page = shown(text_of(find(page, "drill-kpis")), list(FIGURES))
        # the wall's panel for this station, as the browser asks for it (the tick of its view)
        # (the wall opened with the same URL: its query is the location's search)
        tick = next(i for i, v in enumerate(views) if v.kind == "station" and v.station == code)
        status, body = dash_call(
            client,
            demo_app,
            key_of(demo_app, "wall-station-figures.children"),
            {("wall-tick", "n_intervals"): tick, ("url", "search"): search},
        )
        assert status == 200, body[:300]
        wall_text = " ".join(strings(json.loads(body)["response"]["wall-station-figures"]["children"]))
        on_wall = shown(wall_text, list(FIGURES))
        assert len(on_wall) >= 4
        # the page's own report links carry its period (the supervisions' export is every one in
        # scope, whatever the period)
        links = [h for h in hrefs(page) if h.startswith("/download/weekly/")]
        assert links == [
            f"/download/weekly/{code}.pdf{search_of(period)}",
            f"/download/weekly/{code}.xlsx{search_of(period)}",
        ]
        files = {}
        for fmt, link in zip(("pdf", "xlsx"), links, strict=True):
            resp = client.get(link)
            assert resp.status_code == 200, link
            assert period.label() in unquote(resp.headers["Content-Disposition"])  # the file name says it
            files[fmt] = tmp_path / f"{code}.{fmt}"
            files[fmt].write_bytes(resp.data)
        in_pdf = pdf_rows(files["pdf"])
        in_xlsx = xlsx_rows(files["xlsx"], "主要指标", "比率")
        assert f"{period.week.year}年第{period.week.week}周" in pdf_text(files["pdf"])
        info = dict(
            list(openpyxl.load_workbook(files["xlsx"], read_only=True)["说明"].iter_rows(values_only=True))[
                1:
            ]
        )
        assert info["周次"] == period.label_zh()
        compared = agree({"page": on_page, "wall": on_wall, "pdf": in_pdf, "xlsx": in_xlsx})
        # every headline figure of the reports is on the page too, and the wall's are all compared
        assert {f.key for f in (*HEADLINE, *RATES)} <= set(in_pdf) == set(in_xlsx)
        assert set(on_wall) <= compared
        assert {"incidents_week", "events_open", "red_cards", "hazards_open", "population"} <= compared

    # the whole area and the ranking: the wall against the summary report (PDF and XLSX)
    wall = render(c, "/wall", search)
    assert find(wall, "period-pick").value == search_of(period)
    on_wall = shown(text_of(find(wall, "wall-figures")), list(FIGURES))
    assert len(on_wall) >= 6
    places = find(wall, "wall-station-ranking").children
    ranking = [(li.children[0].children, li.children[1].children) for li in places]
    summary = build_summary(c.url, c.scope(), period, c.settings.score_weights())
    # 数据截至: one line on the wall, the station page and the report
    as_of = summary.data_as_of_line()
    assert text_of(find(wall, "wall-as-of")) == as_of == text_of(find(page, "period-as-of"))
    assert as_of in pdf_text(files["pdf"]).replace("\n", " ")
    (tmp_path / "s.pdf").write_bytes(pdf.to_pdf(pdf.summary_html(summary)))
    xlsx.write_summary(summary, tmp_path / "s.xlsx")
    compared = agree(
        {
            "wall": on_wall,
            "pdf": pdf_rows(tmp_path / "s.pdf"),
            "xlsx": xlsx_rows(tmp_path / "s.xlsx", "全域主要指标", "全域比率"),
        }
    )
    assert set(on_wall) <= compared
    wb = openpyxl.load_workbook(tmp_path / "s.xlsx", read_only=True)
    in_xlsx = [(r[2], f"{r[3]:.1f}") for r in list(wb["派出所排名"].iter_rows(values_only=True))[1:]]
    summary_text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "s.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    # the PDF's ranking: places and scores row by row (a name between them when it fits its
    # column, on a line of its own when it wraps), the names in the order they appear
    section = summary_text[summary_text.index("二、派出所排名") :]
    rows = [m.groups() for m in re.finditer(r"^\s*(\d+)\s+(?:\D+?\s+)?(\d+\.\d)\s", section, re.MULTILINE)]
    assert [int(place) for place, _ in rows] == list(range(1, len(rows) + 1))
    names = sorted((s["name"] for s in stations), key=lambda name: section.find(name[:3]))
    in_pdf = list(zip(names, [score for _, score in rows], strict=True))
    assert ranking == in_xlsx == in_pdf and len(in_xlsx) == len(stations)
    # and each station page gives its station the same score and place
    for place, (name, score) in enumerate(in_xlsx, start=1):
        code = next(s["station_code"] for s in stations if s["name"] == name)
        row = (
            find(render(c, f"/station/{code}", search), "drill-station-score")
            .children.children[1]
            .children[0]
        )
        assert [td.children for td in row.children[:2]] == [score, f"{place} / {len(stations)}"], name
