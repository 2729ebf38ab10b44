"""GB 11643 ID numbers: check digits, Excel's damage, and the reasons a bad one is refused."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import numpy as np
import pytest
import time_machine

from etl.idcard import check_digit, check_id_number, is_valid_id_number


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_valid_id_numbers(number: str) -> None:
    assert is_valid_id_number(number)


def test_invalid_check_digit() -> None:
    assert not is_valid_id_number("110105194912310021")
    assert check_id_number("110105194912310021").reason == "id_check_digit"


def test_lowercase_x_is_repaired_and_counted() -> None:
    result = check_id_number("11010519491231002x")
    assert result.value == "11010519491231002X" and result.repaired and result.reason is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("4.40524E+17", "id_excel_mangled"),
        ("4.40524188001010E+17", "id_excel_mangled"),
        ("44052418800101001", "id_format"),
        ("", "missing_required"),
        (None, "missing_required"),
        ("440524188013010014", "id_birth_date"),
    ],
)
def test_id_defects_have_reasons(raw: object, reason: str) -> None:
    assert check_id_number(raw).reason == reason


def test_duplicates_are_found_across_chunks_and_only_among_accepted_rows() -> None:
    import pandas as pd

    from etl.validate import SeenKeys

    seen = SeenKeys()
    first = seen.repeated("k", pd.DataFrame({"k": ["A", "B", "B", "X"]}), np.array([True, True, True, False]))
    assert first.tolist() == [False, False, True, False]
    # A and B were accepted in the first chunk; X was rejected there, so its first accepted row is new
    second = seen.repeated(
        "k", pd.DataFrame({"k": ["C", "A", "X", "X", "B"]}), np.array([True, True, True, True, False])
    )
    assert second.tolist() == [False, True, False, True, False]
    third = seen.repeated("k", pd.DataFrame({"k": ["C", "X", "D"]}), np.ones(3, dtype=bool))
    assert third.tolist() == [True, True, False]


def test_born_today_in_beijing_is_valid_while_the_machines_clock_is_still_on_yesterday(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 00:30 on 1 December in Beijing is 16:30 on 30 November in UTC, the server's usual zone
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    born_today = "44052420261201" + "001"
    number = born_today + check_digit(born_today)
    with time_machine.travel(datetime(2026, 11, 30, 16, 30, tzinfo=UTC), tick=False):
        assert check_id_number(number).reason is None
        assert (
            check_id_number("44052420261202001" + check_digit("44052420261202001")).reason == "id_birth_date"
        )
    monkeypatch.undo()
    time.tzset()
