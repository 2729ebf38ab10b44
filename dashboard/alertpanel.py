"""Judging an alert where it is shown: the panel (rule, score, reason, state, history and the verdict
form) on the map, the grid page and the building page, the list of an area's alerts with their
state, and the callbacks that open an alert and record a verdict.

Ids start with ``alert-``. What the browser sends is an alert's number only; the alert is read again
under the viewer's scope (row-level security), and the verdict goes through ``ops.alert_verdict``,
which takes who acts from the signed scope, refuses all but station chiefs and grid workers, and
audits every attempt. The form is offered only to those who may judge; the leadership reads.
"""

from __future__ import annotations

from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from common.codebook import label
from dashboard import bounds, db
from dashboard.context import AppContext
from dashboard.map import layers
from dashboard.map.layers import ALERT_STATE_COLOURS as STATE_COLOURS
from dashboard.pagejson import freeze
from dashboard.queries import elements, verdicts
from dashboard.queries.areas import Area
from dashboard.ui import cell, when

MAX_NOTE = 500
HINT = "点击地图上的预警点，查看规则、评分、原因和核实记录。"
ANSWERS = {
    "ok": "已提交",
    "not_found": "该预警不存在或不在您的辖区",
    "refused_role": "您的角色只能查看预警，不能核实",
    "refused_state": "请选择核实结论",
    "refused_reason": "选择“{false}”时请写明原因（至少4个字）",
}


def badge(state: str | None) -> html.Span:
    """An alert's state as a coloured label."""
    s = state or "open"
    return html.Span(
        label("alert_state", s),
        className=f"alert-state alert-state-{s}",
        style={"backgroundColor": STATE_COLOURS.get(s, STATE_COLOURS["open"])},
    )


def panel(hint: str = HINT) -> html.Div:
    """The panel an opened alert is shown in, with the verdict form (hidden until an alert that the
    viewer may judge is open)."""
    options = [{"label": label("alert_state", s), "value": s} for s in verdicts.STATES]
    return html.Div(
        [
            dcc.Store(id="alert-selected"),
            dcc.Store(id="alert-judged", data=0),
            html.Div(html.Div(hint, className="empty"), id="alert-detail"),
            html.Div(
                [
                    html.Div("核实结论", className="alert-form-label"),
                    dcc.RadioItems(id="alert-verdict-state", options=options, inline=True),
                    dcc.Textarea(
                        id="alert-verdict-note",
                        placeholder=f"说明（“{label('alert_state', 'false')}”须写明原因）",
                        maxLength=MAX_NOTE,
                        className="alert-note",
                    ),
                    html.Button("提交", id="alert-verdict-submit", n_clicks=0, className="alert-submit"),
                    html.Div(id="alert-verdict-result", className="alert-result"),
                ],
                id="alert-verdict-form",
                className="alert-form",
                style={"display": "none"},
            ),
        ],
        id="alert-panel",
        className="alert-panel",
    )


def detail(c: AppContext, alert_id: int) -> tuple[Any, bool]:
    """An alert's rule, score, reason, state and history, and whether the form is offered; a line
    saying it cannot be shown when the viewer's scope holds no such alert."""
    a = verdicts.alert(c.url, c.scope(), alert_id)
    if a is None:
        return html.Div("该预警不存在或不在您的辖区", className="empty"), False
    past = verdicts.history(c.url, c.scope(), alert_id)
    facts: list[tuple[str, Any]] = [
        ("规则", label("alert_kind", a["alert_kind"])),
        ("状态", badge(a["state"])),
        ("评分", "—" if a["score"] is None else f"{float(a['score']):.2f}"),
        ("原因", a["reason"]),
        ("发现时间", when(a["detected_at"])),
    ]
    body: list[Any] = [
        html.Dl([part for k, v in facts for part in (html.Dt(k), html.Dd(v))], className="alert-facts"),
        html.Div("核实记录", className="alert-form-label"),
        html.Ul(
            [
                html.Li(
                    [
                        f"{when(h['decided_at'])} ",
                        badge(h["state"]),
                        f" {h['decided_by_name']}" + (f"：{h['note']}" if h["note"] else ""),
                    ]
                )
                for h in past
            ]
            or [html.Li("尚无核实记录", className="empty")],
            className="alert-history",
        ),
    ]
    if not c.user().can_judge_alerts:
        body.append(html.Div("您的角色只能查看预警。", className="empty"))
    return html.Div(body, id=f"alert-detail-{alert_id}"), c.user().can_judge_alerts


def alert_list(alerts: list[dict[str, Any]]) -> html.Div:
    """An area's alerts: rule, reason, score, state and a button opening each in the panel."""
    if not alerts:
        return html.Div("无", className="empty")
    head = html.Thead(html.Tr([html.Th(h) for h in ("类型", "原因", "评分", "状态", "发现时间", "")]))
    body = [
        html.Tr(
            [
                html.Td(label("alert_kind", a["alert_kind"])),
                cell(a["reason"] or ""),
                html.Td("—" if a["score"] is None else f"{float(a['score']):.2f}"),
                html.Td(badge(a["state"])),
                html.Td(when(a["detected_at"])),
                html.Td(
                    html.Button(
                        "核实",
                        id={"type": "alert-open", "index": a["alert_id"]},
                        n_clicks=0,
                        className="alert-open",
                    )
                ),
            ],
            className=f"alert-row alert-row-{a['state'] or 'open'}",
        )
        for a in alerts
    ]
    return html.Div(html.Table([head, html.Tbody(body)], className="tbl"), className="tbl-wrap")


