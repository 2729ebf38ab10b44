"""`onemap report weekly` on the demo's last full week: what the PDF and XLSX say, and that it is safe."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from dashboard.headlines import FIGURES
from dashboard.periods import Period, Week, term
from dashboard.queries import areas, indicators
from dashboard.queries.areas import Area
from dashboard.reports.run import weekly
from dashboard.scope import Scope
from dashboard.settings import DashboardSettings
from etl.db import libpq_url
from tests.support import codes
from tests.support.accounts import login
from tests.support.browser import ARTIFACTS
from tests.support.cli import onemap
from tests.support.pdf_lines import broken_dates, ink_reach
from tests.support.pii import unmasked

pytestmark = pytest.mark.db

WEEK = Period(Week(2026, 47))


@pytest.fixture(scope="module")
def env(demo_db: tuple[str, str], cli_env: dict[str, str]) -> dict[str, str]:
    return {
        **cli_env,
        "DATABASE_URL": libpq_url(demo_db[0]),
        "ONEMAP_APP_DATABASE_URL": libpq_url(demo_db[1]),
    }


@pytest.fixture(scope="module")
def reports(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("reports")
    result = onemap("report", "weekly", "--week", "2026-W47", "--out", str(out), env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    yield out / "2026-W47"


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def station_files(folder: Path, code: str) -> tuple[Path, Path]:
    pdf = next(folder.glob(f"{folder.name}_{code}_*.pdf"))
    return pdf, pdf.with_suffix(".xlsx")


def test_one_pdf_and_xlsx_per_station_and_for_the_area(reports: Path, demo_db: tuple[str, str]) -> None:
    codes = [s["station_code"] for s in areas.stations(demo_db[1], Scope.everything())]
    names = sorted(p.name for p in reports.iterdir())
    assert len(names) == 2 * len(codes) + 2
    for code in codes:
        pdf, xlsx = station_files(reports, code)
        assert pdf.read_bytes()[:5] == b"%PDF-" and xlsx.stat().st_size > 5000
    assert (reports / "2026-W47_全域汇总.pdf").exists() and (reports / "2026-W47_全域汇总.xlsx").exists()
    assert not [n for n in names if n.startswith(".") or n.endswith(".part")]


def test_pdf_headline_numbers_equal_the_dashboards(reports: Path, demo_db: tuple[str, str]) -> None:
    for s in areas.stations(demo_db[1], Scope.everything()):
        k = indicators.kpis(demo_db[1], Scope.everything(), Area("station", s["station_code"]), WEEK)
        text = pdf_text(station_files(reports, s["station_code"])[0])
        assert f"{s['name']}警网融合工作周报" in text
        assert "2026年第47周" in text
        for label, key in (
            (FIGURES["incidents_week"].titled, "incidents_week"),
            ("实有人口（人）", "population"),
            ("在办网格事件（件）", "events_open"),
            ("红牌（件）", "red_cards"),
            ("隐患未销号（处）", "hazards_open"),
            ("矛盾纠纷（起）", "disputes"),
            ("预警（条）", "alerts"),
        ):
            # two figures to a row: the value follows its label, wherever on the line
            words = next(x.split() for x in text.splitlines() if label in x.split())
            assert words[words.index(label) + 1] == f"{k[key]:,}", (label, words)
        titled = FIGURES["incidents_week"].titled
        week_line = next(x for x in text.splitlines() if x.strip().startswith(titled))
        assert week_line.split()[2] == f"{k['incidents_prev']:,}"  # last week beside it
        assert week_line.split()[4] == f"{k['incidents_last_year']:,}"  # and the same week last year
        assert f"化解率 {k['dispute_resolution_rate'] * 100:.1f}%" in text.replace("\n", "")


def test_no_date_in_a_pdf_breaks_across_lines(reports: Path) -> None:
    """The period, its comparisons and every date of every report are read whole: the subtitle
    broke 去年同期（11月17日—11 / 月23日） at the page's edge."""
    pdfs = sorted(reports.glob("*.pdf"))
    assert len(pdfs) > 2
    for pdf in pdfs:
        assert "11月17日" in pdf_text(pdf), pdf.name  # the same week a year earlier, named
        assert broken_dates(pdf) == [], pdf.name


