"""The route table's promises: callbacks that Dash can check without suppressing its checks, and
pages that do not lean on each other."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import dash
import pytest

from tests.support.dash_calls import outputs_of

pytestmark = pytest.mark.db

PAGES = Path(__file__).resolve().parents[2] / "dashboard" / "pages"


def test_every_callback_names_components_of_the_validation_layout(demo_app: dash.Dash) -> None:
    """What the browser checks each callback against (suppress_callback_exceptions is off): every
    id it names is in the validation layout, on a component that has that property."""
    assert not demo_app.config.suppress_callback_exceptions
    layout = demo_app.validation_layout
    assert layout is not None
    known = set(layout)  # a component iterates over the ids in its tree
    for key, spec in demo_app.callback_map.items():
        named = [*outputs_of(key), *spec["inputs"], *spec.get("state", [])]
        for dep in named:
            if dep["id"].startswith("{"):
                continue  # pattern-matching: Dash checks the instances present (there may be none)
            assert dep["id"] in known, (key, dep["id"])
            prop = dep["property"].split("@")[0]  # allow_duplicate outputs carry a suffix
            assert prop in layout[dep["id"]].available_properties, (key, dep)


def test_the_validation_layout_carries_no_data(demo_app: dash.Dash) -> None:
    """It is sent with every page load: skeletons only, nobody's name, no features, no images."""
    text = json.dumps(demo_app.validation_layout.to_plotly_json(), default=str, ensure_ascii=False)
    assert len(text) < 24_000  # the skeletons of 14 pages (town, item, analysis and 督办 forms among them)
    assert "nav-user" not in text
    assert '"Feature"' not in text and "data:image" not in text


def test_no_page_imports_another_page() -> None:
    """Pages share through dashboard.map, dashboard.ui and the queries, never through each other."""
    for path in PAGES.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            f"{node.module}.{alias.name}" if node.module else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        } | {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        assert not [m for m in imported if m.startswith("dashboard.pages")], path.name
