"""The route table: which page a path shows (for the period its query names), and the pages that
say a path is none or forbidden.

Paths are matched in order against :data:`ROUTES`; a path no pattern matches, and an area or
building the viewer may not see, get the same not-found page (so a code out of scope is
indistinguishable from one that does not exist). The table also gives the app's validation
layout: the shell plus the data-free skeleton of every page that has callbacks.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable

from dash import dcc, html

from common.codebook import label
from dashboard import alertpanel, bounds, periodbar, supervision
from dashboard.context import CURRENT_USER, AppContext
from dashboard.pages import analysis, audit, drill, mapview, mine, persons, quality, towns, wall
from dashboard.scope import CODE_PATTERN
from dashboard.ui import CARRIED, nav
from dashboard.wall_guard import WALL_PATH, asked

# a page from the app, the path's match and the URL's query (the period, for pages that show one)
Builder = Callable[[AppContext, re.Match[str], str | None], html.Div]


def message_page(title: str, text: str, ident: str) -> html.Div:
    """A page of one message under the top bar."""
    return html.Div([nav(""), html.Div([html.H2(title), html.P(text)], className="page", id=ident)])


def not_found(what: str) -> html.Div:
    """The page for what does not exist or is out of the viewer's scope (the same page for both)."""
    return message_page("未找到", f"{what}不存在，或不在您的查看范围内。", "not-found")


def forbidden(what: str) -> html.Div:
    """The page for a page the viewer's role may not use."""
    return message_page("无权访问", f"您的角色不能使用{what}。", "forbidden")


def bad_period() -> html.Div:
    """The page for a query naming no period that can be shown (a week not over, a future cut-off)."""
    return message_page(
        "无法显示该时段",
        "链接中的周次或截止时间无效（周未结束、截止时间在未来或不在该周内）。请从页面上的周次选择。",
        "bad-period",
    )


def _persons(c: AppContext, _m: re.Match[str], _q: str | None) -> html.Div:
    if c.user().can_search_persons:
        return persons.layout(c)
    c.audit("view_page", {"page": "/persons"}, None, "refused_role")  # a refusal leaves a trace too
    return forbidden("人员查询")


def _audit(c: AppContext, _m: re.Match[str], _q: str | None) -> html.Div:
    if c.user().can_read_audit:
        return audit.layout(c)
    c.audit("view_audit", {"page": "/audit"}, None, "refused_role")
    return forbidden("审计日志")


def _analysis(c: AppContext, _m: re.Match[str], q: str | None) -> html.Div:
    if c.user().can_read_analysis:
        return analysis.layout(c, c.period(q))
    c.audit("view_page", {"page": "/analysis"}, None, "refused_role")
    return forbidden("研判")


def _mine(c: AppContext, _m: re.Match[str], _q: str | None) -> html.Div:
    if c.user().role == "grid_worker":  # a town's or village's grids are no one's street round
        return mine.layout(c)
    return forbidden("我的网格（网格员使用）")


def _area(c: AppContext, m: re.Match[str], q: str | None) -> html.Div:
    level, code = m.group("level"), m.group("code")
    page = drill.area_page(c, c.period(q), level, code)
    # "is None", never "or": a component's truth is its size, counted through its whole tree
    return page if page is not None else not_found(f"{label('area_level', level)} {code} ")


def _building(c: AppContext, m: re.Match[str], _q: str | None) -> html.Div:
    code = m.group("code")
    page = drill.building_page(c, code)
    if page is None:
        # a building out of scope looks like one that does not exist, to the viewer and here alike
        c.audit("view_persons", {"building": code}, 0, "not_found")
        return not_found(f"楼栋 {code} ")
    return page


def _item(c: AppContext, m: re.Match[str], q: str | None) -> html.Div:
    code = m.group("code")
    page = supervision.item_page(c, code, c.period(q))
    return page if page is not None else not_found(f"{label('item_kind', 'grid_event')} {code} ")


