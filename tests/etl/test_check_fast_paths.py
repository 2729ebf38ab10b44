"""The checks' fast paths (Arrow, not Python per value) give what the plain ways give, on edge inputs."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import shapely

from common.text import INVISIBLE
from etl.attribute import Attributor
from etl.contract import KINDS
from etl.convert import field_text
from etl.forms import PLAIN_DATE, PLAIN_DATETIME, _plain
from etl.kinds.gate_events import DEVICE_ATTRS, GateEvents
from etl.manifest import Source
from etl.validate import _lookup, _numbers

ODD_TIMES = [
    "2026-11-03 08:30:00",
    "2024-02-29 23:59:59",
    "2026-02-29 10:00:00",  # no such day: Arrow would roll it over to 1 March
    "2026-02-30 00:00:00",
    "2026-04-31 12:00:00",
    "2026-12-31 23:59:60",  # a leap second: rolled over too
    "2026-11-03 24:00:00",
    "2026-11-03 23:60:00",
    "2026-00-10 10:00:00",
    "2026-13-10 10:00:00",
    "2026-11-00 10:00:00",
    "2026-11-32 10:00:00",
    "0999-11-03 10:00:00",
    "3026-11-03 10:00:00",
    "2026-1-3 10:00:00",
    "2026-11-03  10:00:00",
    "2026-11-03T10:00:00",
    "2026-11-03 10:00",
    "２０２６-11-03 10:00:00",
    "2026-11-03 10:00:00Z",
    "",
    "x",
]
ODD_DATES = [
    "2026-11-03",
    "2024-02-29",
    "2026-02-29",
    "2026-06-31",
    "2026-00-01",
    "2026-13-01",
    "2026-01-00",
    "2026-01-32",
    "1899-01-01",
    "2026/11/03",
    "2026-11-3",
    "",
]


def _round_trip(text: pd.Series, form: str) -> np.ndarray:
    """The plain rows by definition: digits where ``form`` has them, and parsed, then written back
    in ``form``, they are their text."""
    arr = pa.array(text.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    when = pc.strptime(arr, format=form, unit="s", error_is_null=True)
    same = pc.equal(pc.strftime(when, format=form), arr)
    shape = form.replace("%Y", "[12][0-9]{3}").replace("%m", "[0-9]{2}").replace("%d", "[0-9]{2}")
    shape = shape.replace("%H", "[0-9]{2}").replace("%M", "[0-9]{2}").replace("%S", "[0-9]{2}")
    digits = pc.match_substring_regex(arr, f"^{shape}$")
    return pc.fill_null(pc.and_(same, digits), False).to_numpy(zero_copy_only=False)


@pytest.mark.parametrize(("values", "plain"), [(ODD_TIMES, PLAIN_DATETIME), (ODD_DATES, PLAIN_DATE)])
def test_plain_dates_are_those_written_back_the_same(values: list[str], plain: tuple[str, str]) -> None:
    text = pd.Series([*values, None], dtype=str)
    naive, mask = _plain(text, *plain)
    assert mask.tolist() == _round_trip(text, plain[0]).tolist()
    expected = pd.to_datetime(text.where(mask), format=plain[0])
    assert naive[mask].tolist() == expected[mask].tolist()


@pytest.mark.parametrize(
    "mapping",
    [
        {"住宅": "residential", "residential": "residential", "": "blank"},
        {"a": "A"},
        {"住宅": "residential", None: "unnamed"},  # a codebook row without a Chinese name
        {},
    ],
)
def test_lookup_is_map(mapping: dict[str | None, str]) -> None:
    raw = pd.Series(["住宅", "residential", "", "unknown", "Residential", None, "住宅 "], dtype=str)
    pd.testing.assert_series_equal(_lookup(raw, mapping), raw.map(mapping))


@pytest.mark.parametrize("values", [["true", "否", "", "x", None], ["true", "否"], []])
def test_lookup_of_other_values_is_map(values: list[str | None]) -> None:
    raw = pd.Series(values, dtype=str)
    words = {"true": True, "否": False, "": None}
    pd.testing.assert_series_equal(_lookup(raw, words), raw.map(words).astype(object))


@pytest.mark.parametrize(
    "values",
    [
        ["1", "12", "007", "", "200", "999999999999999"],
        ["1", "", "1.5", "-3", "1e3", "x", "inf", "nan", " 2", "1,000", "１２", "-0", "9999999999999999"],
        ["", ""],
        [],
    ],
)
def test_numbers_are_to_numeric(values: list[str]) -> None:
    raw = pd.Series(values, dtype=str)
    empty = raw == ""
    expected = pd.to_numeric(raw.where(~empty), errors="coerce").astype(float)
    got = _numbers(raw, empty)
    pd.testing.assert_series_equal(got, expected)
    assert np.array_equal(np.signbit(got.fillna(0)), np.signbit(expected.fillna(0)))


def _events(devices: list[tuple[str, ...]]) -> GateEvents:
    events = GateEvents(KINDS["access_event"])
    events.devices = pd.DataFrame(devices, columns=["device_code", *DEVICE_ATTRS])
    events.device_codes = pd.Index(events.devices["device_code"])
    return events


@pytest.mark.parametrize(
    "codes",
    [["D2", "D1", "D2"], [], ["D1", "D9"]],  # the last: a device no check let through
)
def test_events_take_their_devices_codes_as_a_merge_would(codes: list[str]) -> None:
    events = _events([("D1", "44", "B1", "G1", None, "S1"), ("D2", "44", "B2", "G2", "Z2", "S2")])
    rows = pd.DataFrame(
        {"device_code": pd.Series(codes, dtype=str), "card_no": pd.Series(["c"] * len(codes), dtype=str)},
        index=range(3, 3 + 2 * len(codes), 2),  # rows refused before them leave gaps
    )
    expected = rows.merge(events.devices, on="device_code", how="left", validate="m:1")
    pd.testing.assert_frame_equal(events.attribute(rows), expected)


def test_points_take_the_grid_zone_and_station_they_lie_in() -> None:
    grids = [
        ("G2", shapely.box(0, 0, 1, 1)),
        ("G1", shapely.box(1, 0, 2, 1)),
        ("G3", shapely.box(2.0000001, 0, 3, 1)),
    ]
    zones = [("Z1", "S1", shapely.box(0, 0, 1.5, 1)), ("Z2", None, shapely.box(1.5, 0, 3, 1))]
    at = Attributor(grids, zones)
    points = shapely.points([(0.5, 0.5), (1, 0.5), (2.00000008, 0.5), (5, 5), (1.5, 0.2)])
    grid, zone, station = at.assign(points)
    # inside; on a shared edge (the smaller code); in a sliver (the nearest); outside all (the nearest)
    assert grid.tolist() == ["G2", "G1", "G3", "G3", "G1"]
    assert zone.tolist() == ["Z1", "Z1", "Z2", "Z2", "Z1"]
    assert station.tolist() == ["S1", "S1", None, None, "S1"]
    assert [x.tolist() for x in Attributor([], []).assign(points[:2])] == [[None, None]] * 3


def test_arrow_finds_the_unseen_characters_python_finds() -> None:
    chars = [chr(c) for c in range(0x20, 0x10000) if not 0xD800 <= c <= 0xDFFF]
    in_arrow = pc.match_substring_regex(pa.array([f"a{c}b" for c in chars]), INVISIBLE)
    assert in_arrow.to_pylist() == [re.search(INVISIBLE, c) is not None for c in chars]


@pytest.mark.parametrize(
    "values",
    [
        [" x\u3000", "\u3000\u3000", "", None, " a b ", "\u00a0y\u2003", "\tz\n", "\u200bw"],
        ["plain", " one space"],  # no ideographic space: nothing replaced
    ],
)
def test_field_text_trims_as_pandas_does(values: list[str | None]) -> None:
    df = pd.DataFrame({"名称": pd.Series(values, dtype=str)})
    source = Source.model_construct(columns={"name": "名称"})  # only its column map is read
    expected = df["名称"].astype(str).str.replace("\u3000", " ").str.strip()
    pd.testing.assert_series_equal(field_text(df, source, "name"), expected)
