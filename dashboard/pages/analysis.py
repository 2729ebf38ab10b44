"""The analysis page ``/analysis`` (研判), for the leadership and station chiefs: the hot spots by
emerging class (each linking to its grid's page on the period shown), next week's risk with its
inputs and weights, and the back-test that says what the risk model is worth against naive forecasts.

Everything is read from the tables the job after each load wrote (:mod:`dashboard.queries.analysis`);
a station chief sees their stations' part of the area-wide analysis (the back-test and the weights
are the model's, the same for everyone).
"""

from __future__ import annotations

from statistics import fmean
from typing import Any

import plotly.graph_objects as go
from dash import dcc, html

from common.codebook import label
from dashboard.context import AppContext
from dashboard.hotspots import Standing, class_text, p_text, standing
from dashboard.names import area_names
from dashboard.periodbar import bar, carried
from dashboard.periods import Period, Week
from dashboard.queries import analysis
from dashboard.queries.areas import Area
from dashboard.ui import Column, named, nav, table

CELLS_SHOWN = 40  # the 250 m cells listed (the grids are all listed)
# how each input of the risk overlay is counted (docs/analysis.md), beside its weight
COUNTED = {
    "recent_incidents": "预测周之前12周的警情，每早一周按0.8折算",
    "smoothed_incidents": "同上，按热力图的核（σ=250米）摊到周边",
    "rental_units": "现登记出租屋",
    "unregistered_migrants": "未登记或登记已失效的流动人口（现状）",
    "open_hazards": "预测周开始前发现且尚未销号",
    "open_disputes": "预测周开始前发现且尚未化解",
    "background": "单元面积（平方公里；任何地方都可能发生）",
}


def layout(c: AppContext, period: Period) -> html.Div:
    """The page for ``period`` (its body cached per viewer scope and period)."""
    body = c.cached(("analysis-page", period), lambda: _body(c, period))
    return html.Div([nav("/analysis"), bar(c, period), body])


def _body(c: AppContext, period: Period) -> html.Div:
    s = standing(c, period)
    if s.through is None:
        return html.Div(
            [html.H2("研判"), html.P("尚无研判结果（数据加载后自动计算）。", id="analysis-none")],
            className="page",
        )
    return html.Div(
        [
            html.H2("研判：热点、下周风险与回测"),
            html.P(_scope_text(c, s), className="subtitle", id="analysis-standing"),
            *_hot_spots(c, period, s),
            *_risk(c, period),
            *_backtest(c, s),
        ],
        className="page",
        id="analysis-page",
    )


def _scope_text(c: AppContext, s: Standing) -> str:
    stations = c.user().stations if c.user().role != "leadership" else frozenset()
    names = area_names(c)["station"]
    whose = (
        "显示您辖区（"
        + "、".join(names.get(x, x) for x in sorted(stations))
        + "）的部分；类别按全域统一研判。"
        if stations
        else "全域。"
    )
    text = (
        "冷热点按 Getis-Ord Gi*（FDR 校正）逐周计算，"
        f"演变类别为截至 {s.through_label()} 的近12周（Mann-Kendall 趋势）；{whose}"
    )
    if s.before:
        text += f"所选时段 {s.week_label()} 早于最近一次研判：下表为该周的显著冷热点，演变类别见最新一周。"
    return text


