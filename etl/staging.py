"""COPY of checked frames into PostgreSQL, the staging table each load starts from, and its upsert.

Frames reach COPY as CSV text, written by Arrow where every column's type allows (pandas' writer
otherwise): time zone-aware columns in UTC (to the microsecond), geometries as EWKB hex with SRID
4326 (``with_ewkb``), None, NaN and empty strings as NULL; columns are named, so a frame's order
must match the list given.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import shapely
from psycopg import sql

from etl.contract import Kind

PG_TYPES = {
    "text": "text",
    "code": "text",
    "int": "bigint",
    "float": "double precision",
    "bool": "boolean",
    "date": "date",
    "datetime": "timestamptz",
    "id_number": "text",
    "phone": "text",
    "enum": "text",
}
QUARANTINE_COLUMNS = [
    "batch_id",
    "source",
    "kind",
    "file_path",
    "line_no",
    "reason_code",
    "field",
    "detail",
    "raw",
]


def field_columns(kind: Kind) -> list[str]:
    """The contract's fields a core table stores as they are (coordinates become ``geom``)."""
    return [f.name for f in kind.fields if f.name not in ("lon", "lat")]


def staging_ddl(kind: Kind, extra: dict[str, str]) -> sql.Composed:
    """(Re)create ``staging.<kind>``: the contract's fields, then ``extra`` (name → type), then line_no."""
    types = {f.name: PG_TYPES[f.type] for f in kind.fields}
    cols: list[sql.Composable] = [
        sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(types[c])) for c in field_columns(kind)
    ]
    cols += [sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(t)) for c, t in extra.items()]
    cols.append(sql.SQL("line_no bigint not null"))
    table = sql.Identifier("staging", kind.name)
    # raw rows may hold anything personal: row-level security, enabled and forced, with no policy
    # (only the owner, who bypasses it, reads staging). Logged, not unlogged: PostgreSQL 15 killed
    # while a transaction holds a freshly created unlogged table fails its next start ("could not
    # create file … File exists")
    return sql.SQL(
        "drop table if exists {t}; create table {t} ({cols}); comment on table {t} is {c}; "
        "select ops.protect({r}::regclass)"
    ).format(
        t=table,
        cols=sql.SQL(", ").join(cols),
        c=sql.Literal(f"One row per accepted input row of the last {kind.name} load ({kind.grain})."),
        r=sql.Literal(sql.Identifier("staging", kind.name).as_string(None)),
    )


def upsert_sql(
    kind: Kind, columns: list[tuple[str, sql.Composable]], joins: str, insert_only: bool
) -> sql.Composed:
    """staging.<kind> (alias ``s``, plus ``joins``) → core, touching only rows whose values change.

    Parameters
    ----------
    kind
        The kind whose staging table is read and whose core table and natural key are written.
    columns
        (core column, expression over ``s`` and the joins) for every column written.
    joins
        Join clauses after ``from staging.<kind> s`` (a parent the rows take their place from).
    insert_only
        True: a row whose key is stored is left alone (an immutable log); False: changed values
        are updated.
    """
    insert = [c for c, _ in columns]
    key = kind.key.split(",")
    conflict: sql.Composable
    if insert_only:
        conflict = sql.SQL("on conflict do nothing")
    else:
        non_key = [sql.Identifier(c) for c in insert if c not in key]
        conflict = sql.SQL(
            "on conflict ({key}) do update set ({cols}) = row({exc}) where ({old}) is distinct from ({new})"
        ).format(
            key=sql.SQL(", ").join(sql.Identifier(k) for k in key),
            cols=sql.SQL(", ").join(non_key),
            exc=sql.SQL(", ").join(sql.SQL("excluded.{}").format(c) for c in non_key),
            old=sql.SQL(", ").join(sql.SQL("t.{}").format(c) for c in non_key),
            new=sql.SQL(", ").join(sql.SQL("excluded.{}").format(c) for c in non_key),
        )
    return sql.SQL(
        "insert into {target} as t ({ins}) select {sel} from {stg} s {joins} order by s.line_no {conflict}"
    ).format(
        target=sql.Identifier(*kind.table.split(".")),
        ins=sql.SQL(", ").join(sql.Identifier(c) for c in insert),
        sel=sql.SQL(", ").join(e for _, e in columns),
        stg=sql.Identifier("staging", kind.name),
        joins=sql.SQL(joins),
        conflict=conflict,
    )


def _iso_text(df: pd.DataFrame) -> pd.DataFrame:
    """Time zone-aware columns as ISO text in UTC (numpy formats them far faster than pandas)."""
    out = df
    for col in df.columns:
        if isinstance(df[col].dtype, pd.DatetimeTZDtype):
            utc = df[col].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().astype("datetime64[us]")
            text = np.char.add(np.datetime_as_string(utc, unit="us"), "+00")
            text = text.astype(object)
            text[np.isnat(utc)] = None
            out = out.assign(**{col: text})
    return out


