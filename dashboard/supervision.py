"""督办 (supervision) where a carded item is shown: its badge on every list of items, an area's list
of supervisions for a period (station, zone, grid, town, village and county pages call
:func:`supervision_list`), the item's own page (``/item/<number>``, which the wall's red cards and
every list link to) with the forms that open and close one, and their callbacks.

Ids start with ``sup-``. What the browser sends is the item's number and the form's words only; the
write goes through ``ops.supervise`` / ``ops.supervise_close``, which take who acts from the signed
scope, refuse all but the roles allowed (a station chief only inside the scope, a town leader only
in their towns) and audit every attempt. The forms are offered only to those roles; everyone else
(a village officer too: their village answers to its town, which supervises) reads. The callbacks
call the database whoever posts them, so a forged call is refused there and leaves its trace.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from dash import Dash, Input, Output, State, dcc, html, no_update

from common.china import TZ
from common.codebook import label
from dashboard import bounds
from dashboard.context import AppContext
from dashboard.periodbar import carried
from dashboard.periods import Period
from dashboard.queries import areas
from dashboard.queries import supervision as q
from dashboard.queries.areas import Area
from dashboard.reports.supervisions import badge_text
from dashboard.ui import breadcrumb, cell, nav, when

# who may open and close a supervision (ops.supervision_roles says the same and decides)
SUPERVISORS = ("leadership", "station_chief", "town_leader")
MAX_NOTE = 500
MAX_UNIT = 100
ANSWERS = {
    "ok": "已提交",
    "not_found": "该事项不存在或不在您的辖区",
    "refused_role": "您的角色只能查看督办，不能督办",
    "not_carded": "该事项未亮黄牌或红牌（或已办结），不能督办",
    "already_open": "该事项已在督办中",
    "refused_reason": "请写明督办要求或办理结果（至少4个字）",
    "refused_unit": "请填写责任单位",
    "refused_deadline": "请选择办结期限",
}


def state_of(s: dict[str, Any]) -> str:
    """A supervision's state as shown: overdue (open past its deadline) is derived, never stored."""
    return "overdue" if s.get("overdue") else str(s["state"])


def badge(s: dict[str, Any] | None) -> html.Span | str:
    """The 督办 badge an item carries: open with its deadline, overdue (red) once that has passed,
    or closed; "" for an item never supervised."""
    if not s:
        return ""
    text = badge_text(s)
    state = state_of(s)
    return html.Span(text, className=f"sup-badge sup-{state}", title=text)


def supervision_list(ctx: AppContext, area_kind: str, code: str, period: Period) -> html.Div:
    """An area's supervisions for ``period``: how many were opened, overdue at its end and closed in
    it, and the list (every one open now too), overdue first, each linking to its item.

    Parameters
    ----------
    ctx : AppContext
        The app, acting for the signed-in viewer.
    area_kind : str
        ``station``, ``zone``, ``grid``, ``town``, ``village`` or ``county`` (the whole scope).
    code : str
        The area's code (ignored for ``county``).
    period : Period
        The page's period.
    """
    kind = bounds.choice(area_kind, q.AREA_KINDS)
    found = q.area_list(ctx.url, ctx.scope(), kind, None if kind == "county" else code, period)
    opened = sum(1 for s in found if s["opened_in"])
    overdue = sum(1 for s in found if s["overdue_at"])
    closed = sum(1 for s in found if s["closed_in"])
    now_open = sum(1 for s in found if s["state"] == "open")
    link = carried(ctx, period)
    late = label("supervision_state", "overdue")
    new, done = label("supervision_week", "opened"), label("supervision_week", "closed")  # as the reports
    title = f"督办（{new} {opened} · {late} {overdue} · {done} {closed} · 当前在督 {now_open}）"
    files = html.Div(
        [
            html.Span("导出辖区全部督办（含事项编号）："),
            html.A(
                "CSV", href=f"/download/supervisions.csv{link}", className="download", id="supervision-csv"
            ),
            html.Span(" · "),
            html.A(
                "XLSX", href=f"/download/supervisions.xlsx{link}", className="download", id="supervision-xlsx"
            ),
        ],
        className="downloads",
    )
    if not found:
        return html.Div([html.H3(title), files, html.Div("无", className="empty")], id="supervision-list")
    head = html.Thead(
        html.Tr(
            [html.Th(h) for h in ("事项编号", "事项", "牌", "责任单位", "期限", "状态", "督办人", "结果")]
        )
    )
    body = [
        html.Tr(
            [
                html.Td(dcc.Link(s["item_no"], href=f"/item/{s['item_no']}{link}")),
                cell(s["what"] or ""),
                html.Td(label("card", s["card"])),
                cell(s["unit"] or ""),
                html.Td(f"{s['deadline']:%Y-%m-%d}"),
                html.Td(badge(s)),
                html.Td(f"{s['opened_by_name']} {when(s['opened_at'])}"),
                html.Td(outcome(s)),
            ],
            className=f"sup-row sup-row-{state_of(s)}",
        )
        for s in found
    ]
    return html.Div(
        [
            html.H3(title),
            html.Div(html.Table([head, html.Tbody(body)], className="tbl"), className="tbl-wrap"),
        ],
        id="supervision-list",
    )


