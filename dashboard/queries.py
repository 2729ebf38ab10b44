"""Queries of the serve schema used by the pages (SQL kept with its purpose)."""

from __future__ import annotations

from dashboard.db import fetch_all

ELEMENT_COUNTS = "select element, name_zh, n from serve.element_counts order by element"


def element_counts(url: str) -> list[dict[str, object]]:
    """One row per kind of base element with its count."""
    return fetch_all(url, ELEMENT_COUNTS)
