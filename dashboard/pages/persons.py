"""Person search ``/persons`` (leadership and station chiefs): by ID number, mobile or name, inside
the viewer's scope, masked, and every search audited."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from common.codebook import label
from dashboard import bounds
from dashboard.context import AppContext
from dashboard.queries import people
from dashboard.ui import nav, table

COLUMNS = [
    ("building_code", "楼栋"),
    ("name", "姓名"),
    ("id_number", "身份证号"),
    ("phone", "电话"),
    ("gender", "性别"),
    ("age", "年龄"),
    ("migrant", "类别"),
    ("status_zh", "居住状态"),
    ("unit_code", "房屋"),
    ("grid_code", "网格"),
]


def layout(c: AppContext) -> html.Div:
    return html.Div(
        [
            nav("/persons"),
            html.Div(
                [
                    html.H2("人员查询"),
                    html.P(
                        "按身份证号、手机号或姓名查询本辖区内的实有人口。结果脱敏显示；每次查询均记入审计日志。",
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


def search(c: AppContext, q: Any) -> html.Div:
    """The results of one search (audited with the query masked, and how many came back); a
    query that is not a short text is OutOfBounds (see :func:`dashboard.bounds.text`)."""
    user = c.user()
    if not user.can_search_persons:
        raise PermissionError("this role may not search persons")
    q = bounds.text(q).strip()
    if not q:
        return html.Div()
    kind = people.person_query_kind(q)
    if kind is None:
        return html.Div(
            "请输入完整的 18 位身份证号、11 位手机号，或至少两个字的姓名。",
            className="empty",
            id="person-hint",
        )
    hits = people.person_search(c.url, c.scope(), q)
    c.audit("search_persons", {"by": kind, "query": masked_query(kind, q)}, len(hits))
    rows: list[dict[str, Any]] = [
        {
            **h,
            "migrant": "流动" if h["is_migrant"] else "户籍",
            "status_zh": label("residence_status", h["residence_status"]),
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


def masked_query(kind: str, q: str) -> str:
    """What the audit keeps of a query: enough to recognise it, not the number itself."""
    if kind == "id_number":
        return q[:3] + "*" * 11 + q[-4:]
    if kind == "phone":
        return q[:3] + "****" + q[-4:]
    return q[0] + "*" * (len(q) - 1)


def register(app: dash.Dash, c: AppContext) -> None:
    @app.callback(
        Output("person-results", "children"),
        Input("person-go", "n_clicks"),
        Input("person-q", "n_submit"),
        State("person-q", "value"),
        prevent_initial_call=True,
    )
    def _search(_clicks, _submits, q):
        return search(c, q)