def outcome(s: dict[str, Any]) -> str:
    """How a closed supervision ended: by hand with its result, or with its item."""
    if s["state"] != "closed":
        return ""
    reason = label("closed_reason", s["closed_reason"])
    return f"{reason}：{s['result']}" if s.get("result") else reason


def step(h: dict[str, Any]) -> str:
    """One step of a supervision as its history reads: who opened it (asking what of whom, by
    when), who closed it with what result, or that the item's closing in a delivery closed it."""
    if h["action"] == "open":
        return (
            f"{h['done_by_name']} 督办：{h['detail']}（责任单位 {h['unit']}，期限 {h['deadline']:%Y-%m-%d}）"
        )
    if h["action"] == "close":
        return f"{h['done_by_name']} 办结督办：{h['detail']}"
    return f"{label('closed_reason', 'item_closed')}（事项办结于 {h['detail']}）"


def detail(c: AppContext, item_no: str) -> html.Div:
    """An item's supervisions and their steps, newest first, and its badge now."""
    steps = q.history(c.url, c.scope(), item_no)
    current = q.of_items(c.url, c.scope(), [item_no]).get(item_no)
    lines = [html.Li(f"{when(h['done_at'])} {step(h)}") for h in steps]
    return html.Div(
        [
            html.Div(["督办状态：", badge(current) or "未督办"], id="sup-state"),
            html.Ul(lines or [html.Li("尚无督办记录", className="empty")], className="sup-history"),
        ]
    )


def forms(open_now: bool, carded: bool) -> html.Div:
    """The forms a supervisor uses: open (when the item is carded and not yet supervised) and
    close by hand (when it is); both rendered, the one not in use hidden."""
    days = [{"label": f"{d}天", "value": d} for d in q.DEADLINE_DAYS]
    return html.Div(
        [
            html.Div(
                [
                    html.Div("督办要求", className="alert-form-label"),
                    dcc.Textarea(id="sup-note", maxLength=MAX_NOTE, className="alert-note"),
                    html.Div("责任单位", className="alert-form-label"),
                    dcc.Input(id="sup-unit", maxLength=MAX_UNIT, type="text"),
                    html.Div("办结期限", className="alert-form-label"),
                    dcc.RadioItems(id="sup-days", options=days, value=7, inline=True),
                    html.Button("督办", id="sup-open", n_clicks=0, className="alert-submit"),
                ],
                id="sup-open-form",
                style={"display": "block" if carded and not open_now else "none"},
            ),
            html.Div(
                [
                    html.Div("办理结果", className="alert-form-label"),
                    dcc.Textarea(id="sup-result-text", maxLength=MAX_NOTE, className="alert-note"),
                    html.Button("办结督办", id="sup-close", n_clicks=0, className="alert-submit"),
                ],
                id="sup-close-form",
                style={"display": "block" if open_now else "none"},
            ),
            html.Div(id="sup-answer", className="alert-result"),
        ],
        className="alert-form",
    )


