"""The map's hierarchy switch: the choropleth colours the areas of the police hierarchy (派出所 ›
警务区 › 网格) or of the governance one (镇街 › 村社区 › 网格) over the same ground.

Every element counts once at each level of either: in the station and zone of its own attribution
on the police side, in the town and village of its grid on the governance side (a grid lies in one
village of one town; a grid split across police zones needs no share here, as each element carries
the zone it lies in). So the areas of every level add up to the same totals for a window, for a
viewer who sees the whole area. A station chief's governance levels, like their grid level, leave
out their station's elements that lie in a grid attributed to another station (row-level security
hides that grid, and with it its village and town).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from dash import Dash, Input, Output, State, dcc, no_update

from dashboard import bounds
from dashboard.map import govlayers
from dashboard.map.layers import AreaLayer, area_layer
from dashboard.periods import term
from dashboard.queries import indicators
from dashboard.queries.sql import pick, rows
from dashboard.scope import Scope

# each hierarchy: its name on the switch and its levels, top down, (label, level)
HIERARCHIES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "police": ("公安（派出所›警务区›网格）", [("派出所", "station"), ("警务区", "zone"), ("网格", "grid")]),
    "governance": ("治理（镇街›村社区›网格）", [("镇街", "town"), ("村社区", "village"), ("网格", "grid")]),
}
LEVELS = ("station", "zone", "grid", "town", "village")
# the level of the other hierarchy at the same height (a grid is in both)
ACROSS = {"station": "town", "zone": "village", "town": "station", "village": "zone", "grid": "grid"}
NONE = ("无", "none")


def options(hierarchy: str) -> list[dict[str, str]]:
    """The choropleth's level choices under ``hierarchy`` (none first)."""
    _name, levels = HIERARCHIES.get(hierarchy, HIERARCHIES["police"])
    return [{"label": k, "value": v} for k, v in [NONE, *levels]]


def controls() -> list[Any]:
    """The choropleth's controls: the switch (``map-hierarchy``, police first), the level
    (``map-choro-level``, none at first) and the measure (``map-choro-metric``)."""
    return [
        dcc.RadioItems(
            id="map-hierarchy",
            value="police",
            inline=True,
            options=[{"label": name, "value": key} for key, (name, _) in HIERARCHIES.items()],
        ),
        dcc.RadioItems(id="map-choro-level", value="none", inline=True, options=options("police")),
        dcc.RadioItems(
            id="map-choro-metric",
            value="count",
            inline=True,
            options=[
                {"label": k, "value": v}
                for k, v in (("数量", "count"), ("千人比", "rate"), (term("wow"), "wow"))
            ],
        ),
    ]


def metrics(url: str, scope: Scope, level: str, t0: datetime, t1: datetime) -> list[dict[str, Any]]:
    """Per area of ``level`` in scope: incidents in [t0, t1), in the window before, and residents."""
    level = pick(level, LEVELS)
    if level not in govlayers.VIEWS:
        return indicators.area_metrics(url, scope, level, t0, t1)
    view, code = govlayers.VIEWS[level]
    return rows(
        url,
        "indicators_governance_metrics",
        {**scope.params(), "t0": t0, "t1": t1},
        view=view,
        code_column=code,
        scope=scope.where(),
        scope_a=scope.where("a"),
    )


def shapes(url: str, scope: Scope, level: str, zoom: float, crs: str) -> dict[str, Any]:
    """The outlines of ``level`` in scope (properties ``code`` and ``label``)."""
    level = pick(level, LEVELS)
    if level in govlayers.VIEWS:
        return govlayers.gov_layer(url, scope, cast(govlayers.GovLayer, level), None, zoom, crs)
    return area_layer(url, scope, cast(AreaLayer, level), zoom, crs)


def register(app: Dash) -> None:
    """Switching the hierarchy offers its levels and moves a choropleth to the same height of it."""

    @app.callback(
        Output("map-choro-level", "options"),
        Output("map-choro-level", "value", allow_duplicate=True),
        Input("map-hierarchy", "value"),
        State("map-choro-level", "value"),
        prevent_initial_call=True,
    )
    def _switch(hierarchy, level):
        key = bounds.choice(hierarchy, list(HIERARCHIES))
        level = bounds.text(level)
        wanted = [v for _, v in HIERARCHIES[key][1]]
        if level in LEVELS and level not in wanted:
            return options(key), ACROSS[level]
        return options(key), no_update
