"""A wall left running on the default period crosses Monday 00:00 (Beijing) and every part of it
turns to the new week together: the figures, the as-of line and the week its header's picker names
(the picker kept the week the wall was opened on while the figures below it moved on)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import dash
import pytest

from dashboard.context import AppContext
from dashboard.periods import default_period
from tests.support.accounts import signed_in
from tests.support.dash_calls import dash_call, key_of


def picked(body: str) -> Any:
    """The value of the period picker in a callback's answer."""
    found: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == "period-pick":
                found.append(node["props"]["value"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(json.loads(body))
    return found


def test_the_wall_header_names_the_week_its_figures_show_after_monday(
    demo_app: dash.Dash, c: AppContext, accounts: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = signed_in(demo_app, "screen")
    key = key_of(demo_app, "wall-figures.children")
    assert "wall-week.children" in key  # the refresh renews the header's picker with the figures
    for days in (0, 7):  # the Sunday the demo ends on, then a week later: a new default week
        monkeypatch.setattr(c.settings, "as_of", c.settings.as_of + timedelta(days=days))
        status, body = dash_call(screen, demo_app, key, {("wall-refresh", "n_intervals"): days + 1})
        week = default_period(c.now()).week.label()
        assert status == 200 and picked(body) == [f"?week={week}"], (days, picked(body))
