"""Resident ID numbers (GB 11643-1999): check digit, normalisation, and the defects feeds carry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from common.china import today

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")
_EXCEL = re.compile(r"^[0-9](\.[0-9]+)?[eE]\+?[0-9]+$")  # 4.40524E+17: Excel ate the digits
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


def check_digit(first17: str) -> str:
    """Return the check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


@dataclass(frozen=True)
class IdCheck:
    """The outcome of checking one ID number: a value to store, or a reason to quarantine."""

    value: str | None
    reason: str | None = None
    repaired: bool = False


def check_id_number(raw: object) -> IdCheck:
    """Validate one ID number; repair only the safe case (a lowercase check ``x``).

    Reasons: ``missing_required``, ``id_excel_mangled``, ``id_format``, ``id_birth_date``,
    ``id_check_digit``.
    """
    if raw is None:
        return IdCheck(None, "missing_required")
    text = str(raw).strip()
    if not text or text.lower() == "nan":
        return IdCheck(None, "missing_required")
    if _EXCEL.match(text):
        return IdCheck(None, "id_excel_mangled")
    repaired = False
    if len(text) == 18 and text.endswith("x"):
        text, repaired = text[:-1] + "X", True
    if not _SHAPE.match(text):
        return IdCheck(None, "id_format")
    try:
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return IdCheck(None, "id_birth_date")
    # today is the field's day (Beijing), not the machine's (often UTC, eight hours behind)
    if born.year < 1880 or born > today():
        return IdCheck(None, "id_birth_date")
    if check_digit(text[:17]) != text[17]:
        return IdCheck(None, "id_check_digit")
    return IdCheck(text, None, repaired)


def is_valid_id_number(raw: object) -> bool:
    """True when ``raw`` is a well-formed ID number with a correct check digit (no repair)."""
    result = check_id_number(raw)
    return result.reason is None and not result.repaired


def birth_date(id_number: str) -> date:
    """Date of birth encoded in a valid ID number."""
    return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def gender(id_number: str) -> str:
    """``M`` or ``F`` from the 17th digit (odd is male)."""
    return "M" if int(id_number[16]) % 2 else "F"


def is_mobile(raw: object) -> bool:
    """True for an 11-digit mainland mobile number."""
    return raw is not None and bool(_MOBILE.match(str(raw).strip()))