def test_a_report_names_its_period_as_the_screens_do(reports: Path) -> None:
    """本期, never 本周: a report of a past week said 本周无督办事项 and headed a column 本周 while its
    every other line and the pages say 本期 (the codebook's period terms)."""
    for pdf in sorted(reports.glob("*.pdf")):
        text = pdf_text(pdf)
        assert term("current") in text and "本周" not in text, pdf.name
    for book in sorted(reports.glob("*.xlsx")):
        cells = [str(c.value) for ws in openpyxl.load_workbook(book) for row in ws.iter_rows() for c in row]
        assert not [c for c in cells if "本周" in c], book.name


def test_pdf_has_every_section_its_map_and_fonts(reports: Path, demo_db: tuple[str, str]) -> None:
    code = areas.stations(demo_db[1], Scope.everything())[0]["station_code"]
    pdf = station_files(reports, code)[0]
    text = pdf_text(pdf)
    for heading in (
        "一、辖区警情热力与网格",
        "二、主要指标",
        "三、分警务区",
        "四、分网格",
        "五、网格事件办理",
        "红牌督办事项",
        "六、风险隐患",
        "七、矛盾纠纷",
        "八、预警",
        "九、排名",
        "十、研判：冷热点",
        "十一、数据质量",
    ):
        assert heading in text, heading
    assert "\ufffd" not in text and "□" not in text  # no missing glyphs
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Noto-Sans-CJK-SC" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # every font embedded
    images = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    widths = [int(line.split()[3]) for line in images.splitlines()[2:]]
    assert widths and max(widths) >= 1000  # the map
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(pdf), str(ARTIFACTS / "report")],
        check=True,
    )
    assert (ARTIFACTS / "report-1.png").stat().st_size > 10_000


def test_xlsx_has_the_tables_with_real_types(reports: Path, demo_db: tuple[str, str]) -> None:
    code = areas.stations(demo_db[1], Scope.everything())[0]["station_code"]
    wb = openpyxl.load_workbook(station_files(reports, code)[1])
    assert {
        "主要指标",
        "分警务区",
        "分网格",
        "网格事件分类",
        "红牌事项",
        "风险隐患分类",
        "警情分类",
        "预警",
    } <= set(wb.sheetnames)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref, ws.title
    grids = wb["分网格"]
    head = [c.value for c in grids[1]]
    rows = list(grids.iter_rows(min_row=2, values_only=True))
    assert head[:4] == ["编码", "名称", "实有人口", FIGURES["incidents_week"].label]
    assert all(isinstance(r[0], str) and r[0].isdigit() for r in rows)  # codes stay text
    assert all(isinstance(r[3], int) for r in rows)
    k = indicators.kpis(demo_db[1], Scope.everything(), Area("station", code), WEEK)
    assert sum(r[3] for r in rows) == k["incidents_week"]
    reds = list(wb["红牌事项"].iter_rows(min_row=2, values_only=True))
    assert len(reds) == k["red_cards"] and all(isinstance(r[4], datetime) for r in reds)


def test_no_id_number_or_mobile_in_any_report(reports: Path) -> None:
    for path in reports.iterdir():
        if path.suffix == ".pdf":
            assert unmasked(pdf_text(path)) == [], path.name
        else:
            wb = openpyxl.load_workbook(path)
            cells = " ".join(
                str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row
            )
            assert unmasked(cells) == [], path.name


def test_no_english_code_in_any_report(reports: Path) -> None:
    # every station's and the area's PDF and XLSX (cells, headers, sheet names): the codebook's words
    texts = {
        p.name: codes.pdf_text(p.read_bytes()) if p.suffix == ".pdf" else codes.xlsx_text(p.read_bytes())
        for p in sorted(reports.iterdir())
    }
    assert len(texts) >= 4 and any("全域汇总" in name for name in texts)
    assert codes.findings(texts) == {}


def test_a_week_without_data_says_so_and_a_rerun_replaces_the_files(
    env: dict[str, str], tmp_path: Path, demo_db: tuple[str, str]
) -> None:
    code = areas.stations(demo_db[1], Scope.everything())[0]["station_code"]
    for _ in range(2):
        result = onemap(
            "report",
            "weekly",
            "--week",
            "2020-W10",
            "--station",
            code,
            "--out",
            str(tmp_path),
            env=env,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-2000:]
    folder = tmp_path / "2020-W10"
    assert len(list(folder.iterdir())) == 4  # the station's two and the summary's two, nothing left over
    pdf, xlsx = station_files(folder, code)
    empty = f"{term('current')}无数据"  # 本期: the week reported, not the week it is written
    assert empty in pdf_text(pdf).replace(" ", "")
    assert empty in [c.value for c in openpyxl.load_workbook(xlsx)["说明"]["B"]]


