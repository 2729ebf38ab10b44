"""The weekly report as an XLSX workbook: the PDF's tables as sheets, with real types.

Written with xlsxwriter in constant-memory mode (each row goes to disk as it is written), numbers
as numbers, times as Excel dates, codes as text; every sheet has a frozen header and a filter.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import xlsxwriter

from common.china import TZ
from common.codebook import BOOK, EnumName, label
from dashboard.headlines import FIGURES, HEADLINE, RATES
from dashboard.periods import term
from dashboard.queries.indicators import change
from dashboard.reports.weekly import StationReport, SummaryReport

Column = tuple[str, str, str]  # (key, header, kind: text | int | float | pct | time | a codebook enum)
# a column's width in the sheet's units (a digit's width; a Chinese character takes two): at least
# its header's and widest cell's, at most WIDEST, past which a cell's text wraps within it
NARROWEST, WIDEST, MARGIN = 8, 60, 2


def width_of(text: str) -> int:
    """How many of a sheet's width units ``text`` takes on one line: a Chinese (wide) character two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


AREA_COLUMNS: list[Column] = [
    ("code", "编码", "text"),
    ("name", "名称", "text"),
    *[
        (key, FIGURES[key].label, "int")
        for key in (
            "population",
            "incidents_week",
            "incidents_prev",
            "events_open",
            "red_cards",
            "events_closed_week",
            "events_on_time_week",
            "hazards_found_week",
            "hazards_cleared_week",
            "disputes_found_week",
            "disputes_resolved_week",
            "alerts",
        )
    ],
]


class Book:
    """A workbook with the formats the sheets share."""

    def __init__(self, path: Path) -> None:
        self.wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
        self.head = self.wb.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
        self.time = self.wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.pct = self.wb.add_format({"num_format": "0.0%"})
        self.text = self.wb.add_format({"num_format": "@"})
        self.long = self.wb.add_format({"num_format": "@", "text_wrap": True, "valign": "top"})

    def sheet(self, name: str, columns: Sequence[Column], rows: Iterable[Mapping[str, Any]]) -> int:
        """Write a sheet row by row (rows may be a generator); return how many rows it holds."""
        ws = self.wb.add_worksheet(name)
        # the header's width and its filter's button, then each cell's as it is shown
        wide = [width_of(header) + 2 for _key, header, _kind in columns]
        for j, (_key, header, _kind) in enumerate(columns):
            ws.write_string(0, j, header, self.head)
        ws.freeze_panes(1, 0)
        n = 0
        for n, row in enumerate(rows, start=1):
            for j, (key, _header, kind) in enumerate(columns):
                wide[j] = max(wide[j], self.cell(ws, n, j, row.get(key), kind))
        for j, w in enumerate(wide):  # kept until the sheet is closed, so set after its rows
            ws.set_column(j, j, min(WIDEST, max(NARROWEST, w)) + MARGIN)
        ws.autofilter(0, 0, max(n, 1), len(columns) - 1)
        return n

    def cell(self, ws: Any, i: int, j: int, value: Any, kind: str) -> int:
        """Write one cell; return the width its value is shown in (a wrapped text's: WIDEST)."""
        if value is None:
            ws.write_blank(i, j, None)
            return 0
        if kind in BOOK or kind == "text":
            # a coded value: its label, the one place a sheet turns codes into words
            text = label(cast(EnumName, kind), str(value)) if kind in BOOK else str(value)
            w = width_of(text)
            ws.write_string(i, j, text, self.text if w <= WIDEST else self.long)
            return min(w, WIDEST)
        if kind == "time":
            ws.write_datetime(i, j, value.astimezone(TZ).replace(tzinfo=None), self.time)
            return len("yyyy-mm-dd hh:mm")
        if kind == "pct":
            ws.write_number(i, j, float(value), self.pct)
            return len(f"{float(value) * 100:.1f}%")
        number = float(value) if kind == "float" else int(value)
        ws.write_number(i, j, number)
        return len(str(number))

    def close(self) -> None:
        self.wb.close()


