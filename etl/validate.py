"""Validation of one chunk of a source: typed canonical rows out, every rejected row with its reason.

Checks run field by field in contract order, then positions (already converted to WGS-84 by
etl/convert.py), then references, then duplicates; the first failing check gives the row its reason
code. Validation only judges: nothing is repaired except what ``etl.contract.REPAIRS`` lists (each
repair counted), and attribution is a later step (etl/attribute.py, etl/kinds/).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from common.china import TZ_NAME
from common.text import INVISIBLE, visible
from etl.contract import BOOL_FALSE, BOOL_TRUE, MAX_CODE, MAX_TEXT, Field, Kind
from etl.convert import Located, field_text
from etl.forms import arrow_text, normalise_phone, parse_date, parse_datetime
from etl.idcard import check_id_number
from etl.keyset import KeySet, first_seen, key_hashes
from etl.manifest import Source
from etl.positions import check_points, check_shapes
from etl.verdict import Verdict

WRITTEN = ("text", "code", "id_number", "phone")  # field types written as free text
MOBILE_OR_LANDLINE = r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,5})?)$"
# Numeric ranges the core tables enforce; a value outside is a bad_number, never a load failure.
RANGES: dict[str, tuple[float, float]] = {
    "floors": (1, 200),
    "built_year": (1900, 2100),
    "parties": (2, 10_000),
    "area_m2": (0.1, 100_000),
}
# Timestamps that must not precede another, and status values that require an end time.
SEQUENCES = {
    "grid_event": [
        ("reported_at", "registered_at"),
        ("dispatched_at", "registered_at"),
        ("closed_at", "registered_at"),
    ],
    "hazard": [("cleared_at", "found_at")],
    "dispute": [("resolved_at", "found_at")],
}
STATUS_END = {"grid_event": ("status", "closed", "closed_at"), "hazard": ("status", "cleared", "cleared_at")}
INT_MAX = 2_147_483_647  # the core tables' integer columns are 32-bit
FLOAT_MAX = 1e12
FUTURE_SLACK = pd.Timedelta(hours=1)  # clocks of agency systems run a little ahead


@dataclass
class Context:
    """What validation needs from the warehouse: the area, loaded keys, codebooks, addresses."""

    district: Any  # prepared WGS-84 (multi)polygon of the area, slightly buffered
    refs: dict[str, pa.Array] = field(default_factory=dict)  # loaded keys of referenced kinds
    codebooks: dict[str, dict[str, str]] = field(default_factory=dict)
    address_points: pd.DataFrame | None = None  # x, y indexed by address_code
    # stored rows of each further unique key of the kind (its columns and the natural key)
    taken: dict[str, pd.DataFrame] = field(default_factory=dict)
    now: pd.Timestamp = field(default_factory=lambda: pd.Timestamp.now(tz=TZ_NAME))


@dataclass
class Checked:
    """The outcome for one chunk."""

    rows: pd.DataFrame  # canonical columns, typed, plus geom (WGS-84 shapely) and _line
    quarantine: pd.DataFrame  # line_no, reason_code, field, detail, raw (JSON text)
    repaired: int


class Repairs:
    """Which rows each repair changed; only the rows finally accepted count (a repaired row that is
    then refused for another reason was not repaired into the warehouse)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.by_kind: dict[str, np.ndarray] = {}

    def add(self, name: str, mask: np.ndarray) -> None:
        """Record that repair ``name`` (one of ``etl.contract.REPAIRS``) changed the rows in ``mask``."""
        self.by_kind[name] = self.by_kind.get(name, np.zeros(self.n, dtype=bool)) | np.asarray(
            mask, dtype=bool
        )

    def count(self, accepted: np.ndarray) -> int:
        """Repairs made in accepted rows (a row repaired twice counts twice)."""
        return sum(int((mask & accepted).sum()) for mask in self.by_kind.values())


def _without_invisible(raw: pd.Series, repairs: Repairs) -> pd.Series:
    """``raw`` without unseen characters (:mod:`common.text`), a counted repair; nearly every value
    of a load has none, so the chunk's column is searched once as one text first."""
    if not pc.any(pc.match_substring_regex(arrow_text(raw), INVISIBLE)).as_py():
        return raw
    seen = raw.map(visible)
    repairs.add("invisible_characters", (seen != raw).to_numpy())
    return seen