def test_bad_requests_get_one_line(env: dict[str, str], tmp_path: Path) -> None:
    bad = onemap("report", "weekly", "--week", "2026-W60", "--out", str(tmp_path), env=env)
    assert bad.returncode == 1 and "not an ISO week" in bad.stderr
    unknown = onemap(
        "report", "weekly", "--week", "2026-W47", "--station", "999", "--out", str(tmp_path), env=env
    )
    assert unknown.returncode == 1 and "no such station in scope: 999" in unknown.stderr
    assert not list(tmp_path.rglob("*.pdf"))


def test_station_page_download_is_the_same_report(
    demo_db: tuple[str, str], tmp_path: Path, accounts: dict[str, Any]
) -> None:
    from dashboard.app import create_app
    from dashboard.settings import DashboardSettings
    from tests.support.accounts import DEMO_UNTIL, SECRET

    app = create_app(demo_db[1], SECRET, DashboardSettings(as_of=DEMO_UNTIL, cache_seconds=0))
    code = areas.stations(demo_db[1], Scope.everything())[0]["station_code"]
    client = app.server.test_client()
    login(client, "leader")
    resp = client.get(f"/download/weekly/{code}.pdf?week=2026-W47")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    (tmp_path / "d.pdf").write_bytes(resp.data)
    text = pdf_text(tmp_path / "d.pdf")
    k = indicators.kpis(demo_db[1], Scope.everything(), Area("station", code), WEEK)
    line = next(x for x in text.splitlines() if x.strip().startswith(FIGURES["incidents_week"].titled))
    assert line.split()[1] == f"{k['incidents_week']:,}"
    assert client.get(f"/download/weekly/{code}.xlsx?week=2026-W47").status_code == 200
    assert client.get("/download/weekly/999.pdf").status_code == 404
    assert client.get(f"/download/weekly/{code}.pdf?week=2026-W99").status_code == 400
    assert shutil.which("pdftotext")
    assert re.search(r"\.pdf", resp.headers["Content-Disposition"])


def test_stations_written_in_processes_say_what_one_process_wrote(
    reports: Path, demo_db: tuple[str, str], tmp_path: Path
) -> None:
    """A batch in worker processes (a machine with more processors than this one) writes the same
    reports as one process that gathers the next station while it typesets one."""
    codes = [s["station_code"] for s in areas.stations(demo_db[1], Scope.everything())][:2]
    weights = DashboardSettings().score_weights()
    weekly(demo_db[1], Scope.everything(), WEEK, tmp_path, weights, stations=codes, workers=2)
    weekly(demo_db[1], Scope.everything(), WEEK, tmp_path / "one", weights, stations=codes, workers=1)

    def said(pdf: Path) -> list[str]:
        return [line for line in pdf_text(pdf).splitlines() if "生成时间" not in line]

    for code in codes:
        apart, alone = (
            station_files(tmp_path / WEEK.label(), code)[0],
            station_files(tmp_path / "one" / WEEK.label(), code)[0],
        )
        assert said(apart) == said(alone) == said(station_files(reports, code)[0]), code


def test_each_station_reports_first_pages_are_filled(reports: Path, demo_db: tuple[str, str]) -> None:
    """Pages 1 and 2 of a station's report are read first: their ink reaches the foot of the page
    (the headline table alone left page 1's lower two fifths empty, the map held over to page 2,
    and put after the tables it left page 2 empty instead): the map comes first, then the figures."""
    filled = []
    for s in areas.stations(demo_db[1], Scope.everything()):
        pdf = station_files(reports, s["station_code"])[0]
        filled.append((s["name"], ink_reach(pdf, 1), ink_reach(pdf, 2)))
        first = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "一、辖区警情热力与网格" in first, s["name"]  # the figures follow, on page 1 or 2
    assert min(min(f[1:]) for f in filled) >= 0.8, filled