def _headline_rows(kpis: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for f in HEADLINE:
        row: dict[str, Any] = {"label": f.titled, "week": kpis[f.key]}
        if f.prev:
            row["prev"] = kpis[f.prev]
            row["wow"] = change(kpis[f.key], kpis[f.prev])
        if f.last_year and kpis["has_last_year"]:
            row["last_year"] = kpis[f.last_year]
            row["yoy"] = change(kpis[f.key], kpis[f.last_year])
        rows.append(row)
    return rows


HEADLINE_COLUMNS: list[Column] = [
    ("label", "指标", "text"),
    ("week", term("current"), "int"),
    ("prev", term("previous"), "int"),
    ("wow", term("wow"), "pct"),
    ("last_year", term("last_year"), "int"),
    ("yoy", term("yoy"), "pct"),
]
RATE_COLUMNS: list[Column] = [("label", "指标", "text"), ("value", term("current"), "pct")]
# a week's supervisions (督办), in a station's report and, each with its town, in the summary
SUPERVISION_COLUMNS: list[Column] = [
    ("item_no", "事项编号", "text"),
    ("what", "事项", "text"),
    ("card", "督办牌", "card"),
    ("unit", "责任单位", "text"),
    ("deadline_text", "办结期限", "text"),
    ("week_state", term("current"), "text"),
    ("opened_by_name", "督办人", "text"),
    ("ended", "办结情况", "text"),
]
HOT_COLUMNS: list[Column] = [
    ("grid", "网格", "text"),
    ("class_zh", "类别", "text"),
    ("since", "持续情况", "text"),
    ("gi_z", "Gi* z", "float"),
    ("gi_p", "p", "float"),
    ("trend_zh", "趋势", "text"),
]


def write_station(r: StationReport, path: Path) -> None:
    """All of a station's report tables into ``path``."""
    book = Book(path)
    info = [
        {"label": "派出所", "value": f"{r.name}（{r.station}）"},
        {"label": "周次", "value": r.week.label_zh()},
        {"label": "对比", "value": r.week.comparison_zh()},
        {"label": term("data_as_of"), "value": r.data_as_of_line(named=False)},
        {"label": "生成时间", "value": r.generated_at.strftime("%Y-%m-%d %H:%M")},
        {"label": "说明", "value": f"{term('current')}无数据" if r.empty else r.quality_line()},
        {"label": "统计时点", "value": r.as_of_line()},
    ]
    book.sheet("说明", [("label", "项目", "text"), ("value", "内容", "text")], info)
    book.sheet("主要指标", HEADLINE_COLUMNS, _headline_rows(r.kpis))
    book.sheet(
        "比率",
        RATE_COLUMNS,
        [{"label": f.titled, "value": r.kpis.get(f.key)} for f in RATES],
    )
    book.sheet("分警务区", AREA_COLUMNS, r.zones)
    book.sheet("分网格", AREA_COLUMNS, r.grids)
    book.sheet(
        "网格事件分类",
        [
            ("event_class", "类别", "event_class"),
            ("n", "件数", "int"),
            ("on_time_rate", "按时办结率", "pct"),
            ("yellow", label("card", "yellow"), "int"),
            ("red", label("card", "red"), "int"),
        ],
        r.event_classes,
    )
    book.sheet(
        "红牌事项",
        [
            ("event_no", "编号", "text"),
            ("what", "事项", "text"),
            ("grid", "网格", "text"),
            ("zone", "警务区", "text"),
            ("registered_at", "登记时间", "time"),
            ("due_at", "办结时限", "time"),
            ("handling_dept", "承办部门", "text"),
            ("supervised", "督办", "text"),
        ],
        r.red_cards,
    )
    book.sheet("督办", SUPERVISION_COLUMNS, r.supervisions)
    book.sheet(
        "风险隐患分类",
        [
            ("label", "类别", "text"),
            ("found", "发现", "int"),
            ("open", "未销号", "int"),
            ("cleared", label("hazard_status", "cleared"), "int"),
        ],
        r.hazard_categories,
    )
    book.sheet(
        "警情分类",
        [
            ("category_zh", "类别", "text"),
            ("week", term("current"), "int"),
            ("prev", term("previous"), "int"),
            ("last_year", term("last_year"), "int"),
        ],
        r.incidents_by_category,
    )
    book.sheet("预警", [("alert_kind", "类型", "alert_kind"), ("n", "条数", "int")], r.alerts)
    book.sheet("研判热点", HOT_COLUMNS, r.hot_spots or [{"grid": r.analysis_note}])
    book.close()


def write_summary(s: SummaryReport, path: Path) -> None:
    book = Book(path)
    book.sheet(
        "说明",
        [("label", "项目", "text"), ("value", "内容", "text")],
        [
            {"label": "周次", "value": s.week.label_zh()},
            {"label": "对比", "value": s.week.comparison_zh()},
            {"label": term("data_as_of"), "value": s.data_as_of_line(named=False)},
            {"label": "生成时间", "value": s.generated_at.strftime("%Y-%m-%d %H:%M")},
            {"label": "统计时点", "value": s.as_of_line()},
        ],
    )
    book.sheet("全域主要指标", HEADLINE_COLUMNS, _headline_rows(s.kpis))
    book.sheet(
        "全域比率",
        RATE_COLUMNS,
        [{"label": f.titled, "value": s.kpis.get(f.key)} for f in RATES],
    )
    book.sheet(
        "派出所排名",
        [
            ("rank", "名次", "int"),
            ("station_code", "派出所编码", "text"),
            ("name", "派出所", "text"),
            ("score", "考核得分", "float"),
            *[
                (key, FIGURES[key].label, "pct" if FIGURES[key].rate else "int")
                for key in (
                    "incidents_week",
                    "incidents_prev",
                    "events_open",
                    "red_cards",
                    "hazards_open",
                    "dispute_resolution_rate",
                    "migrant_registration_rate",
                )
            ],
        ],
        s.stations,
    )
    book.sheet("研判热点", HOT_COLUMNS, s.hot_spots or [{"grid": s.analysis_note}])
    book.sheet(
        "镇街督办",
        [
            ("town_code", "镇街编码", "text"),
            ("town", "镇街", "text"),
            ("opened", f"{term('current')}新开", "int"),
            ("overdue", label("supervision_week", "overdue"), "int"),
            ("closed", "办结", "int"),
        ],
        s.town_supervisions,
    )
    book.sheet("督办", [("town", "镇街", "text"), *SUPERVISION_COLUMNS], s.supervisions)
    book.close()


__all__ = ["Book", "write_station", "write_summary"]