def _lookup(raw: pd.Series, mapping: dict[str, Any]) -> pd.Series:
    """``raw.map(mapping)``, looked up in Arrow (no Python per value) where ``raw`` is text; values
    other than text come as objects (NaN where not found)."""
    if raw.dtype != "str" or not mapping:
        return raw.map(mapping)
    where = pc.index_in(arrow_text(raw), value_set=pa.array(list(mapping), type=pa.large_string()))
    if all(type(x) is str for x in mapping.values()):
        found = pc.take(pa.array(list(mapping.values()), type=pa.large_string()), where)
        return pd.Series(pd.array(found, dtype=raw.dtype), index=raw.index)
    at = pc.fill_null(where, -1).to_numpy(zero_copy_only=False)
    values = np.empty(len(mapping) + 1, dtype=object)
    values[:-1] = list(mapping.values())
    values[-1] = np.nan  # index -1: not found
    return pd.Series(values[at], index=raw.index, dtype=object)


_PLAIN_NUMBER = r"^[0-9]{1,15}$"  # whole numbers, read alike by Arrow and pandas, exactly


def _numbers(raw: pd.Series, empty: pd.Series) -> pd.Series:
    """``raw`` as floats, NaN where empty or no number (``pd.to_numeric(errors="coerce")``); a
    column of plain whole numbers only is converted by Arrow, the others by pandas."""
    if raw.dtype == "str":
        text = arrow_text(raw)
        plain = pc.match_substring_regex(text, _PLAIN_NUMBER)
        if pc.all(pc.or_(plain, pc.equal(text, ""))).as_py():
            cast = pc.cast(pc.if_else(plain, text, None), pa.float64())
            return pd.Series(cast.to_numpy(zero_copy_only=False), index=raw.index, dtype=float)
    return pd.to_numeric(raw.where(~empty), errors="coerce").astype(float)


# what a code is written in: the codes of the standards (division, address, house, device, card
# and case numbers) are letters and digits with - _ . : between; a code is shown as it is (in links,
# tooltips, tables and exports, never masked), so one holding a name, a space or markup is refused
_NOT_CODE = r"[^A-Za-z0-9._:\-]"


def _check_code_form(f: Field, raw: pd.Series, empty: pd.Series, v: Verdict) -> None:
    """A code of no set form (``pattern``) written in anything but a code's characters is ``bad_code``."""
    odd = pc.match_substring_regex(arrow_text(raw), _NOT_CODE)
    if pc.any(odd).as_py():  # rare: the whole column is tested first
        v.fail(~empty & np.asarray(odd.fill_null(False)), "bad_code", f.name, raw)


