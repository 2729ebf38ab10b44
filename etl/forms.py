"""The written forms of dates, times and phones the contract accepts; anything else is refused, never guessed.

Each parser takes a column of trimmed text and returns one value per row (NaT / None where the text
is empty or not an accepted form), vectorised. The accepted forms are listed in docs/data-contract.md
(rendered from ``DATE_FORMS``, ``DATETIME_FORMS`` and ``PHONE_FORMS``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from common.china import TZ_NAME

DATE_FORMS = "2026-11-03, 2026/11/3, 2026.11.3, 2026年11月3日 (a time of 00:00 after it is allowed)"
DATETIME_FORMS = (
    "2026-11-03 08:30:00, 2026/11/3 8:05, 2026-11-03T08:30, 2026年11月3日 8:05; Beijing time unless "
    "it ends in an offset (`Z`, `+08:00`, `+0800`), which is converted to Beijing time; a date alone "
    "is its midnight"
)
PHONE_FORMS = (
    "mobile 13812345678 or landline 020-12345678 (ext. -123); `+86`/`0086`, spaces, dashes and "
    "brackets around the area code are removed (a counted repair)"
)

# year, then month and day separated by one of - / . used twice, or written 年 月 日
_DATE = (
    r"(?P<y>[0-9]{4})(?:(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})"
    r"|年(?P<m2>[0-9]{1,2})月(?P<d2>[0-9]{1,2})日)"
)
_TIME = (
    r"(?:(?:[T ]+|(?<=日))(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:\.(?P<f>[0-9]{1,6}))?)?)?"
)
_OFFSET = r"(?:\s*(?P<z>Z)|\s*(?P<sign>[+-])(?P<oh>[0-9]{2}):?(?P<om>[0-9]{2})?)?"
_DATETIME_RE = f"^{_DATE}{_TIME}{_OFFSET}$"
_DATE_RE = f"^{_DATE}{_TIME}$"


def _num(parts: pd.DataFrame, *names: str) -> pd.Series:
    """The first of ``names`` that is present, as a float (NaN where none is)."""
    out = pd.Series(np.nan, index=parts.index)
    for name in names:
        out = out.fillna(pd.to_numeric(parts[name], errors="coerce"))
    return out


def _wall_clock(parts: pd.DataFrame) -> pd.Series:
    """Naive timestamps from the matched parts; NaT where the parts are no real date or time."""
    fields = pd.DataFrame(
        {
            "year": _num(parts, "y"),
            "month": _num(parts, "m", "m2"),
            "day": _num(parts, "d", "d2"),
            "hour": _num(parts, "H").fillna(0),
            "minute": _num(parts, "M").fillna(0),
            "second": _num(parts, "S").fillna(0),
        }
    )
    bad = (fields["hour"] > 23) | (fields["minute"] > 59) | (fields["second"] > 59)
    when = pd.to_datetime(fields, errors="coerce")
    micro = parts["f"].fillna("").str.ljust(6, "0").replace("000000", "")
    when = when + pd.to_timedelta(pd.to_numeric(micro, errors="coerce").fillna(0), unit="us")
    return when.mask(bad)


# The commonest forms with every part in its range; only a day past its month's end is left for
# ``_plain`` to find (Arrow's ``strptime`` rolls 2026-02-30 over to 2026-03-02)
_PLAIN_DATE = r"[12][0-9]{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
PLAIN_DATETIME = ("%Y-%m-%d %H:%M:%S", rf"^{_PLAIN_DATE} (?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$")
PLAIN_DATE = ("%Y-%m-%d", rf"^{_PLAIN_DATE}$")


def arrow_text(text: pd.Series) -> pa.Array | pa.ChunkedArray:
    """``text`` as Arrow strings, without a copy when it is already held by Arrow."""
    return pa.array(text.array if text.dtype == "str" else text.to_numpy(dtype=object), from_pandas=True)


def _plain(text: pd.Series, form: str, pattern: str) -> tuple[pd.Series, np.ndarray]:
    """The rows written exactly in the commonest form (``form``, its parts in range as ``pattern``),
    parsed in C++ by Arrow: (naive timestamps, mask of such rows).

    A row counts only when its value, written back in ``form``, would be its text again: with every
    part in its range that fails only for a day past its month's end, which Arrow's ``strptime``
    rolls over into the next month (a changed day of the month tells it); those rows are left to
    the general parser, which refuses them.
    """
    arr = arrow_text(text)
    when = pc.strptime(arr, format=form, unit="s", error_is_null=True)
    shaped = pc.match_substring_regex(arr, pattern)
    day = pc.cast(pc.if_else(shaped, pc.utf8_slice_codeunits(arr, 8, 10), "0"), pa.int64())  # 2026-11-03
    same = pc.and_(shaped, pc.equal(pc.day(when), day))
    mask = pc.fill_null(same, False).to_numpy(zero_copy_only=False)
    naive = pd.Series(when.to_numpy(zero_copy_only=False), index=text.index).astype("datetime64[us]")
    return naive, mask


def parse_datetime(text: pd.Series) -> pd.Series:
    """Date-times in Beijing time (tz-aware); NaT for empty or unaccepted text."""
    naive, plain = _plain(text, *PLAIN_DATETIME)
    local = naive.where(plain).dt.tz_localize(TZ_NAME, ambiguous="NaT", nonexistent="NaT")
    if plain.all():
        return local
    return local.where(plain, _parse_datetime_forms(text[~plain]))


def _parse_datetime_forms(text: pd.Series) -> pd.Series:
    """Every accepted form of date-time (see ``DATETIME_FORMS``), slower: a regular expression per row."""
    parts = text.str.extract(_DATETIME_RE)
    naive = _wall_clock(parts)
    offset_min = pd.Series(np.nan, index=text.index)
    offset_min[parts["z"].notna()] = 0.0
    signed = parts["sign"].notna()
    if signed.any():
        minutes = pd.to_numeric(parts["oh"], errors="coerce") * 60 + pd.to_numeric(
            parts["om"], errors="coerce"
        ).fillna(0)
        offset_min[signed] = np.where(parts["sign"][signed] == "-", -1, 1) * minutes[signed]
        # real offsets lie within ±14:00 and have fewer than 60 minutes
        wrong = signed & ((minutes > 14 * 60) | (pd.to_numeric(parts["om"], errors="coerce") > 59))
        naive = naive.mask(wrong)
    local = naive.where(offset_min.isna()).dt.tz_localize(TZ_NAME, ambiguous="NaT", nonexistent="NaT")
    if offset_min.notna().any():
        utc = (naive - pd.to_timedelta(offset_min.fillna(0), unit="min")).dt.tz_localize("UTC")
        shifted = utc.dt.tz_convert(TZ_NAME)
        local = local.where(offset_min.isna(), shifted)
    return local


def parse_date(text: pd.Series) -> pd.Series:
    """Dates as midnight timestamps (naive); NaT for empty or unaccepted text or a time other than 00:00."""
    naive, plain = _plain(text, *PLAIN_DATE)
    if plain.all():
        return naive
    parts = text[~plain].str.extract(_DATE_RE)
    when = _wall_clock(parts)
    return naive.where(plain, when.where(when == when.dt.normalize()))


def normalise_phone(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Phones without the country code, spaces, dashes inside a mobile, and brackets round the area code.

    Returns the cleaned text and a mask of the rows whose text was changed (a repair).
    """
    cleaned = (
        text.str.replace(r"^(?:\+\s*86|0086)[\s-]*", "", regex=True)
        .str.replace(r"^[(（]\s*(0[0-9]{2,3})\s*[)）]\s*-?", r"\1-", regex=True)
        .str.replace(r"[\s\u00a0]+", "", regex=True)
    )
    cleaned = cleaned.str.replace(r"^(0[0-9]{2,3})-([0-9]{3,4})-([0-9]{4})$", r"\1-\2\3", regex=True)
    # a mobile written in groups (138-1234-5678) loses its dashes; a landline keeps the one after
    # its area code
    mobile = cleaned.str.replace("-", "", regex=False)
    cleaned = cleaned.where(~mobile.str.fullmatch(r"1[3-9][0-9]{9}"), mobile)
    return cleaned, cleaned != text
