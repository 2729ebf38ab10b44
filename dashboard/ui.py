"""Small building blocks of the pages: figures, changes, tables, breadcrumbs (pure: no I/O)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from dash import dcc, html
from dash.development.base_component import Component
from flask import g, has_request_context

from common import codebook
from common.china import TZ
from common.codebook import EnumName
from dashboard.periods import term

# The query naming the period of the page being rendered (``?week=…``; "" for the default period),
# set by the router for the page it renders: links to other pages carry it on, so moving between
# pages never changes the period shown.
CARRIED: ContextVar[str] = ContextVar("onemap_carried_period", default="")

# A table column: (key, heading), or (key, heading, enum) for a coded value shown by its label
Column = tuple[str, str] | tuple[str, str, EnumName]


def num(v: Any) -> str:
    return "—" if v is None else f"{v:,}"


def pct(v: float | None, digits: int = 1) -> str:
    return "—" if v is None else f"{v * 100:.{digits}f}%"


def signed_pct(v: float | None) -> str:
    """A relative change as text: +12.5%, −, or — when there is nothing to compare with."""
    return "—" if v is None else f"{v * 100:+.1f}%"


def change_text(v: float | None, label: str) -> html.Span:
    """A change (week on week, year on year) with an arrow; more incidents is bad (red), fewer is
    good (green)."""
    if v is None:
        return html.Span(f"{label} —", className="chg none", title="无可比数据")
    arrow = "▲" if v > 0 else ("▼" if v < 0 else "＝")
    cls = "up" if v > 0 else ("down" if v < 0 else "flat")
    return html.Span(f"{label} {arrow}{abs(v) * 100:.1f}%", className=f"chg {cls}")


def changes(k: Mapping[str, Any]) -> list[Any]:
    """The incidents' changes week on week and year on year of ``k`` (``queries.indicators.Kpis``)
    as cards, the wall and its panels show them: two changes with a space between (so read as text
    they stay two words)."""
    return [change_text(k["incidents_wow"], term("wow")), " ", change_text(k["incidents_yoy"], term("yoy"))]


def kpi(label: str, value: str, ident: str, *extra: Any) -> html.Div:
    return html.Div(
        [html.Div(label, className="kpi-label"), html.Div(value, className="kpi-value"), *extra],
        className="kpi",
        id=ident,
    )


def when(v: datetime | None) -> str:
    return "" if v is None else v.astimezone(TZ).strftime("%Y-%m-%d %H:%M")


def named(names: Mapping[str, str], code: str | None) -> str:
    """An area's code as a person reads it: its name beside it (白石社区·第6网格（440118001001001）),
    the code alone when the name is unknown, "" for no code."""
    if code is None:
        return ""
    name = names.get(code)
    return f"{name}（{code}）" if name else code


# characters of a delivered text (a name, a title) a heading shows; a table cell or crumb shows about
# as many (cut by the page's style), each with the whole text in its tooltip
LONG = 40
# the rows a page's list of grids shows at most (ui.table's ``limit``), and where the others are
LONG_LIST = 100
ELSEWHERE = "；其余的在地图上，或用搜索查找"


def short(text: str, n: int = LONG) -> str:
    """``text`` cut to ``n`` characters with an ellipsis: a heading of a name hundreds of characters
    long stays a heading."""
    return text if len(text) <= n else text[: n - 1] + "…"


def heading(name: str, code: str) -> html.H2:
    """An area's or building's page heading, its name (cut when long, whole in the tooltip) and code."""
    return html.H2(f"{short(name)}（{code}）", id="drill-area-title", title=name)


def cell(text: str, href: str | None = None) -> html.Td:
    """A table cell of ``text`` (a link to ``href``): a long one cut by the page's style (a table
    cell itself cannot be held to a width), the whole of it in the cell's tooltip."""
    if len(text) <= LONG:
        return html.Td(dcc.Link(text, href=href) if href else text)
    shown = dcc.Link(text, href=href, className="long") if href else html.Span(text, className="long")
    return html.Td(shown, title=text)