def _check_field(f: Field, raw: pd.Series, v: Verdict, ctx: Context, repairs: Repairs) -> pd.Series:
    """Return the typed value of one field; record failures in ``v`` and repairs in ``repairs``."""
    if f.type in WRITTEN and not f.codebook:  # elsewhere an unseen character fails the value's form
        raw = _without_invisible(raw, repairs)
    empty = raw == ""
    if f.required:
        v.fail(empty, "missing_required", f.name)
    t = f.type
    if f.pattern:
        v.fail(~empty & ~raw.str.fullmatch(f.pattern).fillna(False).astype(bool), "bad_code", f.name, raw)
    elif t == "code" and not f.codebook and not f.references:  # a reference must match a checked key
        _check_code_form(f, raw, empty, v)
    if f.codebook or t == "enum":
        book = ctx.codebooks.get(f.codebook, {}) if f.codebook else f.choices
        mapping = {**book, **{val: val for val in book.values()}}
        val = _lookup(raw, mapping)
        v.fail(~empty & val.isna(), "unknown_category", f.name, raw)
        return val.where(val.notna(), None)
    if t in ("text", "code"):
        # a cell of megabytes (a broken export) would reach every page and map layer that shows it
        limit = MAX_CODE if t == "code" else MAX_TEXT
        if (pc.max(pc.utf8_length(arrow_text(raw))).as_py() or 0) > limit:  # rare: measured once first
            length = raw.str.len()
            v.fail(
                length > limit, "too_long", f.name, length.map(lambda n: f"{n} characters, at most {limit}")
            )
        return raw.where(~empty, None)
    if t == "int" or t == "float":
        num = _numbers(raw, empty)
        bad = ~empty & ~np.isfinite(num)
        if t == "int":
            bad |= np.isfinite(num) & (num != np.floor(num.fillna(0)))
        lo, hi = RANGES.get(f.name, (0, INT_MAX if t == "int" else FLOAT_MAX))
        bad |= num.notna() & ((num < lo) | (num > hi))
        v.fail(bad, "bad_number", f.name, raw)
        # a refused value is dropped before the cast: 5.5 cannot become an integer, and need not
        num = num.where(~bad)
        return num.round().astype("Int64") if t == "int" else num
    if t == "bool":
        words = {**dict.fromkeys(BOOL_TRUE, True), **dict.fromkeys(BOOL_FALSE, False)}
        val = _lookup(raw.str.lower(), words).astype(object)
        v.fail(~empty & val.isna(), "bad_bool", f.name)
        return val.where(val.notna(), None)
    if t == "date":
        when = parse_date(raw)
        v.fail(~empty & when.isna(), "bad_date", f.name, raw)
        # compare as timestamps: a column with no date at all keeps datetime64 under .dt.date
        v.fail(when.notna() & (when.dt.normalize() > pd.Timestamp(ctx.now.date())), "future_date", f.name)
        days = when.dt.date if when.notna().any() else pd.Series(None, index=when.index, dtype=object)
        return days.where(when.notna(), None)
    if t == "datetime":
        when = parse_datetime(raw)
        v.fail(~empty & when.isna(), "bad_datetime", f.name, raw)
        v.fail(when.notna() & (when > ctx.now + FUTURE_SLACK), "future_date", f.name)
        return when
    if t == "id_number":
        checks = [check_id_number(x) if x else None for x in raw]
        reasons = np.array([c.reason if c else None for c in checks], dtype=object)
        for code in set(reasons) - {None}:
            v.fail(reasons == code, code, f.name)
        repairs.add("id_lowercase_x", np.array([bool(c and c.repaired) for c in checks]))
        return pd.Series([c.value if c else None for c in checks], index=raw.index, dtype=object)
    if t == "phone":
        phone, changed = normalise_phone(raw)
        valid = phone.str.fullmatch(MOBILE_OR_LANDLINE).fillna(False).astype(bool)
        v.fail(~empty & ~valid, "bad_phone", f.name, raw)
        repairs.add("phone_written_form", (~empty & valid & changed).to_numpy())
        return phone.where(~empty, None)
    raise ValueError(f"unknown field type {t}")


class SeenKeys:
    """Keys accepted so far in one source (all its files), to find a key that occurs again (hashed,
    vectorised, etl/keyset.py); the natural key and each further unique key of the kind are kept apart."""

    def __init__(self) -> None:
        self.sets: dict[str, KeySet] = {}

    def repeated(self, name: str, keys: pd.DataFrame, ok: np.ndarray) -> np.ndarray:
        """Mark accepted rows whose key ``name`` an accepted row had earlier, in this chunk or before."""
        a, b = key_hashes(keys)
        accepted = np.flatnonzero(ok)
        dup = np.zeros(len(keys), dtype=bool)
        dup[accepted] = ~first_seen(a[accepted], b[accepted])
        known = self.sets.setdefault(name, KeySet())
        dup |= known.contains(a, b) & ok
        new = ok & ~dup
        known.add(a[new], b[new])
        return dup