def with_ewkb(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows with their ``geom`` (WGS-84 shapely geometries) as EWKB hex, as COPY takes it.

    Done in the reading thread, once attribution no longer needs the geometries, so that the
    loading thread only writes.
    """
    if "geom" not in rows.columns:
        return rows
    geoms = rows["geom"].to_numpy()
    hexed = point_ewkb_hex(geoms)
    if hexed is None:
        hexed = shapely.to_wkb(shapely.set_srid(geoms, 4326), hex=True, include_srid=True)
    return rows.assign(geom=np.asarray(hexed, dtype=object))


_HEX = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)
_POINT_4326 = np.frombuffer(bytes.fromhex("0101000020E6100000"), dtype=np.uint8)  # LE, Point | SRID, 4326


def point_ewkb_hex(geoms: np.ndarray) -> np.ndarray | None:
    """2-D points as the EWKB hex (SRID 4326) ``shapely.to_wkb`` writes, built in numpy from their
    coordinates; None unless every item is a non-empty 2-D point.

    Each point's 25 bytes are a fixed head and its two doubles, so no GEOS writer is called per
    point (40,000 buildings: 55–70 ms of the reading thread's processor time).
    """
    n = len(geoms)
    if n == 0:
        return None
    types = shapely.get_type_id(geoms)
    if (types != 0).any() or shapely.is_empty(geoms).any() or shapely.has_z(geoms).any():
        return None
    raw = np.empty((n, 25), dtype=np.uint8)
    raw[:, :9] = _POINT_4326
    raw[:, 9:] = np.ascontiguousarray(shapely.get_coordinates(geoms), dtype="<f8").view(np.uint8)
    text = np.empty((n, 50), dtype=np.uint8)
    text[:, 0::2] = _HEX[raw >> 4]
    text[:, 1::2] = _HEX[raw & 15]
    return text.view("S50").ravel().astype("U50").astype(object)


_DIGITS = ord("0")


def utc_text(times: pa.Array) -> pa.Array:
    """Microsecond UTC timestamps as ``YYYY-MM-DD HH:MM:SS.ffffff+00`` text, built in numpy.

    Arrow's CSV writer formats a timestamp about ten times slower than every other column of a
    gate event together (13.6 of 15 ms for 15,000 events); here each distinct day is formatted
    once and the time of day is written digit by digit. Times whose year has not four digits go
    to Arrow's own cast, which writes the same instants.
    """
    n = len(times)
    us = pc.fill_null(times.cast(pa.int64()), 0).to_numpy()
    day, tod = np.divmod(us, 86_400_000_000)
    days, which = np.unique(day, return_inverse=True)
    names = np.datetime_as_string(days.astype("datetime64[D]"))
    if n == 0 or np.char.str_len(names).max() != 10:
        return times.cast(pa.string())
    out = np.empty((n, 29), dtype=np.uint8)
    out[:, :10] = np.frombuffer("".join(names.tolist()).encode(), dtype=np.uint8).reshape(-1, 10)[which]
    sec, frac = np.divmod(tod, 1_000_000)
    hours, rest = np.divmod(sec, 3600)
    minutes, seconds = np.divmod(rest, 60)
    for at, part in ((11, hours), (14, minutes), (17, seconds)):
        out[:, at] = part // 10 + _DIGITS
        out[:, at + 1] = part % 10 + _DIGITS
    for at in range(25, 19, -1):
        frac, digit = np.divmod(frac, 10)
        out[:, at] = digit + _DIGITS
    out[:, [10, 13, 16, 19, 26, 27, 28]] = np.frombuffer(b" ::.+00", dtype=np.uint8)
    valid = (
        None
        if times.null_count == 0
        else pa.array(times.is_valid().to_numpy(zero_copy_only=False)).buffers()[1]
    )
    offsets = np.arange(0, 29 * (n + 1), 29, dtype=np.int32)
    return pa.StringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(out.tobytes()), valid, times.null_count
    )


def _arrow_csv(df: pd.DataFrame) -> bytes | None:
    """The frame as PostgreSQL CSV, written by Arrow (C++, without holding the GIL, so the next
    chunk is checked meanwhile); None when a column is of a type only pandas' writer is trusted
    with here (mixed objects, naive date-times).

    Arrow quotes every string and leaves nulls bare, so an empty string is made null first: the
    same NULL pandas writes for it.
    """
    columns = []
    for name in df.columns:
        col = df[name]
        if isinstance(col.dtype, pd.DatetimeTZDtype):  # written as 2026-11-01 00:00:00.000000+00
            columns.append(
                utc_text(pa.array(col, from_pandas=True).cast(pa.timestamp("us", tz="UTC"), safe=False))
            )
            continue
        if col.dtype.kind in "mM" or isinstance(col.dtype, pd.CategoricalDtype):
            return None
        try:
            arr = pa.array(col, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return None
        if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
            arr = pc.if_else(pc.equal(arr, ""), pa.nulls(len(arr), arr.type), arr)
        elif not (
            pa.types.is_null(arr.type)
            or pa.types.is_boolean(arr.type)
            or pa.types.is_integer(arr.type)
            or pa.types.is_floating(arr.type)
        ):
            return None
        columns.append(arr)
    out = pa.BufferOutputStream()
    pacsv.write_csv(
        pa.table(columns, names=[f"c{i}" for i in range(len(columns))]),
        out,
        write_options=pacsv.WriteOptions(include_header=False),
    )
    return out.getvalue().to_pybytes()


def copy_frame(conn: psycopg.Connection, table: sql.Composable, columns: list[str], df: pd.DataFrame) -> None:
    """COPY a frame (already in column order) as CSV; None, NaN and empty strings become NULL."""
    if df.empty:
        return
    data: bytes | str | None = _arrow_csv(df)
    if data is None:
        buf = io.StringIO()
        _iso_text(df).to_csv(buf, index=False, header=False)
        data = buf.getvalue()
    stmt = sql.SQL("copy {} ({}) from stdin with (format csv)").format(
        table, sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    with conn.cursor() as cur, cur.copy(stmt) as copy:
        copy.write(data)