def table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    ident: str,
    link: Callable[[dict[str, Any]], str | None] | None = None,
    empty: str = "无",
    links: Mapping[str, Callable[[dict[str, Any]], str | None]] | None = None,
    limit: int | None = None,
    rest: str = "",
) -> html.Div:
    """A plain table; ``link(row)`` makes the first cell a link, ``links[column](row)`` that
    column's cells. A column naming an enum shows its cells' labels (the one place a page table
    turns a stored code into words); a cell that is a component (a badge the page made) is shown
    as it is.

    ``limit``: at most that many rows, the first, and under them how many there are and ``rest``
    (where the others are found). A page's row costs about 90 bytes of its answer a cell: a
    town's 801 grids ranked in 9 columns were 717 kB of a 1.5 MB answer, for a list no one reads
    to its end on a screen."""
    if not rows:
        return html.Div(empty, className="empty", id=ident)
    shown = rows if limit is None else rows[:limit]
    head = html.Thead(html.Tr([html.Th(col[1]) for col in columns]))
    body = []
    for r in shown:
        cells = []
        for i, col in enumerate(columns):
            value = r.get(col[0])
            if len(col) == 3 and value is not None:
                value = codebook.label(col[2], str(value))
            if isinstance(value, Component):  # a badge a page made: shown as it is
                cells.append(html.Td(value))
                continue
            text = when(value) if isinstance(value, datetime) else ("" if value is None else str(value))
            href = link(r) if (link and i == 0) else None
            if links and col[0] in links and value is not None:
                href = links[col[0]](r)
            cells.append(cell(text, href))
        body.append(html.Tr(cells))
    tbl = html.Table([head, html.Tbody(body)], className="tbl")
    if len(shown) == len(rows):
        return html.Div(tbl, id=ident, className="tbl-wrap")
    note = html.P(f"共 {len(rows):,} 项，此处列出前 {len(shown):,} 项{rest}", className="tbl-more")
    return html.Div([tbl, note], id=ident, className="tbl-wrap")


def breadcrumb(trail: Sequence[tuple[str, str | None]], ident: str) -> html.Nav:
    """``trail`` of (label, href); the last is the current page. ``ident``: the page's id for it."""
    parts: list[Any] = []
    for i, (label, href) in enumerate(trail):
        if i:
            parts.append(html.Span(" › ", className="sep"))
        title = label if len(label) > LONG else None  # cut by the page's style, whole in its tooltip
        if href and i < len(trail) - 1:
            parts.append(dcc.Link(label, href=href, title=title))
        else:
            parts.append(html.Span(label, title=title))
    return html.Nav(parts, className="breadcrumb", id=ident)


def logout_form() -> html.Form:
    """退出 as a POST with the session's CSRF token (the login guard puts it on ``flask.g``)."""
    token = g.get("onemap_logout_token", "") if has_request_context() else ""
    return html.Form(
        [
            dcc.Input(type="hidden", name="csrf", value=token),
            html.Button("退出", type="submit", className="nav-link nav-logout", id="nav-logout"),
        ],
        method="post",
        action="/logout",
        className="nav-logout-form",
    )


def carry(path: str) -> str:
    """A link to ``path`` on the period of the page rendered (:data:`CARRIED`)."""
    return path + CARRIED.get()


def nav(active: str) -> html.Header:
    """The top bar: pages the signed-in user may open (each on the period shown), who they are,
    and 退出."""
    from dashboard.context import CURRENT_USER  # (the context imports this module's neighbours)

    user = CURRENT_USER.get()
    links = [("/", "一张图"), ("/towns", "镇街"), ("/wall", "大屏"), ("/quality", "数据质量")]
    if user is not None and user.role == "grid_worker":  # a grid worker's own page, first
        links.insert(0, ("/mine", "我的网格"))
    if user is not None and user.can_read_analysis:
        links.append(("/analysis", "研判"))
    if user is not None and user.can_search_persons:
        links.append(("/persons", "人员查询"))
    if user is not None and user.can_read_audit:
        links.append(("/audit", "审计日志"))
    who = (
        [
            html.Span(f"{user.display_name}（{user.role_zh}）", className="nav-user", id="nav-user"),
            logout_form(),
        ]
        if user is not None
        else []
    )
    return html.Header(
        [
            html.Span("警网融合一张图", className="brand"),
            *[
                dcc.Link(t, href=carry(h), className="nav-link" + (" active" if h == active else ""))
                for h, t in links
            ],
            html.Span(className="nav-gap"),
            *who,
        ],
        className="topbar",
    )
