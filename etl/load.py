"""``onemap etl load``: every source read, validated, attributed and upserted; nothing lost.

Each source loads in one transaction: accepted rows, already attributed to grid, police zone and
station (etl/attribute.py), COPY into ``staging.<kind>`` and rejected rows into ``ops.quarantine``;
then one upsert moves staging into core. Updates only touch rows whose values differ, so loading
the same files again changes nothing; a source whose files and declaration were all loaded before
is skipped outright. Gate events for a time range with no stored events are appended to core
directly (``Loader._append``).
"""

from __future__ import annotations

import hashlib
import io
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg
import pyarrow as pa
import shapely
from psycopg import sql
from shapely import wkb

from common.errors import OnemapError
from etl.attribute import Attributor
from etl.contract import KINDS, Kind, load_order
from etl.db import connect_raw
from etl.manifest import Manifest, Source
from etl.prefetch import prefetch
from etl.readers import read_source
from etl.sql import read_sql
from etl.validate import Checked, Context, SeenKeys, check_chunk

LOGGER = logging.getLogger(__name__)

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
ATTRIBUTION = ["grid_code", "zone_code", "station_code"]
DEVICE_ATTRS = ["district_code", "building_code", "grid_code", "zone_code", "station_code"]
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
PARENT_SQL = {  # kinds located at their building: (join clause, alias whose geom and codes they take)
    "rental_unit": ("join core.buildings p on p.building_code = s.building_code", "p"),
    "access_device": ("join core.buildings p on p.building_code = s.building_code", "p"),
}


@dataclass
class SourceReport:
    """What happened to one source; rows_in always equals loaded + quarantined."""

    source: str
    kind: str
    status: str = "loaded"
    rows_in: int = 0
    loaded: int = 0
    repaired: int = 0
    quarantined: int = 0
    changed: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    message: str = ""
    seconds: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        """The report entry as the contract's JSON."""
        return {
            "source": self.source,
            "kind": self.kind,
            "status": self.status,
            "rows_in": self.rows_in,
            "loaded": self.loaded,
            "repaired": self.repaired,
            "quarantined": self.quarantined,
            "changed": self.changed,
            "reasons": dict(sorted(self.reasons.items())),
            **({"message": self.message} if self.message else {}),
            **({"seconds": {k: round(v, 2) for k, v in self.seconds.items()}} if self.seconds else {}),
        }


@contextmanager
def clock(report: SourceReport, phase: str) -> Iterator[None]:
    """Add the time spent in a phase of a source's load to its report."""
    t0 = time.perf_counter()
    try:
        yield
    finally:
        report.seconds[phase] = report.seconds.get(phase, 0.0) + time.perf_counter() - t0


def sha256(paths: Iterable[Path], declaration: str = "") -> str:
    """One digest over a source's declaration (format, encoding, datum, columns) and its files."""
    h = hashlib.sha256(declaration.encode())
    for p in paths:
        h.update(p.name.encode())
        with p.open("rb") as fh:
            while block := fh.read(1 << 20):
                h.update(block)
    return h.hexdigest()


def _staging_ddl(kind: Kind) -> sql.Composed:
    cols: list[sql.Composable] = [
        sql.SQL("{} {}").format(sql.Identifier(f.name), sql.SQL(PG_TYPES[f.type]))
        for f in kind.fields
        if f.name not in ("lon", "lat")
    ]
    if kind.geometry in ("point", "polygon"):
        cols.append(sql.SQL("geom geometry(Geometry, 4326)"))
    if kind.geometry == "point":
        cols += [sql.SQL(f"{c} text") for c in ATTRIBUTION]
    cols.append(sql.SQL("line_no bigint not null"))
    table = sql.Identifier("staging", kind.name)
    # raw rows may hold anything personal: row-level security, enabled and forced, with no policy
    # (only the owner, who bypasses it, reads staging)
    return sql.SQL(
        "drop table if exists {t}; create unlogged table {t} ({cols}); comment on table {t} is {c}; "
        "select ops.protect({r}::regclass)"
    ).format(
        t=table,
        cols=sql.SQL(", ").join(cols),
        c=sql.Literal(f"One row per accepted input row of the last {kind.name} load ({kind.grain})."),
        r=sql.Literal(sql.Identifier("staging", kind.name).as_string(None)),
    )