def item_page(c: AppContext, item_no: str, period: Period) -> html.Div | None:
    """A carded item's page: what, where, since when, its card now, its supervisions, and the forms
    for the roles that supervise; None when the viewer may see no such item."""
    it = q.item(c.url, c.scope(), item_no)
    if it is None:
        return None
    link = carried(c, period)
    trail: list[tuple[str, str | None]] = [("全域", f"/{link}")]
    for level in ("station", "grid"):
        code = it[f"{level}_code"]
        named = areas.area_name(c.url, c.scope(), Area(level, code)) if code else None
        if named:
            trail.append((named["name"], f"/{level}/{code}{link}"))
    trail.append((f"{label('item_kind', 'grid_event')} {item_no}", None))
    facts = [
        ("事项", it["what"]),
        ("登记时间", when(it["registered_at"])),
        ("办结时限", when(it["due_at"])),
        ("督办牌", label("card", it["card"]) if it["card"] else "—"),
        ("状态", label("event_status", it["status"])),
        ("处置部门", it["handling_dept"] or ""),
    ]
    current = q.of_items(c.url, c.scope(), [item_no]).get(item_no)
    open_now = bool(current and current["state"] == "open")
    may = c.user().role in SUPERVISORS
    return html.Div(
        [
            nav(""),
            html.Div(
                [
                    breadcrumb(trail, "item-breadcrumb"),
                    html.H2(f"{it['what']}（{item_no}）", id="item-title"),
                    html.Dl([p for k, v in facts for p in (html.Dt(k), html.Dd(v))], className="alert-facts"),
                    dcc.Store(id="sup-item", data=item_no),
                    html.H3("督办"),
                    html.Div(detail(c, item_no), id="sup-detail"),
                    forms(open_now, it["card"] is not None)
                    if may
                    else html.Div("您的角色只能查看督办。", className="empty"),
                ],
                className="page",
            ),
        ]
    )


def skeleton() -> html.Div:
    """The item page's components the callbacks name, without data (for the validation layout)."""
    return html.Div([dcc.Store(id="sup-item"), html.Div(id="sup-detail"), forms(False, False)])


def deadline_in(days: Any) -> datetime:
    """The deadline ``days`` (one of the offered choices) from today, Beijing time."""
    n = int(bounds.choice(str(days), [str(d) for d in q.DEADLINE_DAYS]))
    return datetime.now(TZ) + timedelta(days=n)


def register(app: Dash, c: AppContext) -> None:
    """Wire opening and closing a supervision on an item's page."""

    def _answer(answer: str, item_no: str) -> tuple[Any, Any, Any, Any]:
        message = ANSWERS.get(answer, answer)
        if answer != "ok":
            return html.Span(message, className="alert-refused"), no_update, no_update, no_update
        current = q.of_items(c.url, c.scope(), [item_no]).get(item_no)
        open_now = bool(current and current["state"] == "open")
        return (
            html.Span(message, className="alert-done"),
            detail(c, item_no),
            {"display": "none"},
            {"display": "block" if open_now else "none"},
        )

    @app.callback(
        Output("sup-answer", "children"),
        Output("sup-detail", "children"),
        Output("sup-open-form", "style"),
        Output("sup-close-form", "style"),
        Input("sup-open", "n_clicks"),
        State("sup-item", "data"),
        State("sup-note", "value"),
        State("sup-unit", "value"),
        State("sup-days", "value"),
        prevent_initial_call=True,
    )
    def _open(clicks, item, note, unit, days):
        if not bounds.count(clicks):
            return no_update, no_update, no_update, no_update
        item_no = str(bounds.code(item))
        # called whatever the viewer may do: the database refuses and audits every attempt
        answer = q.supervise(
            c.url,
            item_no,
            bounds.text(note, MAX_NOTE).strip(),
            bounds.text(unit, MAX_UNIT).strip(),
            deadline_in(days).date(),
        )
        return _answer(answer, item_no)

    @app.callback(
        Output("sup-answer", "children", allow_duplicate=True),
        Output("sup-detail", "children", allow_duplicate=True),
        Output("sup-open-form", "style", allow_duplicate=True),
        Output("sup-close-form", "style", allow_duplicate=True),
        Input("sup-close", "n_clicks"),
        State("sup-item", "data"),
        State("sup-result-text", "value"),
        prevent_initial_call=True,
    )
    def _close(clicks, item, result):
        if not bounds.count(clicks):
            return no_update, no_update, no_update, no_update
        item_no = str(bounds.code(item))
        return _answer(q.close(c.url, item_no, bounds.text(result, MAX_NOTE).strip()), item_no)
