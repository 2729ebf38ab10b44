"""The map's time controls beside heat and choropleth: the range of days, which names the days
counted whatever window is chosen, and the week-by-week playback.

While the period or four weeks is chosen, the range of days shows that window's first and last
day (the played-back week's when the playback has stepped back), so the page never names days it
does not count; a custom range is the viewer's own and is left as it is.
"""

from __future__ import annotations

from dash import Dash, Input, Output, State, no_update

from dashboard import bounds
from dashboard.context import AppContext
from dashboard.map import framing
from dashboard.map.framing import PLAYBACK_WEEKS


def register(app: Dash, c: AppContext) -> None:
    """Wire the range of days to the window and the playback's button and ticks."""

    @app.callback(
        Output("map-heat-range", "start_date", allow_duplicate=True),
        Output("map-heat-range", "end_date", allow_duplicate=True),
        Input("map-heat-window", "value"),
        Input("map-week-offset", "value"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def _range(mode, offset, search):
        if bounds.choice(mode, framing.WINDOW_MODES, default="week") == "custom":
            return no_update, no_update
        return framing.window_days(c.period(search), mode, offset)

    @app.callback(
        Output("map-play-tick", "disabled"),
        Output("map-play", "children"),
        Input("map-play", "n_clicks"),
        prevent_initial_call=True,
    )
    def _play(n):
        playing = bool(n and n % 2 == 1)
        # ‖, not U+23F8 (pause): no CJK font has that one, and it showed as an empty box
        return not playing, "‖ 暂停" if playing else "▶ 逐周回放"

    @app.callback(
        Output("map-week-offset", "value"),
        Input("map-play-tick", "n_intervals"),
        State("map-week-offset", "value"),
        prevent_initial_call=True,
    )
    def _tick(_n, offset):
        offset = bounds.offset(offset, PLAYBACK_WEEKS)
        return -(PLAYBACK_WEEKS - 1) if offset >= 0 else offset + 1
