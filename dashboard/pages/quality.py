"""Data quality ``/quality``: loads per source, quarantine by reason, completeness; worst grids first;
and the counts of base elements under them. Its period bar says when the data was last loaded."""

from __future__ import annotations

from dash import html

from dashboard.context import AppContext
from dashboard.names import area_names
from dashboard.periodbar import bar
from dashboard.periods import Period
from dashboard.queries import operations
from dashboard.ui import carry, nav, pct, table


def layout(c: AppContext, period: Period) -> html.Div:
    """The quality report and, under it, the counts of base elements (the period bar on top: the
    figures are as loaded, whatever the period; its picker carries the period to other pages)."""
    counts = c.cached(("element-counts",), lambda: operations.element_counts(c.url))  # as of the last load
    return html.Div([report(c, period), overview_layout(counts, "基础要素")])


def overview_layout(counts: list[dict[str, object]], title: str) -> html.Div:
    """Element counts (pure: no I/O)."""
    cards = [
        html.Div(
            [
                html.Div(str(row["name_zh"]), className="kpi-label"),
                html.Div(f"{row['n']:,}", className="kpi-value"),
            ],
            className="kpi",
            id=f"overview-{row['element']}",
        )
        for row in counts
    ]
    return html.Div([html.H2(title), html.Div(cards, className="kpis", id="overview-kpis")], className="page")


def report(c: AppContext, period: Period) -> html.Div:
    """Loads, quarantine and the worst grids, for the viewer's scope."""
    scope = c.scope()
    loads = operations.load_history(c.url)
    for r in loads:
        r["share"] = pct(r["quarantined"] / r["rows_in"], 2) if r["rows_in"] else "—"
    quarantine = operations.quarantine_counts(c.url)
    # what the loads left, so kept until the next one (the cache is keyed by the data's stamp); a
    # copy, as the rows are given words below
    grids = [dict(r) for r in c.cached(("grid-quality",), lambda: operations.grid_quality(c.url, scope))]
    names = area_names(c)
    for r in grids:
        r["station"] = names["station"].get(r["station_code"], r["station_code"])
        r["three_codes_pct"] = pct(r["three_codes"])
        r["registration_pct"] = pct(r["registration"])
        r["sensors_pct"] = pct(r["sensors_online"])
    total_q = sum(int(r["n"]) for r in quarantine)
    return html.Div(
        [
            nav("/quality"),
            bar(c, period),
            html.Div(
                [
                    html.H2("数据质量"),
                    html.P(
                        f"隔离区共 {total_q:,} 行；每一行都已入库或隔离并注明原因。", id="quality-summary"
                    ),
                    html.H3("最差的网格（三码完整率、流动人口登记率取低者在前）"),
                    table(
                        grids,
                        [
                            ("grid_code", "网格"),
                            ("name", "名称"),
                            ("station", "派出所"),
                            ("three_codes_pct", "三码完整率"),
                            ("registration_pct", "流动人口登记率"),
                            ("sensors_pct", "感知设备在线率"),
                        ],
                        "grid-quality",
                        link=lambda r: carry(f"/grid/{r['grid_code']}"),
                    ),
                    html.H3("隔离原因（按数据源）"),
                    table(
                        quarantine,
                        [
                            ("source", "数据源"),
                            ("kind", "类型", "feed_kind"),
                            ("reason_code", "原因", "quarantine_reason"),
                            ("field_zh", "字段"),
                            ("n", "行数"),
                        ],
                        "quarantine",
                    ),
                    html.H3("最近的加载"),
                    table(
                        loads,
                        [
                            ("source", "数据源"),
                            ("status", "状态", "load_status"),
                            ("started_at", "开始"),
                            ("rows_in", "读入"),
                            ("loaded", "入库"),
                            ("repaired", "修复"),
                            ("quarantined", "隔离"),
                            ("share", "隔离比例"),
                        ],
                        "loads",
                    ),
                ],
                className="page",
            ),
        ]
    )
