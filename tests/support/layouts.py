"""Reading a rendered Dash layout as a test does: a component by id, its links, its text."""

from __future__ import annotations

from typing import Any


def find(component: Any, ident: str) -> Any:
    """The component with this id anywhere in a layout."""
    if getattr(component, "id", None) == ident:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, (str, int, float)):
            hit = find(child, ident)
            if hit is not None:
                return hit
    return None


def hrefs(component: Any) -> list[str]:
    """Every link target inside a component, in order."""
    out = [component.href] if getattr(component, "href", None) else []
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, (str, int, float)):
            out.extend(hrefs(child))
    return out


def text_of(component: Any) -> str:
    """All the text of a layout, depth first."""
    if isinstance(component, (str, int, float)):
        return str(component)
    children = getattr(component, "children", None)
    parts = children if isinstance(children, list) else [children]
    return " ".join(text_of(ch) for ch in parts if ch is not None)
