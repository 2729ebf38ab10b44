"""The period bar every page carries: the week picker, the period shown and what it is compared
with, and when the data was last loaded.

Picking a period writes it into the URL's query (``?week=2026-W47``, ``&to=…`` for a week so far);
the router renders the page from the URL, so a reload or a shared link shows the same period.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from dash import Dash, Input, Output, State, dcc, html, no_update

from dashboard import bounds
from dashboard.context import AppContext
from dashboard.periods import Period, default_period
from dashboard.queries import operations
from dashboard.ui import when

PICK_WEEKS = 26  # whole weeks offered, the last finished one first


def search_of(period: Period) -> str:
    """The URL query naming ``period`` (``?week=2026-W47`` or ``?week=…&to=…``)."""
    return "?" + urlencode(period.query())


def options(now: datetime, chosen: Period) -> list[dict[str, str]]:
    """The picker's choices at ``now``: this week so far (after its first day), the last
    :data:`PICK_WEEKS` whole weeks, and ``chosen`` wherever it lies (a shared link's period)."""
    last = default_period(now)
    periods = [last.shift(-k) for k in range(PICK_WEEKS)]
    current = Period.so_far(now)
    if current is not None:
        periods.insert(0, current)
    if chosen not in periods:
        periods.append(chosen)
    return [{"label": _choice(p, current), "value": search_of(p)} for p in periods]


def _choice(p: Period, current: Period | None) -> str:
    if p == current:
        return f"本周至今（{p.span_zh()}）"
    return p.label_zh()


def bar(c: AppContext, period: Period, dark: bool = False) -> html.Div:
    """The picker set to ``period``, the period in words with its comparison windows, and 数据截至."""
    loaded = c.cached(("data-as-of",), lambda: operations.data_as_of(c.url))
    return html.Div(
        [
            dcc.Dropdown(
                id="period-pick",
                options=options(c.now(), period),
                value=search_of(period),
                clearable=False,
                searchable=False,
                className="period-pick",
            ),
            html.Span(period.label_zh(), className="period-label", id="period-label"),
            html.Span(period.comparison_zh(), className="period-compare", id="period-compare"),
            html.Span(
                f"数据截至 {when(loaded)}" if loaded else "数据截至 —（尚无加载）",
                className="period-as-of",
                id="period-as-of",
            ),
        ],
        className="period-bar dark" if dark else "period-bar",
        id="period-bar",
    )


def skeleton() -> html.Div:
    """The picker without data: its part of the app's validation layout."""
    return html.Div(dcc.Dropdown(id="period-pick", options=[]), id="period-bar")


def register(app: Dash, c: AppContext) -> None:
    """Picking a period changes the URL's query (and so the page, through the router)."""

    @app.callback(
        Output("url", "search"),
        Input("period-pick", "value"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def _pick(value: Any, search: Any) -> Any:
        picked = c.period(bounds.text(value, bounds.MAX_SEARCH))
        # the picker reports its value as it appears too: the period shown already changes nothing
        # (and the URL of the default period stays without a query)
        if picked == c.period(search):
            return no_update
        return search_of(picked)
