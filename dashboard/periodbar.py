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
from dashboard.periods import Period, data_as_of_zh, default_period, term
from dashboard.queries import operations

PICK_WEEKS = 26  # whole weeks offered, the last finished one first


def search_of(period: Period) -> str:
    """The URL query naming ``period`` (``?week=2026-W47`` or ``?week=…&to=…``)."""
    return "?" + urlencode(period.query())


def carried(c: AppContext, period: Period) -> str:
    """The query a link to another page carries so it opens on ``period``: ``period``'s own, or
    none for the default period (so it follows the default on, as a wall left running must)."""
    return "" if period == default_period(c.now()) else search_of(period)


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
        return f"{term('so_far')}（{p.span_zh()}）"
    return p.label_zh()


def picker(c: AppContext, period: Period) -> dcc.Dropdown:
    """The week picker set to ``period`` (the bar's, and the wall's in its header)."""
    return dcc.Dropdown(
        id="period-pick",
        options=options(c.now(), period),
        value=search_of(period),
        clearable=False,
        searchable=False,
        className="period-pick",
    )


def as_of_text(c: AppContext, period: Period) -> str:
    """The data's as-of line for ``period``, the same on every page and the wall
    (:func:`dashboard.periods.data_as_of`)."""
    return data_as_of_zh(c.cached(("data-as-of",), lambda: operations.data_as_of(c.url)), period)


def bar(c: AppContext, period: Period) -> html.Div:
    """The picker set to ``period``, the period in words with its comparison windows, and 数据截至."""
    return html.Div(
        [
            picker(c, period),
            html.Span(period.label_zh(), className="period-label", id="period-label"),
            html.Span(period.comparison_zh(), className="period-compare", id="period-compare"),
            html.Span(as_of_text(c, period), className="period-as-of", id="period-as-of"),
        ],
        className="period-bar",
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
