"""Person lookup ``/persons`` (leadership and station chiefs): by exact full ID number, mobile or
name, with a stated reason, inside the viewer's scope, masked, limited, every attempt audited.

Masked values on other pages are no oracle here: only a whole key finds anyone, and a few misses
an hour lock the lookup for a day and alert the leadership (``ops.person_lookup``).
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from dashboard import bounds
from dashboard.context import AppContext
from dashboard.names import area_names
from dashboard.queries import people
from dashboard.ui import Column, named, nav, table

COLUMNS: list[Column] = [
    ("building_code", "楼栋"),
    ("name", "姓名"),
    ("id_number", "身份证号"),
    ("phone", "电话"),
    ("gender", "性别", "gender"),
    ("migrant", "类别"),
    ("residence_status", "居住状态", "residence_status"),
    ("unit_code", "房屋"),
    ("grid", "网格"),
]
REFUSED_ZH = {
    "refused_role": "您的角色不能查询人员。",
    "refused_reason": "请填写查询事由或案件编号（至少 4 个字）。",
    "refused_query": "请输入完整的 18 位身份证号、11 位手机号或完整姓名（不支持部分匹配或通配符）。",
    "rate_limited": "查询次数超出限额，人员查询已锁定 24 小时，并已告警。",
    "locked": "人员查询已因超出限额被锁定，请联系领导。",
}


def layout(c: AppContext) -> html.Div:
    return html.Div(
        [
            nav("/persons"),
            html.Div(
                [
                    html.H2("人员查询"),
                    html.P(
                        "按完整身份证号、手机号或姓名查询本辖区内的实有人口，须填写事由或案件编号。"
                        "结果脱敏显示；每次查询均记入审计日志；每小时查询与未命中次数有限额，超出即锁定并告警。",
                        className="subtitle",
                    ),
                    html.Div(
                        [
                            dcc.Input(
                                id="person-q",
                                type="text",
                                placeholder="身份证号 / 手机号 / 姓名",
                                autoComplete="off",
                                className="search-input",
                            ),
                            dcc.Input(
                                id="person-reason",
                                type="text",
                                placeholder="事由或案件编号（必填）",
                                autoComplete="off",
                                maxLength=200,
                                className="search-input",
                            ),
                            html.Button("查询", id="person-go", n_clicks=0),
                        ],
                        className="search-row",
                    ),
                    html.Div(id="person-results"),
                ],
                className="page",
            ),
        ]
    )


def search(c: AppContext, q: Any, reason: Any = None) -> html.Div:
    """The results of one lookup; the database decides, limits and audits it (a refusal too); a
    query or reason that is not a short text is OutOfBounds (see :func:`dashboard.bounds.text`)."""
    user = c.user()
    q = bounds.text(q).strip() if q else ""
    reason = bounds.text(reason).strip() if reason else ""
    if not q and user.can_search_persons:
        return html.Div()
    verdict, hits = people.person_search(c.url, c.scope(), q, reason)
    if not user.can_search_persons:  # recorded as refused above; nothing to show
        raise PermissionError("this role may not search persons")
    if verdict != "ok":
        return html.Div(REFUSED_ZH.get(verdict, "查询被拒绝。"), className="empty", id="person-hint")
    names = area_names(c)
    rows: list[dict[str, Any]] = [
        {
            **h,
            "grid": named(names["grid"], h["grid_code"]),
            "migrant": "流动" if h["is_migrant"] else "户籍",
        }
        for h in hits
    ]
    return html.Div(
        [
            html.P(
                f"共 {len(rows)} 人" + ("（仅显示前 50 人）" if len(rows) >= 50 else ""), id="person-count"
            ),
            table(
                rows,
                COLUMNS,
                "person-table",
                link=lambda r: f"/building/{r['building_code']}",
                empty="未找到",
            ),
        ]
    )


def register(app: dash.Dash, c: AppContext) -> None:
    @app.callback(
        Output("person-results", "children"),
        Input("person-go", "n_clicks"),
        Input("person-q", "n_submit"),
        State("person-q", "value"),
        State("person-reason", "value"),
        prevent_initial_call=True,
    )
    def _search(_clicks, _submits, q, reason):
        return search(c, q, reason)
