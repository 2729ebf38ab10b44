"""The weekly report as an A4 PDF (WeasyPrint, Noto CJK embedded), from an HTML template."""

from __future__ import annotations

import base64
import dataclasses
import gc
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from common.codebook import label
from dashboard.headlines import FIGURES, HEADLINE, RATES
from dashboard.hotspots import CLASS_COLOURS
from dashboard.periods import term
from dashboard.reports.weekly import StationReport, SummaryReport, change
from dashboard.ui import pct, when

TEMPLATES = Path(__file__).with_name("templates")
# the longest text a cell prints: a file may deliver up to 4,000 characters in any text (a handling
# department, a name), which in a table column of a few characters' width is a row hundreds of
# lines tall; one such red card made a 382-page report that took minutes. The XLSX has it whole.
CELL_CHARS = 60
Rep = TypeVar("Rep", StationReport, SummaryReport)


def clipped(value: Any) -> Any:
    """``value`` as a cell prints it: a text longer than :data:`CELL_CHARS` cut there with an
    ellipsis, anything else as it is."""
    if not isinstance(value, str) or len(value) <= CELL_CHARS:
        return value
    return value[: CELL_CHARS - 1] + "…"


def printable(r: Rep) -> Rep:
    """A report with every text its rows hold from the data (each list of rows, the station's
    name) as a cell prints it (:func:`clipped`); the sentences the report writes itself, its
    link and its tables are not data and are never cut."""
    rows: dict[str, Any] = {
        f.name: [{k: clipped(v) for k, v in row.items()} for row in getattr(r, f.name)]
        for f in dataclasses.fields(r)
        if isinstance(getattr(r, f.name), list) and all(isinstance(x, dict) for x in getattr(r, f.name))
    }
    if isinstance(r, StationReport):
        rows["name"] = clipped(r.name)
    return dataclasses.replace(r, **rows)


_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
_env.globals["label"] = label  # coded values' words come from the codebook
_env.globals["term"] = term  # and so do the period's: 本期, 上周同期 …


def columns(*widths: float) -> Markup:
    """A table's ``colgroup``: its columns' widths in per cent of the page, adding up to 100.

    The stylesheet lays tables out with fixed widths (measuring every cell first was most of a
    big station's typesetting), so each table states its own; a table without them would get
    equal columns.
    """
    if abs(sum(widths) - 100) > 0.01:
        raise ValueError(f"column widths add up to {sum(widths)}, not 100: {widths}")
    return Markup("<colgroup>{}</colgroup>").format(
        Markup("").join(Markup('<col style="width: {}%">').format(w) for w in widths)
    )


_env.globals["cols"] = columns
# a date written in words (11月17日) or digits (2026-11-23 00:00, 08-31)
DATE = re.compile(r"\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2})?")


def whole_dates(text: Any) -> Markup:
    """``text`` escaped, each date in it kept on one line (a line of a period and its comparisons
    broke 11月17日—11 / 月23日 at the page's edge); it breaks between the dates as before."""
    s = str(text)
    out, at = [], 0
    for m in DATE.finditer(s):
        out += [Markup.escape(s[at : m.start()]), Markup('<span class="date">{}</span>').format(m.group())]
        at = m.end()
    return Markup("").join([*out, Markup.escape(s[at:])])


_env.filters["dates"] = whole_dates
CSS = (TEMPLATES / "report.css").read_text(encoding="utf-8")
# The PDF lists the grids with most incidents and the first red cards; every one of them is in the
# XLSX of the same report. Printing a big station's 500 grids cost WeasyPrint seconds and a reader
# pages nobody reads.
TOP_GRIDS = 30
TOP_RED_CARDS = 30


def station_link(public_url: str | None, r: StationReport) -> str | None:
    """The address of the station's page for the report's period (None without a public address)."""
    if not public_url:
        return None
    return f"{public_url}/station/{quote(r.station)}?{urlencode(r.week.query())}"


def station_html(r: StationReport, public_url: str | None = None) -> str:
    """The station's report as HTML; with the deployment's ``public_url``, the link to its page."""
    r = printable(r)
    area = _env.get_template("area_table.html")

    def area_table(rows: list[dict[str, Any]], what: str) -> Any:
        return Markup(area.render(rows=rows, what=what, change=change, f=FIGURES))

    return _env.get_template("station.html").render(
        title=f"{r.name}警网融合工作周报",
        link=station_link(public_url, r),
        css=CSS,
        r=r,
        headline=HEADLINE,
        rates=RATES,
        f=FIGURES,
        change=change,
        pct=pct,
        local=when,
        area_table=area_table,
        top_grids=TOP_GRIDS,
        top_red_cards=TOP_RED_CARDS,
        map_b64=base64.b64encode(r.map_jpeg).decode(),
        hot_map_b64=base64.b64encode(r.hot_map_png).decode(),
        class_fill=[(code, colour) for code, colour in CLASS_COLOURS.items() if code in r.hot_classes],
        disputes_week=sum(z["disputes_found_week"] for z in r.zones),
        disputes_resolved_week=sum(z["disputes_resolved_week"] for z in r.zones),
    )


def summary_html(s: SummaryReport) -> str:
    s = printable(s)
    return _env.get_template("summary.html").render(
        title="全域警网融合工作周报（汇总）",
        css=CSS,
        s=s,
        headline=HEADLINE,
        rates=RATES,
        f=FIGURES,
        change=change,
        pct=pct,
    )


_pausing = threading.Lock()
_paused: list[bool] = []  # one entry per render under way in this process: was the collector on


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a PDF is typeset (on again after the last).

    Typesetting makes hundreds of thousands of short-lived objects; the collections they trigger
    were about a fifth of a big station's typesetting time. Their cycles are collected after.
    """
    with _pausing:
        _paused.append(gc.isenabled() if not _paused else _paused[0])
        gc.disable()
    try:
        yield
    finally:
        with _pausing:
            if _paused.pop() and not _paused:
                gc.enable()


def to_pdf(html: str) -> bytes:
    """Render HTML to PDF bytes (fonts from the system: Debian fonts-noto-cjk, subset and embedded)."""
    from weasyprint import HTML

    with _collector_paused():
        return HTML(string=html).write_pdf()
