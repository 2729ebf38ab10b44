"""Field checks on chunks that real files produce (found loading the city scale)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
import shapely

from etl.contract import KINDS
from etl.validate import Context, Repairs, _check_field
from etl.verdict import Verdict


@pytest.mark.parametrize(
    "values",
    [["", "", ""], ["2024-05-01", "", "2099-01-01"]],
    ids=["a chunk with no date at all", "some dates, one in the future"],
)
def test_date_field_with_empty_chunks(values: list[str]) -> None:
    field = next(f for f in KINDS["person"].fields if f.type == "date" and not f.required)
    ctx = Context(district=shapely.box(0, 0, 1, 1), now=pd.Timestamp("2026-11-22 12:00", tz="Asia/Shanghai"))
    v = Verdict(len(values))
    out = _check_field(field, pd.Series(values, dtype="str"), v, ctx, {})
    assert list(out) == [date.fromisoformat(x) if x else None for x in values]  # parsed; the verdict rejects
    assert list(v.reason) == [("future_date" if x.startswith("2099") else None) for x in values]


# a code is shown as it is (links, tooltips, tables, exports), never masked: what a clerk or an
# attacker writes into one instead of a code is refused
NOT_CODES = ["张三01", "WGY 0344", "<b>x</b>", "a'b", "４４０１１８", "../x", "x?y#z", "138/1234"]


@pytest.mark.parametrize("kind", ["building", "rental_unit", "grid_event", "camera", "person"])
def test_a_code_holding_a_name_a_space_or_markup_is_refused(kind: str) -> None:
    fields = [
        f for f in KINDS[kind].fields if f.type == "code" and not (f.pattern or f.codebook or f.references)
    ]
    assert fields, kind
    values = ["C44011880000423", "WGY0344", "GE-2026:11.03_1", "", *NOT_CODES]
    ctx = Context(district=shapely.box(0, 0, 1, 1), now=pd.Timestamp("2026-11-22 12:00", tz="Asia/Shanghai"))
    for field in fields:
        v = Verdict(len(values))
        _check_field(field, pd.Series(values, dtype="str"), v, ctx, Repairs(len(values)))
        reasons = list(v.reason)
        assert reasons[:3] == [None] * 3, (field.name, reasons)
        assert reasons[4:] == ["bad_code"] * len(NOT_CODES), (field.name, reasons)