def _columns(kind: Kind) -> list[str]:
    return [f.name for f in kind.fields if f.name not in ("lon", "lat")]


def _upsert_sql(kind: Kind) -> sql.Composed:
    """staging.<kind> → core table, attributed, touching only rows whose values change."""
    cols = _columns(kind)
    schema, table = kind.table.split(".")
    target = sql.Identifier(schema, table)
    key = [sql.Identifier(k) for k in kind.key.split(",")]
    select: list[sql.Composable] = [sql.SQL("s.{}").format(sql.Identifier(c)) for c in cols]
    insert: list[str] = list(cols)
    joins = sql.SQL("")
    if kind.geometry in ("point", "polygon"):
        insert.append("geom")
        select.append(sql.SQL("s.geom"))
    if kind.geometry == "point":
        insert += ATTRIBUTION
        select += [sql.SQL("s.{}").format(sql.Identifier(c)) for c in ATTRIBUTION]
    elif kind.name in PARENT_SQL:
        join, alias = PARENT_SQL[kind.name]
        joins = sql.SQL(join)
        for c in ("district_code", "geom", "grid_code", "zone_code", "station_code"):
            insert.append(c)
            select.append(sql.SQL(f"{alias}.{c}"))
    elif kind.name == "person":
        joins = sql.SQL(read_sql("person_parent.sql"))
        select = [sql.SQL("s.{}").format(sql.Identifier(c)) for c in cols if c != "building_code"]
        insert = [c for c in cols if c != "building_code"]
        extra = {
            "building_code": "p.building_code",
            "district_code": "p.district_code",
            "geom": "coalesce(u.geom, p.geom)",
            "grid_code": "coalesce(u.grid_code, p.grid_code)",
            "zone_code": "coalesce(u.zone_code, p.zone_code)",
            "station_code": "coalesce(u.station_code, p.station_code)",
            "birth_date": "to_date(substr(s.id_number, 7, 8), 'YYYYMMDD')",
            "hukou_division_code": "substr(s.id_number, 1, 6)",
        }
        for c, expr in extra.items():
            insert.append(c)
            select.append(sql.SQL(expr))
        gender_at = insert.index("gender")
        select[gender_at] = sql.SQL(
            "coalesce(s.gender, case when mod(substr(s.id_number, 17, 1)::int, 2) = 1 then 'M' else 'F' end)"
        )
    elif kind.name == "access_event":
        joins = sql.SQL("join core.access_devices p on p.device_code = s.device_code")
        for c in ("district_code", "building_code", "grid_code", "zone_code", "station_code"):
            insert.append(c)
            select.append(sql.SQL(f"p.{c}"))
        insert.append("batch_id")
        select.append(sql.Placeholder("batch_id"))
    ins = sql.SQL(", ").join(sql.Identifier(c) for c in insert)
    conflict: sql.Composable
    if kind.name == "access_event":
        conflict = sql.SQL("on conflict do nothing")
    else:
        non_key = [c for c in insert if c not in kind.key.split(",")]
        conflict = sql.SQL(
            "on conflict ({key}) do update set ({cols}) = row({exc}) where ({old}) is distinct from ({new})"
        ).format(
            key=sql.SQL(", ").join(key),
            cols=sql.SQL(", ").join(sql.Identifier(c) for c in non_key),
            exc=sql.SQL(", ").join(sql.SQL("excluded.{}").format(sql.Identifier(c)) for c in non_key),
            old=sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(c)) for c in non_key),
            new=sql.SQL(", ").join(sql.SQL("excluded.{}").format(sql.Identifier(c)) for c in non_key),
        )
    return sql.SQL(
        "insert into {target} as t ({ins}) select {sel} from {stg} s {joins} order by s.line_no {conflict}"
    ).format(
        target=target,
        ins=ins,
        sel=sql.SQL(", ").join(select),
        stg=sql.Identifier("staging", kind.name),
        joins=joins,
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


def _copy_frame(
    conn: psycopg.Connection, table: sql.Composable, columns: list[str], df: pd.DataFrame
) -> None:
    """COPY a frame (already in column order) as CSV; None and NaN become NULL."""
    if df.empty:
        return
    df = _iso_text(df)
    buf = io.StringIO()
    df.to_csv(buf, index=False, header=False)
    stmt = sql.SQL("copy {} ({}) from stdin with (format csv)").format(
        table, sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    with conn.cursor() as cur, cur.copy(stmt) as copy:
        copy.write(buf.getvalue())


class Loader:
    """Loads a manifest's sources into the warehouse at ``owner_url``."""

    def __init__(
        self, owner_url: str, manifest: Manifest, progress: Callable[[str, int], None] | None = None
    ) -> None:
        self.url = owner_url
        self.manifest = manifest
        self.progress = progress or (lambda _label, _n: None)
        self.failed_kinds: set[str] = set()
        self.devices = pd.DataFrame()
        from etl.settings import get_etl_settings

        self.chunk_rows = get_etl_settings().chunk_rows

    # ------------------------------------------------------------------ context
    def _context(self, conn: psycopg.Connection, kind: Kind) -> Context:
        row = conn.execute(
            "select st_asbinary(st_buffer(geom::geography, 100)::geometry) from core.districts "
            "where district_code = %s",
            (self.manifest.area.district_code,),
        ).fetchone()
        if row is None:
            if kind.name in ("district",):
                area = shapely.box(73, 3, 136, 54)  # the district itself is being loaded
            else:
                raise OnemapError(
                    f"district {self.manifest.area.district_code} of the manifest's area is not loaded: "
                    "load the district boundary first"
                )
        else:
            area = wkb.loads(bytes(row[0]))
        shapely.prepare(area)
        ctx = Context(district=area)
        for f in kind.fields:
            if f.references:
                ref = KINDS[f.references]
                ctx.refs[f.references] = pa.array(
                    [
                        r[0]
                        for r in conn.execute(
                            sql.SQL("select {} from {}").format(
                                sql.Identifier(ref.key), sql.Identifier(*ref.table.split("."))
                            )
                        )
                    ],
                    type=pa.string(),
                )
            if f.codebook:
                book: dict[str, str] = {}
                if f.codebook == "core.grid_event_kinds":
                    book = {r[0]: r[0] for r in conn.execute("select kind_code from core.grid_event_kinds")}
                else:
                    key = "category"
                    book = {
                        r[1]: r[0]
                        for r in conn.execute(
                            sql.SQL("select {}, name_zh from {}").format(
                                sql.Identifier(key), sql.Identifier(*f.codebook.split("."))
                            )
                        )
                    }
                ctx.codebooks[f.codebook] = book
        if kind.geometry == "point":
            ctx.attributor = Attributor(
                [
                    (r[0], wkb.loads(bytes(r[1])))
                    for r in conn.execute("select grid_code, st_asbinary(geom) from core.grids")
                ],
                [
                    (r[0], r[1], wkb.loads(bytes(r[2])))
                    for r in conn.execute(
                        "select zone_code, station_code, st_asbinary(geom) from core.police_zones"
                    )
                ],
            )
        if kind.name == "access_event":
            self.devices = pd.DataFrame(
                conn.execute(
                    "select device_code, district_code, building_code, grid_code, zone_code, station_code "
                    "from core.access_devices"
                ).fetchall(),
                columns=["device_code", *DEVICE_ATTRS],
            )
        if kind.name == "building":
            ctx.address_points = pd.DataFrame(
                conn.execute(
                    "select address_code, st_x(geom), st_y(geom) from core.standard_addresses"
                ).fetchall(),
                columns=["address_code", "x", "y"],
            ).set_index("address_code")
        return ctx

    # ------------------------------------------------------------------ one source
    def load_source(self, source: Source) -> SourceReport:
        """Load one source in one transaction; on failure the database is as it was."""
        kind = KINDS[source.kind]
        report = SourceReport(source=source.name, kind=source.kind)
        blocked = [d for d in kind.depends if d in self.failed_kinds]
        if blocked:
            report.status, report.message = "skipped", f"depends on {', '.join(blocked)}, which failed"
            self.failed_kinds.add(kind.name)
            return report
        files = self.manifest.files(source)
        digest = sha256(files, source.model_dump_json(exclude={"name", "agency"}))
        with connect_raw(self.url) as conn:
            done = conn.execute(
                "select 1 from ops.load_batch where source = %s and kind = %s and file_sha256 = %s "
                "and status = 'loaded'",
                (source.name, source.kind, digest),
            ).fetchone()
            if done:
                report.status = "unchanged"
                return report
            try:
                self._load(conn, source, kind, files, digest, report)
                conn.commit()
            except (OnemapError, psycopg.Error) as exc:
                conn.rollback()
                message = (
                    str(exc)
                    if isinstance(exc, OnemapError)
                    else (f"{source.path}: the database refused the rows: {str(exc).splitlines()[0]}")
                )
                self._record_failure(source, digest, message)
                report.status, report.message = "failed", message
                report.rows_in = report.loaded = report.quarantined = report.repaired = 0
                report.reasons = {}
                self.failed_kinds.add(kind.name)
        return report

    def _record_failure(self, source: Source, digest: str, message: str) -> None:
        with connect_raw(self.url) as conn:
            conn.execute(
                "insert into ops.load_batch (source, kind, file_path, file_sha256, manifest_path, status, "
                "finished_at, message) values (%s, %s, %s, %s, %s, 'failed', now(), %s)",
                (source.name, source.kind, source.path, digest, str(self.manifest.path), message),
            )
            conn.commit()

    def _load(
        self,
        conn: psycopg.Connection,
        source: Source,
        kind: Kind,
        files: list[Path],
        digest: str,
        report: SourceReport,
    ) -> None:
        batch_id = conn.execute(
            "insert into ops.load_batch (source, kind, file_path, file_sha256, manifest_path) "
            "values (%s, %s, %s, %s, %s) returning batch_id",
            (source.name, source.kind, source.path, digest, str(self.manifest.path)),
        ).fetchone()[0]  # type: ignore[index]
        conn.execute(_staging_ddl(kind))
        ctx = self._context(conn, kind)
        cols = _columns(kind)
        stg_cols = (
            cols
            + (["geom"] if kind.geometry in ("point", "polygon") else [])
            + (ATTRIBUTION if kind.geometry == "point" else [])
            + ["line_no"]
        )
        first_time = last_time = None
        appended: list[tuple[str, pd.Timestamp, pd.Timestamp]] = []  # (file, first, last) copied straight in
        # chunks are read and validated in a worker thread while this one copies the previous chunk
        for rel, n_in, checked in prefetch(self._checked_chunks(source, kind, ctx, files, report)):
            report.rows_in += n_in
            report.loaded += len(checked.rows)
            report.repaired += checked.repaired
            report.quarantined += len(checked.quarantine)
            for code, n in checked.quarantine["reason_code"].value_counts().items():
                report.reasons[str(code)] = report.reasons.get(str(code), 0) + int(n)
            rows = checked.rows.rename(columns={"_line": "line_no"})[stg_cols]
            if kind.name == "access_event" and not rows.empty:
                lo, hi = rows["event_time"].min(), rows["event_time"].max()
                first_time = lo if first_time is None else min(first_time, lo)
                last_time = hi if last_time is None else max(last_time, hi)
            q = checked.quarantine.assign(
                batch_id=batch_id, source=source.name, kind=source.kind, file_path=rel
            )[QUARANTINE_COLUMNS]
            with clock(report, "copy"):
                if self._direct(conn, kind, rows, rel, batch_id, appended):
                    report.changed += len(rows)
                else:
                    _copy_frame(conn, sql.Identifier("staging", kind.name), stg_cols, rows)
                _copy_frame(conn, sql.Identifier("ops", "quarantine"), QUARANTINE_COLUMNS, q)
            self.progress(source.name, n_in)
        if kind.name == "access_event" and first_time is not None and last_time is not None:
            conn.execute(
                "select core.ensure_access_event_partitions(%s, %s)",
                ((first_time.tz_convert("UTC") - pd.Timedelta(days=1)).date(), last_time.date()),
            )
        with clock(report, "upsert"):
            cur = conn.execute(_upsert_sql(kind), {"batch_id": batch_id})
        report.changed += max(cur.rowcount, 0)
        with clock(report, "derive"):
            self._derive(conn, kind, first_time, last_time)
        conn.execute(
            "update ops.load_batch set status = 'loaded', finished_at = clock_timestamp(), rows_in = %s, "
            "loaded = %s, "
            "repaired = %s, quarantined = %s where batch_id = %s",
            (report.rows_in, report.loaded, report.repaired, report.quarantined, batch_id),
        )

    def _checked_chunks(
        self, source: Source, kind: Kind, ctx: Context, files: list[Path], report: SourceReport
    ) -> Iterator[tuple[str, int, Checked]]:
        """Each file's chunks, read and validated: (file relative to the manifest, rows in, verdict)."""
        for path in files:
            seen = SeenKeys()  # duplicates are looked for within a file
            rel = (
                str(path.relative_to(self.manifest.root))
                if path.is_relative_to(self.manifest.root)
                else str(path)
            )
            chunks = read_source(
                path, source.format, source.encoding, source.layer, source.sheet, chunk_rows=self.chunk_rows
            )
            while True:
                with clock(report, "read"):
                    chunk = next(chunks, None)
                if chunk is None:
                    break
                self._require_columns(source, chunk, path)
                with clock(report, "validate"):
                    checked = check_chunk(chunk, source, kind, ctx, seen)
                yield rel, len(chunk), checked

    def _direct(self, conn: psycopg.Connection, kind: Kind, rows: pd.DataFrame, file: str, batch_id: int,
                appended: list[tuple[str, pd.Timestamp, pd.Timestamp]]) -> bool:  # fmt: skip
        """True when a chunk could go straight into core, skipping staging and the upsert."""
        if kind.name == "access_event":
            return self._append(conn, rows, file, batch_id, appended)
        if kind.geometry in ("point", "polygon"):
            return self._insert_new(conn, kind, rows)
        return False

    def _append(self, conn: psycopg.Connection, rows: pd.DataFrame, file: str, batch_id: int,
                appended: list[tuple[str, pd.Timestamp, pd.Timestamp]]) -> bool:  # fmt: skip
        """Gate events whose time range holds no stored event go straight into core (no upsert).

        Returns False, leaving the rows to the staging path and its ``on conflict do nothing``,
        when the range overlaps stored events or rows another file of this load put in.
        """
        if rows.empty:
            return True
        lo, hi = rows["event_time"].min(), rows["event_time"].max()
        if any(f != file and a <= hi and lo <= b for f, a, b in appended):
            return False
        conn.execute(
            "select core.ensure_access_event_partitions(%s, %s)",
            ((lo.tz_convert("UTC") - pd.Timedelta(days=1)).date(), (hi + pd.Timedelta(days=1)).date()),
        )
        stored = conn.execute(
            "select exists (select 1 from core.access_events where event_time between %s and %s "
            "and batch_id is distinct from %s)",
            (lo, hi, batch_id),
        ).fetchone()
        if stored and stored[0]:
            return False
        full = rows.drop(columns=["line_no"]).merge(
            self.devices, on="device_code", how="left", validate="m:1"
        )
        full["batch_id"] = batch_id
        columns = [
            "device_code",
            "event_time",
            "card_no",
            "unit_code",
            "method",
            "direction",
            *DEVICE_ATTRS,
            "batch_id",
        ]
        _copy_frame(conn, sql.Identifier("core", "access_events"), columns, full[columns])
        appended.append((file, lo, hi))
        return True

    @staticmethod
    def _insert_new(conn: psycopg.Connection, kind: Kind, rows: pd.DataFrame) -> bool:
        """Rows none of whose keys are stored go straight into core (a first load needs no upsert).

        Only for kinds located by their own coordinates, whose rows already carry everything core
        holds; COPY still enforces every constraint and foreign key. Returns False, leaving the rows
        to the staging upsert, when any key is already stored.
        """
        if rows.empty:
            return True
        key = kind.key.split(",")
        if len(key) != 1:
            return False
        schema, table = kind.table.split(".")
        stored = conn.execute(
            sql.SQL("select exists (select 1 from {} where {} = any(%s))").format(
                sql.Identifier(schema, table), sql.Identifier(key[0])
            ),
            (rows[key[0]].tolist(),),
        ).fetchone()
        if stored and stored[0]:
            return False
        columns = [c for c in rows.columns if c != "line_no"]
        _copy_frame(conn, sql.Identifier(schema, table), columns, rows[columns])
        return True

    @staticmethod
    def _require_columns(source: Source, chunk: pd.DataFrame, path: Path) -> None:
        """A mapped column missing from the file stops the source, naming file, column and field."""
        for fname, col in source.columns.items():
            if col not in chunk.columns:
                have = [c for c in chunk.columns if not c.startswith("_")]
                raise OnemapError(
                    f"{path}: column {col!r} (field {fname} of {source.kind}) not found; "
                    f"the file has {', '.join(have[:12])}{' …' if len(have) > 12 else ''}"
                )

    def _derive(
        self, conn: psycopg.Connection, kind: Kind, first: pd.Timestamp | None, last: pd.Timestamp | None
    ) -> None:
        """Derived tables that depend on what this source changed."""
        if (
            kind.name in ("grid", "police_zone")
            and conn.execute("select 1 from core.grids limit 1").fetchone()
        ):
            conn.execute(read_sql("derive_zone_grids.sql"))
        if kind.name == "access_event" and first is not None and last is not None:
            conn.execute(read_sql("derive_access_daily.sql"), {"first": first, "last": last})

    # ------------------------------------------------------------------ everything
    def run(self, only: list[str] | None = None) -> list[SourceReport]:
        """Load the manifest's sources in dependency order; derive alerts at the end."""
        order = {k: i for i, k in enumerate(load_order())}
        sources = sorted(self.manifest.sources, key=lambda s: order[s.kind])
        if only:
            unknown = sorted(set(only) - set(KINDS))
            if unknown:
                raise OnemapError(
                    f"--only names unknown kinds {unknown}; expected some of {', '.join(KINDS)}"
                )
            sources = [s for s in sources if s.kind in only]
        reports = [self.load_source(s) for s in sources]
        if any(r.status == "loaded" for r in reports):
            self.derive_alerts()
        return reports

    def derive_alerts(self, thresholds: dict[str, float] | None = None) -> None:
        """Rebuild derived alerts (only rows that change are written)."""
        from etl.settings import get_etl_settings

        params = thresholds or get_etl_settings().alert_params()
        with connect_raw(self.url) as conn:
            conn.execute(read_sql("derive_alerts.sql"), params)
            conn.commit()
