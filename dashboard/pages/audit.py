"""The audit trail ``/audit`` (leadership only): who looked at or exported what, and when."""

from __future__ import annotations

import json
from typing import Any

import dash
from dash import Input, Output, dcc, html

from common.codebook import AUDIT_PARAM_VALUES, codes, label
from dashboard import bounds
from dashboard.context import AppContext
from dashboard.queries import operations
from dashboard.ui import Column, nav, table

COLUMNS: list[Column] = [
    ("at", "时间"),
    ("username", "用户"),
    ("role", "角色", "actor"),
    ("action", "操作", "audit_action"),
    ("params", "参数"),
    ("row_count", "条数"),
    ("result", "结果", "audit_result"),
    ("client", "来源地址"),
]


def layout(c: AppContext) -> html.Div:
    """The audit page: alerts first, then the latest rows (reading them is itself audited)."""
    return page(rows_table(c, None, None), alerts(c), precision(c))


def precision(c: AppContext) -> html.Div:
    """How often each alert rule was right over the officers' verdicts (counts only)."""
    st = {k: label("alert_state", k) for k in ("confirmed", "resolved", "false", "checking")}
    found = [
        {
            **r,
            "rule": label("alert_kind", r["alert_kind"]),
            "share": "—" if r["precision"] is None else f"{float(r['precision']):.0%}",
        }
        for r in operations.alert_precision(c.url)
    ]
    return html.Div(
        [
            html.H3("告警规则准确率（按民警核实结论）"),
            table(
                found,
                [
                    ("rule", "规则"),
                    ("confirmed", f"{st['confirmed']}/{st['resolved']}"),
                    ("rejected", st["false"]),
                    ("checking", st["checking"]),
                    ("share", "准确率"),
                ],
                "alert-precision-table",
                empty="尚无核实结论",
            ),
        ],
        id="alert-precision",
    )


def alerts(c: AppContext) -> html.Div:
    """Person searches stopped for exceeding the limits in the last week, shown above everything."""
    found = operations.audit_alerts(c.url)
    if not found:
        return html.Div(id="audit-alerts")
    for r in found:
        r["params"] = params_text(r["params"])
    return html.Div(
        [
            html.H3(f"告警：{label('audit_action', 'person_search_locked')}（近 7 天 {len(found)} 起）"),
            table(
                found,
                [
                    ("at", "时间"),
                    ("username", "用户"),
                    ("role", "角色", "actor"),
                    ("params", "情况"),
                    ("client", "来源地址"),
                ],
                "audit-alerts-table",
            ),
        ],
        id="audit-alerts",
        style={"border": "2px solid #c0392b", "padding": "0 12px 12px"},
    )


def params_text(params: str | None) -> str:
    """An audit row's parameters (JSON text) as words: 楼栋：4401…；人员：12、13 (keys and the coded
    values among them by the codebook; other values, such as a typed reason, as they are)."""
    if not params:
        return ""
    try:
        found = json.loads(params)
    except ValueError:
        return params
    if not isinstance(found, dict):
        return params

    def value(key: str, v: Any) -> str:
        if isinstance(v, list):
            return "、".join(value(key, x) for x in v)
        if key == "output" and isinstance(v, str):  # a refused callback's outputs, "、" between
            return "、".join(label(AUDIT_PARAM_VALUES[key], x) for x in v.split("、"))
        if isinstance(v, str) and key in AUDIT_PARAM_VALUES:
            return label(AUDIT_PARAM_VALUES[key], v)
        if key == "path" and isinstance(v, str):  # a page asked for: its kind in words, then its code
            head, _, rest = v.partition("/")[2].partition("/")
            if f"/{head}" in codes("page"):
                return f"{label('page', f'/{head}')} {rest}".strip()
        return "" if v is None else str(v)

    return "；".join(f"{label('audit_param', k)}：{value(k, v)}" for k, v in found.items())


def skeleton() -> html.Div:
    """The page's components without rows (no query, nothing audited): for the validation layout."""
    return page(html.Div(), html.Div(id="audit-alerts"), html.Div(id="alert-precision"))


def page(rows: html.Div, alert_box: html.Div, precision_box: html.Div) -> html.Div:
    """The page around a table of rows."""
    options = [{"label": "全部操作", "value": ""}] + [
        {"label": label("audit_action", k), "value": k} for k in codes("audit_action")
    ]
    return html.Div(
        [
            nav("/audit"),
            html.Div(
                [
                    html.H2("审计日志"),
                    html.P(
                        "登录、失败登录、人员名单查看、人员查询与导出的留痕，"
                        "至少保存 180 天，不可修改或删除。",
                        className="subtitle",
                    ),
                    alert_box,
                    precision_box,
                    html.Div(
                        [
                            dcc.Input(
                                id="audit-user", placeholder="用户名", debounce=True, className="search-input"
                            ),
                            dcc.Dropdown(id="audit-action", options=options, value="", clearable=False),
                        ],
                        className="search-row",
                    ),
                    html.Div(rows, id="audit-rows"),
                ],
                className="page",
            ),
        ]
    )


def rows_table(c: AppContext, username: Any, action: Any) -> html.Div:
    """The audit rows of a user name and an action (both optional; OutOfBounds unless a short
    text and one of the codebook's audit actions)."""
    if not c.user().can_read_audit:
        c.audit("view_audit", {"username": username or "", "action": action or ""}, None, "refused_role")
        raise PermissionError("this role may not read the audit trail")
    username, action = bounds.text(username), bounds.choice(action or "", ["", *codes("audit_action")])
    rows = operations.audit_rows(c.url, (username or "").strip().lower() or None, action or None)
    c.audit("view_audit", {"username": username or "", "action": action or ""}, len(rows))
    for r in rows:
        r["params"] = params_text(r["params"])
    return table(rows, COLUMNS, "audit-table", empty="无记录")


def register(app: dash.Dash, c: AppContext) -> None:
    @app.callback(
        Output("audit-rows", "children"),
        Input("audit-user", "value"),
        Input("audit-action", "value"),
        prevent_initial_call=True,
    )
    def _filter(username, action):
        return rows_table(c, username, action)
