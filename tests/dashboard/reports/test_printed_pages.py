"""The weekly reports as they come off the printer, measured on the PDF's pages: the area-wide
summary a leader reads in the meeting and the station maps a chief prints, for the demo's tallest,
widest and smallest station."""

from __future__ import annotations

import io
import math
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from dashboard.periods import Period, Week
from dashboard.queries import areas
from dashboard.queries.areas import Area
from dashboard.reports.mapimage import PRINT_MM, station_map_named
from dashboard.reports.run import weekly
from dashboard.scope import Scope
from dashboard.settings import DashboardSettings
from tests.support.browser import ARTIFACTS
from tests.support.pdf_lines import images, ink_reach, pages

pytestmark = pytest.mark.db

WEEK = Period(Week(2026, 47))
HEADING = re.compile(r"^[一二三四五六七八九十]+、")  # a section's heading (二、派出所排名 …)
SMALLEST_PT = 7.0  # a name on the printed map, in points on paper


def shapes(url: str) -> dict[str, str]:
    """The demo's tallest, widest and smallest station (by their outline's bounds in metres)."""
    found = {}
    for s in areas.stations(url, Scope.everything()):
        west, south, east, north = areas.bounds(
            url, Scope.everything(), Area("station", s["station_code"])
        ) or (
            0,
            0,
            0,
            0,
        )
        across = (east - west) * math.cos(math.radians((south + north) / 2))
        found[s["station_code"]] = ((north - south) / across, across * (north - south))
    return {
        "tall": max(found, key=lambda c: found[c][0]),
        "wide": min(found, key=lambda c: found[c][0]),
        "small": min(found, key=lambda c: found[c][1]),
    }


@pytest.fixture(scope="module")
def printed(
    demo_db: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, str]]:
    """The summary and the PDFs of the tallest, widest and smallest station, written as
    `onemap report weekly` writes them; their pages as pictures under the tests' artifacts."""
    url = demo_db[1]
    chosen = shapes(url)
    out = tmp_path_factory.mktemp("printed")
    weights = DashboardSettings().score_weights()
    weekly(url, Scope.everything(), WEEK, out, weights, stations=sorted(set(chosen.values())), workers=1)
    folder = out / WEEK.label()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for pdf in folder.glob("*.pdf"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(pdf), str(ARTIFACTS / f"printed-{pdf.stem}")], check=True
        )
    return folder, chosen


def summary_pdf(folder: Path) -> Path:
    return next(folder.glob("*_全域汇总.pdf"))


def test_the_summary_pages_are_filled_and_the_ranking_is_whole_on_page_one(
    printed: tuple[Path, dict[str, str]], demo_db: tuple[str, str]
) -> None:
    """A leader reads the area's figures and the stations' ranking together on page 1: the
    headline table gave every figure its own row, its comparison cells empty for all but one, and
    pushed the last three stations of the ranking onto page 2. Every page but the last is filled to
    its foot."""
    pdf = summary_pdf(printed[0])
    text = pages(pdf)
    assert len(text) >= 2
    for page in range(1, len(text)):
        assert ink_reach(pdf, page) >= 0.8, (page, ink_reach(pdf, page))
    first = "\n".join(text[0])
    assert "二、派出所排名" in first
    ranking = first[first.index("二、派出所排名") :]
    missing = [s["name"] for s in areas.stations(demo_db[1], Scope.everything()) if s["name"] not in ranking]
    assert missing == [], missing
    assert "名次" not in "\n".join(text[1]), "the ranking's header repeats on page 2: the table was split"


def test_no_heading_is_left_at_a_pages_foot(printed: tuple[Path, dict[str, str]]) -> None:
    """A section's heading (and the line that introduces its table) is never left at a page's foot
    with its table on the next page: the summary's 三、研判 ended page 1 with its hot grids on page 2."""
    table_row = re.compile(r"\S\s{2,}\S")  # a table's row: columns apart (pdftotext -layout)
    for pdf in sorted(printed[0].glob("*.pdf")):
        text = pages(pdf)
        for number, lines in enumerate(text[:-1], start=1):
            heads = [i for i, line in enumerate(lines) if HEADING.match(line)]
            if not heads:
                continue
            after = lines[heads[-1] + 1 :]
            alone = not any(table_row.search(line) for line in after) and len(after) <= 3
            assert not (alone and table_row.search(text[number][0])), (pdf.name, number, lines[heads[-1] :])


def test_map_names_print_at_seven_points_whatever_the_stations_shape(
    printed: tuple[Path, dict[str, str]], demo_db: tuple[str, str]
) -> None:
    """The map prints no wider than the page and no taller than page 1 leaves (200 mm): a tall
    station's map was shrunk to fit, its names with it (4.4 pt on paper for 中新's grids). Each
    name's type size, measured at the pixels per inch the PDF prints the map at, is 7 pt or more,
    for the tallest, the widest and the smallest station."""
    folder, chosen = printed
    for shape, code in chosen.items():
        pdf = next(folder.glob(f"*_{code}_*.pdf"))
        jpeg, jpeg_names = station_map_named(demo_db[1], Scope.everything(), code, WEEK.start, WEEK.end)
        placed = next(i for i in images(pdf) if i["page"] == 1)
        assert (placed["width"], placed["height"]) == Image.open(io.BytesIO(jpeg)).size  # the map drawn
        width_mm, height_mm = (
            placed["width"] / placed["x_ppi"] * 25.4,
            placed["height"] / placed["y_ppi"] * 25.4,
        )
        # no larger than the page prints it, and as large: the width's or the height's limit
        fill = max(width_mm / PRINT_MM[0], height_mm / PRINT_MM[1])
        assert width_mm <= PRINT_MM[0] + 0.5 and height_mm <= PRINT_MM[1] + 0.5 and fill > 0.99, (
            shape,
            width_mm,
            height_mm,
        )
        assert jpeg_names, (shape, code)
        sizes = {n.text: n.size * 72 / placed["x_ppi"] for n in jpeg_names}
        small = {t: round(pt, 1) for t, pt in sizes.items() if pt < SMALLEST_PT}
        assert small == {}, (shape, code, placed, small)


def test_a_week_without_supervisions_prints_no_table_of_zeros(printed: tuple[Path, dict[str, str]]) -> None:
    """The demo's week has no 督办: the summary printed every town with 0, 0, 0, eleven rows that
    took a third of a page and left the footnote alone on page 3; one line now says so (the XLSX
    keeps every town's row)."""
    text = pages(summary_pdf(printed[0]))
    lines = [line for page in text for line in page]
    section = lines[next(i for i, line in enumerate(lines) if line.startswith("四、督办")) :]
    assert section[1].startswith("本期新开 0 件"), section[:3]
    assert not [line for line in section if re.fullmatch(r"\S+\s+0\s+0\s+0", line)], section
    assert "各镇街本期均无督办事项。" in section
    assert len(text) == 2 and ink_reach(summary_pdf(printed[0]), 1) >= 0.8