def _hot_spots(c: AppContext, period: Period, s: Standing) -> list[Any]:
    scope, q = c.scope(), carried(c, period)
    names = area_names(c)

    def grid_link(r: dict[str, Any]) -> str | None:
        return f"/grid/{r['grid_code']}{q}" if r.get("grid_code") else None

    def dress(r: dict[str, Any]) -> dict[str, Any]:
        return {
            **r,
            "grid": named(names["grid"], r["grid_code"]),
            "station": names["station"].get(r["station_code"] or "", r["station_code"]),
            "z": f"{r['gi_z']:.2f}",
            "p": p_text(r["gi_p"]),
        }

    if s.before:
        grids = [dress(r) for r in analysis.week_levels(c.url, scope, Area(), s.week)]
        for r in grids:
            r["level_code"] = str(r["level"])
        cols: list[Column] = [
            ("grid", "网格"),
            ("level_code", "Gi* 显著性", "hotspot_level"),
            ("station", "派出所"),
            ("events", "警情"),
            ("z", "Gi* z"),
            ("p", "p"),
        ]
        return [
            html.H3(f"{s.week_label()} 的显著冷热点网格"),
            table(grids, cols, "analysis-hot-grids", link=grid_link),
        ]
    trends = analysis.trends(c.url, scope, Area())
    cells_all = analysis.trends(c.url, scope, Area(), "cell")
    counts = []
    for code in [*analysis.HOT_ORDER, *[k.replace("_hot", "_cold") for k in analysis.HOT_ORDER]]:
        n_grid = sum(1 for r in trends if r["hotspot_class"] == code)
        n_cell = sum(1 for r in cells_all if r["hotspot_class"] == code)
        if n_grid or n_cell:
            counts.append({"hotspot_class": code, "grids": n_grid, "cells": n_cell})
    order = {k: i for i, k in enumerate(analysis.HOT_ORDER)}

    def hot(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        kept = [r for r in rows if r["hotspot_class"] in order]
        kept.sort(key=lambda r: (order[r["hotspot_class"]], -r["gi_z"], r["unit_code"]))
        return [{**dress(r), "since": class_text(r), "trend_code": r["trend"]} for r in kept]

    common: list[Column] = [
        ("hotspot_class", "类别", "hotspot_class"),
        ("station", "派出所"),
        ("since", "持续情况"),
        ("z", "Gi* z"),
        ("p", "p"),
        ("trend_code", "趋势", "trend"),
    ]
    hot_cells = hot(cells_all)
    many = f"共{len(hot_cells)}个" + (f"，列出前{CELLS_SHOWN}个" if len(hot_cells) > CELLS_SHOWN else "")
    return [
        html.H3(f"冷热点演变类别（截至 {s.through_label()}）"),
        table(
            counts,
            [
                ("hotspot_class", "类别", "hotspot_class"),
                ("grids", "网格"),
                ("cells", label("analysis_unit", "cell")),
            ],
            "analysis-class-counts",
        ),
        html.H3("热点网格（新增、增强在前）"),
        table(hot(trends), [("grid", "网格"), *common], "analysis-hot-grids", link=grid_link),
        html.H3(f"热点250米格（{many}；链接到所在网格）"),
        table(
            hot_cells[:CELLS_SHOWN],
            [("grid", "所在网格"), ("unit_code", "格编码"), *common],
            "analysis-hot-cells",
            link=grid_link,
        ),
    ]


def _risk(c: AppContext, period: Period) -> list[Any]:
    scope, q = c.scope(), carried(c, period)
    names = area_names(c)
    inputs = analysis.risk_inputs(c.url)
    top = analysis.risk_top(c.url, scope, Area())
    for_label = top[0]["for_label"] if top else ""
    shown_inputs = [
        {
            "input_code": r["input_code"],
            "weight": f"{r['weight']:.2f}",
            "total": f"{r['total']:,.0f}",
            "counted": COUNTED.get(r["input_code"], ""),
        }
        for r in inputs
    ]
    for r in top:
        r["grid"] = named(names["grid"], r["grid_code"])
        r["score_text"] = f"{r['score'] * 1000:.2f}"
        for i in inputs:
            value = (r["inputs"] or {}).get(i["input_code"])
            r[i["input_code"]] = "—" if value is None else f"{value:,.1f}".removesuffix(".0")
    return [
        html.H3(f"下周（{for_label}）风险：加权叠加模型"),
        html.P(
            "风险分 = Σ 权重 × 该网格该项占全域合计的比例（×1000 显示）。权重不是人为设定："
            "用预测周之前12周的警情拟合（最可能产生这些警情的组合，合计为1），"
            "权重即该项能解释的警情份额；为0说明该项在其他输入之外没有额外解释力。"
            "回测每周的权重只用该周之前的数据重新拟合，价值见下方回测。"
            "出租屋与流动人口无历史记录，回测各周使用现状。",
            id="analysis-risk-formula",
        ),
        table(
            shown_inputs,
            [
                ("input_code", "输入", "risk_input"),
                ("weight", "权重"),
                ("total", "全域合计"),
                ("counted", "计法"),
            ],
            "analysis-risk-inputs",
        ),
        html.H4("风险最高的网格"),
        table(
            top,
            [
                ("grid", "网格"),
                ("rank", "全域排名"),
                ("score_text", "风险分"),
                *[(i["input_code"], label("risk_input", i["input_code"])) for i in inputs],
            ],
            "analysis-risk-top",
            link=lambda r: f"/grid/{r['grid_code']}{q}",
        ),
    ]


def _backtest(c: AppContext, s: Standing) -> list[Any]:
    until = s.week if s.before else s.through
    out: list[Any] = [
        html.H3("回测：每周只用此前数据预测，按实际警情评分"),
        html.P(
            "PAI = 被标记区域捕获的警情占比 ÷ 标记面积占比（越高越好）；"
            "PEI = PAI ÷ 同面积下完美预测的 PAI（0–1）。"
            "比较风险模型与三种简单预测："
            + "、".join(label("forecast_model", m) for m in ("last_week", "last_4_weeks", "kernel_density"))
            + "。",
            id="analysis-backtest-about",
        ),
    ]
    for kind in analysis.UNIT_KINDS:
        found = analysis.backtest(c.url, kind, until) if until else []
        out += _backtest_kind(kind, found)
    return out


def _backtest_kind(kind: str, found: list[dict[str, Any]]) -> list[Any]:
    unit = label("analysis_unit", kind)
    if not found:
        return [html.H4(unit), html.Div("无回测结果", className="empty", id=f"analysis-backtest-sum-{kind}")]
    weeks = sorted({r["week_start"] for r in found})
    summary = []
    for model in analysis.MODELS:
        row: dict[str, Any] = {"model": model, "weeks": len(weeks)}
        for pct in analysis.AREA_PCTS:
            mine = [r for r in found if r["model"] == model and r["area_pct"] == pct]
            for key in ("pai", "pei"):
                vals = [r[key] for r in mine if r[key] is not None]
                row[f"{key}{pct:.0f}"] = f"{fmean(vals):.2f}" if vals else "—"
        summary.append(row)
    ratio = _ratio(found)
    per_week = []
    for w in weeks:
        for model in analysis.MODELS:
            row = {"week": Week.containing(w).label(), "model": model}
            for r in found:
                if r["week_start"] == w and r["model"] == model:
                    row["events"] = r["events"]
                    row[f"pai{r['area_pct']:.0f}"] = "—" if r["pai"] is None else f"{r['pai']:.2f}"
                    row[f"pei{r['area_pct']:.0f}"] = "—" if r["pei"] is None else f"{r['pei']:.2f}"
            per_week.append(row)
    metric_cols = [
        (f"{k}{p:.0f}", f"{k.upper()} {p:.0f}%") for k in ("pai", "pei") for p in analysis.AREA_PCTS
    ]
    return [
        html.H4(f"{unit}：{len(weeks)}周平均"),
        table(
            summary,
            [("model", "预测", "forecast_model"), *metric_cols, ("weeks", "周数")],
            f"analysis-backtest-sum-{kind}",
        ),
        html.P(ratio, className="note", id=f"analysis-backtest-ratio-{kind}"),
        dcc.Graph(
            figure=_chart(found, weeks, unit),
            id=f"analysis-backtest-chart-{kind}",
            config={"displayModeBar": False},
        ),
        html.Details(
            [
                html.Summary("逐周明细"),
                table(
                    per_week,
                    [("week", "周"), ("model", "预测", "forecast_model"), ("events", "警情"), *metric_cols],
                    f"analysis-backtest-weeks-{kind}",
                ),
            ]
        ),
    ]


def _ratio(found: list[dict[str, Any]]) -> str:
    """The model's mean PAI at 3 % against the best naive forecast's, said as it is."""
    means, peis = {}, {}
    for model in analysis.MODELS:
        at3 = [r for r in found if r["model"] == model and r["area_pct"] == 3.0 and r["pai"] is not None]
        if at3:
            means[model] = fmean(r["pai"] for r in at3)
            pei = [r["pei"] for r in at3 if r["pei"] is not None]
            peis[model] = fmean(pei) if pei else 0.0
    naive = {m: v for m, v in means.items() if m != "risk_overlay"}
    if "risk_overlay" not in means or not naive:
        return ""
    best = max(naive, key=lambda m: naive[m])
    times = means["risk_overlay"] / naive[best] if naive[best] else float("nan")
    said = (
        f"标记3%面积时，风险模型平均 PAI 为最佳简单预测（{label('forecast_model', best)}）的 {times:.2f} 倍"
        f"（目标 1.2 倍{'，已达到' if times >= 1.2 else '，未达到'}）。"
    )
    # PEI is PAI over a perfect forecast's: the most any forecast could gain over the best naive one
    if peis.get(best):
        said += f"即使每周完美预测，也只约为它的 {1 / peis[best]:.2f} 倍。"
    return said


def _chart(found: list[dict[str, Any]], weeks: list[Any], unit: str) -> go.Figure:
    fig = go.Figure()
    x = [Week.containing(w).label() for w in weeks]
    for model in analysis.MODELS:
        by_week = {r["week_start"]: r["pai"] for r in found if r["model"] == model and r["area_pct"] == 3.0}
        fig.add_trace(
            go.Scatter(
                x=x,
                y=[by_week.get(w) for w in weeks],
                name=label("forecast_model", model),
                mode="lines+markers",
                line={"width": 3 if model == "risk_overlay" else 1.5},
            )
        )
    fig.update_layout(
        template="plotly_white",
        margin={"l": 40, "r": 10, "t": 36, "b": 60},
        height=300,
        legend={"orientation": "h", "y": -0.25},
        title={"text": f"{unit}：标记3%面积的 PAI（逐周）", "font": {"size": 14}, "x": 0.01},
        font={"family": "Onemap Sans, Noto Sans CJK SC, sans-serif"},
        xaxis={"type": "category"},
    )
    return fig