CODE = rf"(?P<code>{CODE_PATTERN})"
ROUTES: list[tuple[re.Pattern[str], Builder]] = [
    (re.compile(r"^/?$"), lambda c, _m, q: mapview.layout(c, c.period(q))),
    (WALL_PATH, lambda c, _m, q: wall.layout(c, c.period(q))),
    (re.compile(r"^/quality/*$"), lambda c, _m, q: quality.layout(c, c.period(q))),
    (re.compile(r"^/towns/*$"), lambda c, _m, q: towns.layout(c, c.period(q))),
    (re.compile(r"^/analysis/*$"), _analysis),
    (re.compile(r"^/mine/*$"), _mine),
    (re.compile(r"^/persons/*$"), _persons),
    (re.compile(r"^/audit/*$"), _audit),
    (re.compile(rf"^/(?P<level>station|zone|grid|town|village)/{CODE}/?$"), _area),
    (re.compile(rf"^/building/{CODE}/?$"), _building),
    (re.compile(rf"^/item/{CODE}/?$"), _item),
]


def render(c: AppContext, pathname: str | None, search: str | None = None) -> html.Div:
    """The page for a path and query, built for the current viewer.

    Parameters
    ----------
    c : AppContext
        The app, acting for the signed-in viewer.
    pathname : str or None
        The browser's path (None before the location is known: the map).
    search : str or None
        The URL's query: the period a page shows (none: the last finished week).

    Returns
    -------
    html.Div
        The page; :func:`not_found` for a path no route matches, :func:`bad_period` for a
        query (text of a sane length) naming no period that can be shown, :func:`forbidden` for
        any page but the wall to a wall account.

    Raises
    ------
    dashboard.bounds.OutOfBounds
        For a path that is not text or longer than :data:`dashboard.bounds.MAX_PATH`, a query
        that is not text or longer than :data:`dashboard.bounds.MAX_SEARCH`.
    """
    path = bounds.path(pathname or None)
    search = bounds.text(search, bounds.MAX_SEARCH)
    viewer = CURRENT_USER.get()
    if viewer is not None and viewer.wall_only and not WALL_PATH.fullmatch(path):
        # the login guard refuses this before it gets here (dashboard/wall_guard.py): a second line
        c.audit("view_page", asked(path), None, "refused_role")
        return forbidden("大屏以外的页面（大屏账号）")
    token = CARRIED.set(carried(c, search))
    try:
        for pattern, build in ROUTES:
            m = pattern.fullmatch(path)
            if m:
                try:
                    return build(c, m, search)
                except bounds.OutOfBounds:
                    return bad_period()
        return not_found(f"页面 {path} ")
    finally:
        CARRIED.reset(token)


def carried(c: AppContext, search: str | None) -> str:
    """The query a page's links carry on (:func:`dashboard.periodbar.carried`); "" for a query
    naming no period that can be shown."""
    try:
        return periodbar.carried(c, c.period(search))
    except bounds.OutOfBounds:
        return ""


def shell() -> html.Div:
    """The app's layout: the location and the container every page is rendered into."""
    return html.Div([dcc.Location(id="url"), html.Div(id="page")])


def validation_layout(c: AppContext) -> html.Div:
    """Every component a callback names, without data: the shell and each page's skeleton.

    Pages are rendered into the shell by a callback, so their components are not in the initial
    layout; Dash checks callbacks against this instead (no ``suppress_callback_exceptions``). The
    drill-down, quality and message pages have no callbacks and add nothing. It is sent with every
    page load, so it stays small: no data, no figures.
    """

    def build() -> html.Div:
        # sent to everyone: built as nobody, whoever the caller acts for (no name in the top bar)
        CURRENT_USER.set(None)
        return html.Div(
            [
                shell(),
                periodbar.skeleton(),
                mapview.skeleton(c),
                wall.skeleton(c),
                persons.layout(c),
                audit.skeleton(),
                mine.skeleton(c),
                alertpanel.skeleton(),
                supervision.skeleton(),
            ]
        )

    return contextvars.copy_context().run(build)