def check_chunk(
    df: pd.DataFrame, source: Source, kind: Kind, ctx: Context, seen: SeenKeys, at: Located | None
) -> Checked:
    """Validate one chunk; ``seen`` carries the natural keys met earlier in the same file.

    ``at`` is the chunk's converted positions (etl/convert.py) for kinds located by their own
    geometry, None for the others; accepted rows keep them in ``geom`` (WGS-84 shapely geometries).
    """
    v = Verdict(len(df))
    repairs = Repairs(len(df))
    raw_cols = [c for c in df.columns if not c.startswith("_")]
    _check_record(df, raw_cols, v)
    # the frame is made once from its columns: added one by one, each would cost a copy's bookkeeping
    out = pd.DataFrame(
        {
            f.name: _check_field(f, field_text(df, source, f.name), v, ctx, repairs)
            for f in kind.fields
            if f.name not in ("lon", "lat")
        },
        index=df.index,
    )
    _kind_rules(kind, out, v)
    if at is not None:
        if kind.geometry == "point":
            check_points(at, v, ctx.district, ctx.address_points, out)
        else:
            check_shapes(at, v, kind.geometry, ctx.district)
        out["geom"] = at.geom
    for f in kind.fields:
        if f.references and f.references in ctx.refs:
            vals = out[f.name]
            known = pc.is_in(pa.array(vals, type=pa.string()), value_set=ctx.refs[f.references])
            v.fail(
                vals.notna().to_numpy() & ~known.to_numpy(zero_copy_only=False),
                "unknown_reference",
                f.name,
                vals.astype(str),
            )
    for key in (kind.key, *kind.unique):
        cols = key.split(",")
        v.fail(seen.repeated(key, out[cols].reset_index(drop=True), v.ok), "duplicate", key)
        if key in ctx.taken:
            v.fail(_taken_by_another(out, kind.key, key, ctx.taken[key]), "duplicate", key, "already stored")
    good = v.ok
    rows = out[good].copy()
    rows["_line"] = df["_line"].to_numpy()[good]
    bad = ~good
    raw = [
        json.dumps(r, ensure_ascii=False, default=str).replace("\\u0000", "")
        for r in (df.loc[bad, raw_cols].to_dict("records") if bad.any() else [])
    ]
    quarantine = pd.DataFrame(
        {
            "line_no": df["_line"].to_numpy()[bad],
            "reason_code": v.reason[bad],
            "field": v.field[bad],
            "detail": [None if d is None else str(d) for d in v.detail[bad]],
            "raw": raw,
        }
    )
    return Checked(rows=rows, quarantine=quarantine, repaired=repairs.count(good))


def _check_record(df: pd.DataFrame, raw_cols: list[str], v: Verdict) -> None:
    """Refuse records the reader found malformed (``_bad``, ``_bad_feature``) or partly in another encoding
    (``_undecoded``), and any value holding a NUL character."""
    if "_bad" in df:
        v.fail((df["_bad"] != "").to_numpy(), "bad_record", None, df["_bad"].to_numpy())
    if "_bad_feature" in df:  # a GeoJSON feature that is not JSON (etl/geojson_lenient.py)
        v.fail((df["_bad_feature"] != "").to_numpy(), "bad_feature", None, df["_bad_feature"].to_numpy())
    if "_undecoded" in df:  # a line of another encoding in a file that is otherwise in its own
        where = df["_undecoded"].to_numpy(dtype=object)
        for col in sorted(set(where) - {""}):
            v.fail(where == col, "bad_encoding", col, f"bytes in column {col} not in the file's encoding")
    for col in raw_cols:
        if df[col].dtype == "str" and not pc.any(pc.match_substring(arrow_text(df[col]), "\x00")).as_py():
            continue  # nearly always: the column is searched once, in Arrow
        nul = df[col].astype(str).str.contains("\x00", regex=False).to_numpy()
        if nul.any():
            v.fail(nul, "nul_character", col, f"a NUL character in column {col}")


def _taken_by_another(out: pd.DataFrame, key: str, unique: str, taken: pd.DataFrame) -> np.ndarray:
    """Rows whose values of ``unique`` a stored row of another natural key already holds."""
    cols = unique.split(",")
    owner = taken.set_index(cols)[key]
    found = owner.reindex(pd.MultiIndex.from_frame(out[cols].astype(object))).to_numpy()
    mine = out[key].to_numpy()
    return np.array([o is not None and o == o and o != m for o, m in zip(found, mine, strict=True)])


def _kind_rules(kind: Kind, out: pd.DataFrame, v: Verdict) -> None:
    """Rules that span fields: time order, status and end time, migrants' registration."""
    for later, earlier in SEQUENCES.get(kind.name, []):
        v.fail(out[later].notna() & out[earlier].notna() & (out[later] < out[earlier]), "bad_sequence", later)
    if kind.name in STATUS_END:
        status, done, end = STATUS_END[kind.name]
        v.fail((out[status] == done) != out[end].notna(), "bad_sequence", end)
    if kind.name == "person":
        v.fail(
            out["is_migrant"].eq(True) & out["residence_status"].isna(),
            "missing_required",
            "residence_status",
        )
        v.fail(out["building_code"].isna() & out["unit_code"].isna(), "missing_required", "building_code")
