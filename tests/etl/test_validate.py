"""Field checks on chunks that real files produce (found loading the city scale)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
import shapely

from etl.contract import KINDS
from etl.validate import Context, _check_field
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
