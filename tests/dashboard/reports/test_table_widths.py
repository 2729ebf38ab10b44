"""Every table of the printed reports states its columns' widths, one per column, adding up to 100 %.

The stylesheet lays tables out with fixed widths (typesetting a big station no longer measures
every cell first), so a table without its own widths would print equal columns.
"""

from __future__ import annotations

import re

import pytest

from dashboard.reports.pdf import TEMPLATES, columns

TABLE = re.compile(r"<table\b[^>]*>(.*?)</table>", re.S)
WIDTHS = re.compile(r"^\{\{ cols\(([^)]*)\) \}\}<thead><tr>(.*?)</tr></thead>", re.S)


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_every_table_has_a_width_for_each_column_and_a_repeated_header(template: str) -> None:
    source = (TEMPLATES / template).read_text(encoding="utf-8")
    for table in TABLE.findall(source):
        found = WIDTHS.match(table)
        assert found, f"{template}: a table without cols(...) and a <thead> first: {table[:120]}"
        widths = [float(w) for w in found.group(1).split(",")]
        assert len(widths) == found.group(2).count("<th"), (template, found.group(2)[:200])
        assert abs(sum(widths) - 100) < 0.01, (template, widths)


def test_column_widths_must_add_up() -> None:
    assert str(columns(60, 40)) == '<colgroup><col style="width: 60%"><col style="width: 40%"></colgroup>'
    with pytest.raises(ValueError, match="not 100"):
        columns(60, 30)