def _alerts_of(c: AppContext, level: str, code: str) -> list[dict[str, Any]]:
    if level == "building":
        return elements.building_alerts(c.url, c.scope(), code)
    return verdicts.area_alerts(c.url, c.scope(), Area(level, code))


def section(c: AppContext, level: str, code: str) -> html.Div:
    """A grid's or building's alerts with their state, and the panel to open and judge one (the
    same for every viewer of a scope; cached only by the latest verdict's number, so that a verdict
    shows at once)."""
    alerts = _alerts_of(c, level, code)
    open_now = sum(1 for a in alerts if a["state"] in verdicts.OPEN)
    return html.Div(
        [
            html.H3(f"预警（未结 {open_now} / 共 {len(alerts)}）", id="alert-list-title"),
            dcc.Store(id="alert-list-area", data={"level": level, "code": code}),
            html.Div(alert_list(alerts), id="alert-list"),
            panel("点击“核实”查看预警的规则、评分、原因和核实记录。"),
        ],
        id="alert-section",
        className="alert-section",
    )


def frozen_section(c: AppContext, level: str, code: str) -> Any:
    """:func:`section` with its JSON kept, to be cached (:func:`dashboard.pagejson.freeze`): only a
    load (the data's stamp) or a verdict in its area (keyed by their count) changes it."""
    return freeze(html.Div([section(c, level, code)])).children[0]


def skeleton() -> html.Div:
    """The list's components the callbacks name, without data (for the app's validation layout; the
    panel is in the map page's skeleton)."""
    return html.Div(
        [dcc.Store(id="alert-list-area"), html.Div(id="alert-list"), html.H3(id="alert-list-title")]
    )


def alert_number(value: Any) -> int:
    """An alert's number as the browser sends it (a feature's code or a button's index)."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 12:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= bounds.MAX_COUNT:
        raise bounds.OutOfBounds("not an alert")
    return value


def register(app: Dash, c: AppContext) -> None:
    """Wire opening an alert (from the map or a list) and recording a verdict."""

    @app.callback(
        Output("alert-selected", "data", allow_duplicate=True),
        Input("map-alerts", "clickData"),
        prevent_initial_call=True,
    )
    def _pick_on_map(feature):
        code = bounds.feature_code(feature or None)
        return no_update if code is None else alert_number(code)

    @app.callback(
        Output("alert-selected", "data", allow_duplicate=True),
        Input({"type": "alert-open", "index": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def _pick_in_list(clicks):
        if not isinstance(clicks, list) or len(clicks) > 1000 or not isinstance(ctx.triggered_id, dict):
            raise bounds.OutOfBounds("not a list of alerts")
        if not any(bounds.count(n) for n in clicks):
            return no_update
        return alert_number(ctx.triggered_id.get("index"))

    @app.callback(
        Output("alert-detail", "children"),
        Output("alert-verdict-form", "style"),
        Output("alert-verdict-result", "children"),
        Input("alert-selected", "data"),
        prevent_initial_call=True,
    )
    def _show(selected):
        with db.on_primary():  # its state as the viewer (or a colleague) just judged it
            body, judge = detail(c, alert_number(selected))
        return body, {"display": "block" if judge else "none"}, ""

    @app.callback(
        Output("alert-verdict-result", "children", allow_duplicate=True),
        Output("alert-detail", "children", allow_duplicate=True),
        Output("alert-judged", "data"),
        Input("alert-verdict-submit", "n_clicks"),
        State("alert-selected", "data"),
        State("alert-verdict-state", "value"),
        State("alert-verdict-note", "value"),
        State("alert-judged", "data"),
        prevent_initial_call=True,
    )
    def _submit(clicks, selected, state, note, judged):
        if not bounds.count(clicks):
            return no_update, no_update, no_update
        alert_id = alert_number(selected)
        note = bounds.text(note, MAX_NOTE).strip()
        state = bounds.choice(state, verdicts.STATES, default="")
        with db.on_primary():
            return _judge(alert_id, state, note, judged)

    def _judge(alert_id: int, state: str, note: str, judged: Any) -> tuple[Any, Any, Any]:
        a = verdicts.alert(c.url, c.scope(), alert_id)
        # called whatever the viewer may do: the database refuses and audits every attempt
        kind, subject = (a["alert_kind"], a["subject_code"]) if a else ("", "")
        answer = verdicts.judge(c.url, kind, subject, state, note)
        message = ANSWERS.get(answer, answer).format(false=label("alert_state", "false"))
        if answer != "ok":
            return html.Span(message, className="alert-refused"), no_update, no_update
        body, _ = detail(c, alert_id)
        done = f"{message}：{label('alert_state', state)}"
        return html.Span(done, className="alert-done"), body, bounds.count(judged) + 1

    @app.callback(
        Output("alert-list", "children"),
        Output("alert-list-title", "children"),
        Input("alert-judged", "data"),
        State("alert-list-area", "data"),
        prevent_initial_call=True,
    )
    def _relist(_judged, area):
        if not isinstance(area, dict):
            raise bounds.OutOfBounds("not an area")
        level = bounds.choice(area.get("level"), ("grid", "building"))
        with db.on_primary():  # the verdict just given shows
            alerts = _alerts_of(c, level, str(bounds.code(area.get("code"))))
        open_now = sum(1 for a in alerts if a["state"] in verdicts.OPEN)
        return alert_list(alerts), f"预警（未结 {open_now} / 共 {len(alerts)}）"

    @app.callback(
        Output("map-alerts", "data", allow_duplicate=True),
        Input("alert-judged", "data"),
        prevent_initial_call=True,
    )
    def _remark(_judged):
        with db.on_primary():
            return layers.point_layers(c, 11, None, ["alerts"])[0]
