"""The weekly report as an XLSX workbook: the PDF's tables as sheets, with real types, written by
:class:`dashboard.reports.sheets.Book` (numbers as numbers, times as Excel dates, codes as text;
every sheet has a frozen header, a filter and columns fitted to their text).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from common.codebook import label
from dashboard.headlines import FIGURES, HEADLINE, RATES
from dashboard.periods import term
from dashboard.queries.indicators import change
from dashboard.reports.sheets import Book, Column
from dashboard.reports.weekly import StationReport, SummaryReport

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


__all__ = ["AREA_COLUMNS", "write_station", "write_summary"]
