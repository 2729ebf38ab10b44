"""The map's search reads at most its first SEARCH_CHARS characters: a pasted page or a forged call
of thousands of characters made a pattern of every pair of its characters, each tried on every
place in scope (a 200-character text took seconds of the database on the demo, 2,000 ran into the
statement's time limit). The hits are those of the text's beginning."""

from __future__ import annotations

import random
from typing import Any

import pytest

from dashboard.context import AppContext
from dashboard.queries import elements

pytestmark = pytest.mark.db


def test_a_long_search_text_is_read_to_its_first_characters(
    c: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[dict[str, Any]] = []
    real = elements.rows

    def spy(url: str, name: str, params: dict[str, Any], **kw: Any) -> Any:
        sent.append(params)
        return real(url, name, params, **kw)

    monkeypatch.setattr(elements, "rows", spy)
    rng = random.Random(7)
    head = "广东省广州市增城区新塘镇太平路416号1栋"  # a place of the demo, whole
    tail = "".join(rng.choice("荔城街道太平路新塘镇朱村西山社区第网格号栋") for _ in range(5000))
    long = head + tail
    hits = elements.search(c.url, c.scope(), long, limit=10)
    assert all(len(p.get("pairs", [])) < elements.SEARCH_CHARS for p in sent), [len(p["pairs"]) for p in sent]
    assert hits == elements.search(c.url, c.scope(), long[: elements.SEARCH_CHARS], limit=10)
    assert hits, "the beginning, a whole address, finds its place"
