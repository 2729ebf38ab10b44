"""Odd cells as agencies write them, checked chunk by chunk: refused with their reason, never a crash.

Each class of issue 13 is tried with several values; the readers' side (files as written) is in
tests/etl/test_readers.py and whole loads in tests/etl/test_load_cells.py.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import shapely

from etl.contract import KINDS, REASONS, REPAIRS
from etl.convert import convert_points
from etl.forms import normalise_phone, parse_date, parse_datetime
from etl.idcard import check_digit
from etl.manifest import Source
from etl.validate import Context, SeenKeys, check_chunk

NOW = pd.Timestamp("2026-11-22 12:00", tz="Asia/Shanghai")
AREA = shapely.box(113.0, 23.0, 114.5, 24.0)


def check(kind: str, rows: list[dict[str, str]], ctx: Context | None = None) -> tuple[pd.DataFrame, list]:
    """Check ``rows`` (canonical field name → cell text) as one chunk; accepted rows and reasons."""
    k = KINDS[kind]
    names = sorted({n for r in rows for n in r})
    source = Source(
        name="t",
        kind=kind,
        path="t.csv",
        format="csv",
        crs="WGS84" if k.geometry in ("point", "polygon") else None,
        columns={n: n for n in names},
    )
    df = pd.DataFrame([{n: r.get(n, "") for n in names} for r in rows], dtype=str)
    df["_line"] = np.arange(2, len(df) + 2)
    ctx = ctx or Context(district=AREA, now=NOW)
    for f in k.fields:
        if f.references:
            ctx.refs.setdefault(f.references, __import__("pyarrow").array(["440118"], type="string"))
    at = convert_points(df, source) if k.geometry == "point" else None
    checked = check_chunk(df, source, k, ctx, SeenKeys(), at)
    reasons = [None] * len(df)
    for line, code in zip(checked.quarantine["line_no"], checked.quarantine["reason_code"], strict=True):
        reasons[int(line) - 2] = code
    assert len(checked.rows) + len(checked.quarantine) == len(df)
    return checked.rows, reasons


DISPUTE = {"dispute_no": "D1", "district_code": "440118", "found_at": "2026-11-01 08:00:00"}
DISPUTE |= {"dispute_type": "邻里", "status": "排查中", "lon": "113.8", "lat": "23.3"}


@pytest.mark.parametrize("value", ["3.5", "5.5", "1e400", "inf", "nan", "三", "2.0000001", "99999999999"])
def test_a_non_integer_in_an_integer_field_is_bad_number(value: str) -> None:
    rows, reasons = check(
        "dispute", [DISPUTE | {"parties": value}, DISPUTE | {"dispute_no": "D2", "parties": "3"}]
    )
    assert reasons == ["bad_number", None]
    assert rows["parties"].tolist() == [3]


def test_an_integer_written_with_a_zero_fraction_is_that_integer() -> None:
    rows, reasons = check("dispute", [DISPUTE | {"parties": "4.0"}])
    assert reasons == [None] and rows["parties"].tolist() == [4]


@pytest.mark.parametrize(
    ("text", "beijing"),
    [
        ("2026-11-03T08:30:00+08:00", "2026-11-03 08:30:00"),
        ("2026-11-03T00:30:00Z", "2026-11-03 08:30:00"),
        ("2026-11-03T00:30:00.250Z", "2026-11-03 08:30:00.250"),
        ("2026-11-02T19:30:00-05:00", "2026-11-03 08:30:00"),
        ("2026-11-03 08:30:00 +0800", "2026-11-03 08:30:00"),
        ("2026-11-03 08:30:00", "2026-11-03 08:30:00"),
        ("2026/11/3 8:05", "2026-11-03 08:05:00"),
        ("2026年11月3日 8:05", "2026-11-03 08:05:00"),
        ("2026年11月3日", "2026-11-03 00:00:00"),
        ("2026.11.03 08:30", "2026-11-03 08:30:00"),
    ],
)
def test_accepted_date_times_land_in_beijing_time(text: str, beijing: str) -> None:
    rows, reasons = check("dispute", [DISPUTE | {"found_at": text}])
    assert reasons == [None]
    assert rows["found_at"].iloc[0] == pd.Timestamp(beijing, tz="Asia/Shanghai")


@pytest.mark.parametrize(
    "text",
    [
        "2025",
        "03/11/2025",
        "26-3-5",
        "2026-13-01 08:00",
        "2026-02-30 08:00",
        "2026-11-03 24:00",
        "2026-11/03 08:00",
        "yesterday",
        "2026-11-03T08:30:00+25:00",
        "45963",
    ],
)
def test_date_times_outside_the_contract_are_refused_not_guessed(text: str) -> None:
    _, reasons = check("dispute", [DISPUTE | {"found_at": text}])
    assert reasons == ["bad_datetime"]


@pytest.mark.parametrize(
    "text", ["2025", "03/11/2025", "26-3-5", "2025-3", "20250305", "2026-02-29", "2026-11-03 08:00"]
)
def test_dates_outside_the_contract_are_refused_not_guessed(text: str) -> None:
    out = parse_date(pd.Series([text], dtype=str))
    assert out.isna().all()


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2025-03-05", "2025-03-05"),
        ("2025/3/5", "2025-03-05"),
        ("2025.3.5", "2025-03-05"),
        ("2025年3月5日", "2025-03-05"),
        ("2025-03-05 00:00:00", "2025-03-05"),
    ],
)
def test_accepted_dates(text: str, day: str) -> None:
    assert parse_date(pd.Series([text], dtype=str)).iloc[0] == pd.Timestamp(day)


def test_future_slack_is_one_hour() -> None:
    ahead = (NOW + pd.Timedelta(minutes=50)).strftime("%Y-%m-%d %H:%M:%S")
    too_far = (NOW + pd.Timedelta(minutes=70)).strftime("%Y-%m-%d %H:%M:%S")
    _, reasons = check(
        "dispute", [DISPUTE | {"found_at": ahead}, DISPUTE | {"dispute_no": "D2", "found_at": too_far}]
    )
    assert reasons == [None, "future_date"]


@pytest.mark.parametrize(
    ("kind", "row"),
    [
        ("dispute", DISPUTE | {"risk_level": "", "is_violent": "", "is_repeated": "", "parties": ""}),
        (
            "incident",
            {
                "incident_no": "J1",
                "district_code": "440118",
                "reported_at": "2026-11-01 08:00:00",
                "category": "xingshi",
                "is_diverted": "",
                "lon": "113.8",
                "lat": "23.3",
            },
        ),
        (
            "workstation",
            {
                "workstation_code": "W1",
                "district_code": "440118",
                "name": "站",
                "theme": "t",
                "staff_police": "",
                "staff_grid": "",
                "staff_other": "",
                "lon": "113.8",
                "lat": "23.3",
            },
        ),
        (
            "access_event",
            {"device_code": "440118", "event_time": "2026-11-01 08:00:00", "card_no": "C", "method": ""},
        ),
    ],
)
def test_empty_optional_fields_are_accepted_as_not_stated(kind: str, row: dict[str, str]) -> None:
    ctx = Context(district=AREA, now=NOW, codebooks={"core.incident_categories": {"刑事": "xingshi"}})
    rows, reasons = check(kind, [row], ctx)
    assert reasons == [None]
    optional = [f.name for f in KINDS[kind].fields if not f.required and row.get(f.name) == ""]
    assert rows[optional].isna().all().all()


def test_a_grid_event_kind_by_its_chinese_name_or_code() -> None:
    book = {"邻里纠纷": "GE01", "GE01": "GE01", "GE02": "GE02"}
    ctx = Context(district=AREA, now=NOW, codebooks={"core.grid_event_kinds": book})
    event = {
        "event_no": "E1",
        "district_code": "440118",
        "is_police_matter": "否",
        "title": "t",
        "registered_at": "2026-11-01 08:00:00",
        "status": "登记",
        "lon": "113.8",
        "lat": "23.3",
    }
    rows, reasons = check(
        "grid_event",
        [
            event | {"kind_code": "邻里纠纷"},
            event | {"event_no": "E2", "kind_code": "GE02"},
            event | {"event_no": "E3", "kind_code": "无此事项"},
        ],
        ctx,
    )
    assert reasons == [None, None, "unknown_category"]
    assert rows["kind_code"].tolist() == ["GE01", "GE02"]


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("+86 138 1234 5678", "13812345678"),
        ("+86-13812345678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("(020)12345678", "020-12345678"),
        ("（020）1234-5678", "020-12345678"),
        ("020 1234 5678", "02012345678"),
    ],
)
def test_phones_in_their_written_forms_are_a_counted_repair(text: str, stored: str) -> None:
    cleaned, changed = normalise_phone(pd.Series([text, "13812345678"], dtype=str))
    assert cleaned.tolist() == [stored, "13812345678"] and changed.tolist() == [True, False]


UNIT = {"unit_code": "U1", "building_code": "440118", "room_no": "101", "registered_tenants": "1"}


def test_repairs_count_only_rows_that_are_accepted() -> None:
    ctx = Context(district=AREA, now=NOW)
    rows = [
        UNIT | {"landlord_id_number": "11010519491231002x", "landlord_phone": "+86 138 1234 5678"},
        UNIT | {"unit_code": "U2", "landlord_id_number": "11010519491231002x", "registered_tenants": "1.5"},
        UNIT | {"unit_code": "U3", "landlord_phone": "(020)1234567", "area_m2": "0"},
        UNIT | {"unit_code": "U4", "landlord_phone": "138 1234"},
    ]
    k = KINDS["rental_unit"]
    source = Source(
        name="t",
        kind="rental_unit",
        path="t.csv",
        format="csv",
        columns={n: n for n in {*UNIT, "landlord_id_number", "landlord_phone", "area_m2"}},
    )
    df = pd.DataFrame([{n: r.get(n, "") for n in source.columns} for r in rows], dtype=str)
    df["_line"] = np.arange(2, 6)
    ctx.refs["building"] = __import__("pyarrow").array(["440118"], type="string")
    checked = check_chunk(df, source, k, ctx, SeenKeys(), None)
    assert checked.quarantine["reason_code"].tolist() == ["bad_number", "bad_number", "bad_phone"]
    assert checked.repaired == 2  # the ID's x and the phone of U1; U2 and U3 were refused anyway
    assert checked.rows["landlord_phone"].tolist() == ["13812345678"]


def test_codes_that_break_a_table_constraint_are_bad_code() -> None:
    town = {"district_code": "440118", "name": "镇"}
    _, reasons = check(
        "town", [town | {"town_code": c} for c in ("44011810", "440118100", "4401181000", "44011810x")]
    )
    assert reasons == ["bad_code", None, "bad_code", "bad_code"]
    _, reasons = check(
        "district", [{"district_code": c, "name": "区"} for c in ("440118", "44011", "4401188")]
    )
    assert reasons == [None, "bad_code", "bad_code"]


def test_a_codebook_naming_one_kind_under_two_codes_refuses_the_second() -> None:
    rows = [
        {"kind_code": "GE01", "event_class": "综治类", "name_zh": "邻里纠纷"},
        {"kind_code": "GE02", "event_class": "综治类", "name_zh": "邻里纠纷"},
        {"kind_code": "GE03", "event_class": "服务类", "name_zh": "邻里纠纷"},
        {"kind_code": "GE04", "event_class": "服务类", "name_zh": "已有"},
    ]
    stored = pd.DataFrame(
        {"event_class": ["service"], "name_zh": ["已有"], "kind_code": ["GE09"]}, dtype=object
    )
    ctx = Context(district=AREA, now=NOW, taken={"event_class,name_zh": stored})
    _, reasons = check("grid_event_kind", rows, ctx)
    assert reasons == [None, "duplicate", None, "duplicate"]


@pytest.mark.parametrize(("lon", "lat"), [("0", "0"), ("0.0", "0.000"), ("", ""), ("nan", "23.3")])
def test_zero_zero_is_no_position(lon: str, lat: str) -> None:
    _, reasons = check("dispute", [DISPUTE | {"lon": lon, "lat": lat}])
    assert reasons == ["coord_missing"]


def test_cross_field_rules_and_their_codes() -> None:
    event = {
        "event_no": "E1",
        "district_code": "440118",
        "kind_code": "GE01",
        "is_police_matter": "否",
        "title": "t",
        "registered_at": "2026-11-01 08:00:00",
        "lon": "113.8",
        "lat": "23.3",
    }
    ctx = Context(district=AREA, now=NOW, codebooks={"core.grid_event_kinds": {"GE01": "GE01"}})
    _, reasons = check(
        "grid_event",
        [
            event | {"status": "已办结"},  # closed without its closing time
            event
            | {
                "event_no": "E2",
                "status": "已办结",
                "closed_at": "2026-10-31 08:00:00",
            },  # closed before registered
            event
            | {
                "event_no": "E3",
                "status": "处置中",
                "closed_at": "2026-11-02 08:00:00",
            },  # a closing time, not closed
            event | {"event_no": "E4", "status": "已办结", "closed_at": "2026-11-02 08:00:00"},
        ],
        ctx,
    )
    assert reasons == ["bad_sequence", "bad_sequence", "bad_sequence", None]
    other = "11010519491231003" + check_digit("11010519491231003")
    person = {"id_number": "11010519491231002X", "name": "张", "building_code": "440118"}
    _, reasons = check(
        "person",
        [
            person | {"is_migrant": "是"},
            person | {"id_number": other, "is_migrant": "是", "residence_status": "已登记"},
        ],
    )
    assert reasons == ["missing_required", None]  # a migrant needs a residence status


def test_every_reason_and_repair_is_documented() -> None:
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "data-contract.md").read_text(encoding="utf-8")
    for code in [*REASONS, *REPAIRS]:
        assert f"`{code}`" in doc


def test_datetime_parser_keeps_a_column_of_one_type() -> None:
    out = parse_datetime(pd.Series(["", "2026-11-03T00:00:00Z", "2026-11-03 08:00:00", "x"], dtype=str))
    assert str(out.dtype).startswith("datetime64") and out.isna().tolist() == [True, False, False, True]
    assert out.iloc[1] == out.iloc[2] and isinstance(out.iloc[1].to_pydatetime(), dt.datetime)


def test_every_optional_field_may_be_empty_in_its_table() -> None:
    from etl.tables import METADATA

    for kind in KINDS.values():
        table = METADATA.tables[kind.table]
        for f in kind.fields:
            if f.name in table.c:
                assert table.c[f.name].nullable is not f.required or f.name in kind.key.split(","), (
                    f"{kind.table}.{f.name}: the contract says {'required' if f.required else 'optional'}"
                )


@pytest.mark.parametrize("mark", ["\u202e", "\u202d", "\u2066", "\u200f", "\u200b", "\ufeff", "\u061c"])
def test_unseen_characters_are_removed_from_written_values(mark: str) -> None:
    # a direction override in a name shows the text after it reversed: one name passes for another
    rows = [
        UNIT | {"room_no": f"{mark}101号", "landlord_phone": f"138{mark}12345678"},
        UNIT | {"unit_code": f"U{mark}2"},
        UNIT | {"unit_code": mark},  # nothing seen is nothing stated
        UNIT | {"unit_code": "U4", "room_no": "202号"},
    ]
    accepted, reasons = check("rental_unit", rows)
    assert reasons == [None, None, "missing_required", None]
    assert accepted["room_no"].tolist() == ["101号", "101", "202号"]
    assert accepted["landlord_phone"].tolist()[0] == "13812345678"
    assert accepted["unit_code"].tolist() == ["U1", "U2", "U4"]
    stored = accepted.drop(columns=["geom"], errors="ignore").to_numpy().ravel()
    assert not any(mark in str(v) for v in stored)
