"""``onemap etl load``: every source read, converted, checked, attributed and upserted; nothing lost.

Each source loads in one transaction, in the same steps whatever its kind: read a chunk
(etl/readers.py), convert its positions to WGS-84 (etl/convert.py), check it (etl/validate.py),
attribute the accepted rows, COPY them into ``staging.<kind>`` (or straight into core when that is
safe) and the rejected rows into ``ops.quarantine``; then one upsert moves staging into core and
the derived tables are refreshed. What differs between kinds lives in etl/kinds/, one module per
family. Updates only touch rows whose values differ, so loading the same files again changes
nothing; a source whose files and declaration were all loaded before is skipped outright.
"""

from __future__ import annotations

import glob
import hashlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import psycopg
import pyarrow as pa
import shapely
from psycopg import sql
from shapely import wkb

from common.china import CHINA_LAT, CHINA_LON
from common.errors import OnemapError
from etl.bulk import restore_indexes, set_aside_indexes
from etl.contract import KINDS, load_order
from etl.db import connect_raw
from etl.derive import derive_stale, load_lock
from etl.foreign_keys import BulkKeys, checked_writes
from etl.kinds import KindLoading, loading_for
from etl.manifest import Manifest, Source
from etl.prefetch import prefetch, ramp, started
from etl.readers import read_source
from etl.settings import get_etl_settings
from etl.staging import QUARANTINE_COLUMNS, copy_frame, staging_ddl, with_ewkb
from etl.validate import Checked, Context, SeenKeys, check_chunk

LOGGER = logging.getLogger(__name__)


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


# a Shapefile is several files: its attributes, index, CRS and encoding lie beside the .shp
SHAPEFILE_PARTS = (".dbf", ".shx", ".prj", ".cpg")


def with_parts(paths: Iterable[Path]) -> list[Path]:
    """``paths`` with the files each Shapefile among them is made of (any case of the suffix)."""
    out = []
    for p in paths:
        out.append(p)
        if p.suffix.lower() == ".shp":
            beside = {q.suffix.lower(): q for q in sorted(p.parent.glob(f"{glob.escape(p.stem)}.*"))}
            out += [beside[s] for s in SHAPEFILE_PARTS if s in beside]
    return out


def sha256(paths: Iterable[Path], declaration: str = "") -> str:
    """One digest over a source's declaration (format, encoding, datum, columns) and its files (a
    Shapefile's .dbf, .shx, .prj and .cpg too: new attributes under the same shapes are a new file)."""
    h = hashlib.sha256(declaration.encode())
    for p in with_parts(paths):
        h.update(p.name.encode())
        with p.open("rb") as fh:
            while block := fh.read(1 << 20):
                h.update(block)
    return h.hexdigest()


class Loader:
    """Loads a manifest's sources into the warehouse at ``owner_url``."""

    def __init__(
        self, owner_url: str, manifest: Manifest, progress: Callable[[str, int], None] | None = None
    ) -> None:
        self.url = owner_url
        self.manifest = manifest
        self.progress = progress or (lambda _label, _n: None)
        self.failed_kinds: set[str] = set()
        self.chunk_rows = get_etl_settings().chunk_rows

    # ------------------------------------------------------------------ context
    def _context(self, conn: psycopg.Connection, loading: KindLoading) -> Context:
        """The area, the loaded keys and codebooks the checks need, then what the kind adds."""
        kind = loading.kind
        row = conn.execute(
            "select st_asbinary(st_buffer(geom::geography, 100)::geometry) from core.districts "
            "where district_code = %s",
            (self.manifest.area.district_code,),
        ).fetchone()
        if row is not None:
            area = wkb.loads(bytes(row[0]))
        elif loading.defines_area:
            area = shapely.box(CHINA_LON[0], CHINA_LAT[0], CHINA_LON[1], CHINA_LAT[1])
        else:
            raise OnemapError(
                f"district {self.manifest.area.district_code} of the manifest's area is not loaded: "
                "load the district boundary first"
            )
        shapely.prepare(area)
        ctx = Context(district=area)
        for f in kind.fields:
            if f.references:
                ref = KINDS[f.references]
                # one array in binary, not a Python tuple per key (40,000 addresses: 0.1 s → 0.01 s)
                with conn.cursor(binary=True) as cur:
                    keys = cur.execute(
                        sql.SQL("select array_agg({}::text) from {}").format(
                            sql.Identifier(ref.key), sql.Identifier(*ref.table.split("."))
                        )
                    ).fetchone()
                ctx.refs[f.references] = pa.array(keys[0] if keys and keys[0] else [], type=pa.string())
            if f.codebook:
                book: dict[str, str] = {}
                if f.codebook == "core.grid_event_kinds":
                    # by code, or by its Chinese name where no other class uses that name
                    kinds = conn.execute("select kind_code, name_zh from core.grid_event_kinds").fetchall()
                    uses = Counter(n for _, n in kinds)
                    book = {**{n: c for c, n in kinds if uses[n] == 1}, **{c: c for c, _ in kinds}}
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
        loading.prepare(conn, ctx)
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
                self._load(conn, source, loading_for(kind), files, digest, report)
                conn.commit()
            except Exception as exc:  # one source's fault never stops the others' loads
                conn.rollback()
                if isinstance(exc, OnemapError):
                    message = str(exc)
                elif isinstance(exc, psycopg.Error):
                    message = f"{source.path}: the database refused the rows: {str(exc).splitlines()[0]}"
                else:  # a file no check foresaw: the source is refused whole, named, with the fault
                    LOGGER.exception("loading %s", source.path)
                    message = f"{source.path}: could not be loaded ({type(exc).__name__}: {exc})"[:500]
                self._record_failure(source, digest, message)
                report.status, report.message = "failed", message
                report.rows_in = report.loaded = report.quarantined = report.repaired = 0
                report.reasons = {}
                self.failed_kinds.add(kind.name)
        return report

    def _record_failure(self, source: Source, digest: str, message: str) -> None:
        with connect_raw(self.url) as conn:
            conn.execute(
                "insert into ops.load_batch (source, kind, file_path, file_sha256, manifest_path, area_code, "
                "status, finished_at, message) values (%s, %s, %s, %s, %s, %s, 'failed', now(), %s)",
                (
                    source.name,
                    source.kind,
                    source.path,
                    digest,
                    str(self.manifest.path),
                    self.manifest.area.district_code,
                    message,
                ),
            )
            conn.commit()

    def _load(
        self,
        conn: psycopg.Connection,
        source: Source,
        loading: KindLoading,
        files: list[Path],
        digest: str,
        report: SourceReport,
    ) -> None:
        """Every chunk into staging (or core) and the quarantine, then the upsert and the derived tables."""
        kind = loading.kind
        area = self.manifest.area.district_code
        batch_id = conn.execute(
            "insert into ops.load_batch (source, kind, file_path, file_sha256, manifest_path, area_code) "
            "values (%s, %s, %s, %s, %s, %s) returning batch_id",
            (source.name, source.kind, source.path, digest, str(self.manifest.path), area),
        ).fetchone()[0]  # type: ignore[index]
        # the quarantine holds the current rejects of each source: a re-sent file replaces those of
        # the source's earlier loads (their counts stay in ops.load_batch)
        conn.execute(
            "delete from ops.quarantine q using ops.load_batch b where b.batch_id = q.batch_id "
            "and b.source = %s and b.kind = %s and coalesce(b.area_code, %s) = %s and b.batch_id <> %s",
            (source.name, source.kind, area, area, batch_id),
        )
        conn.execute(staging_ddl(kind, loading.extra_columns))
        aside = set_aside_indexes(conn, kind.table)  # a first load builds them once at the end
        # the parents are locked before the checks read them; the references are then checked
        # in bulk and the rows written without a trigger per row, where the role may
        loading.keys = BulkKeys.start(conn, kind.table)
        # the first file's first chunk is read while the context is asked for
        first = started(self._read(source, files[0])) if files else None
        ctx = self._context(conn, loading)
        stg_cols = [*loading.staged_columns(), "line_no"]
        # chunks are read, converted, checked and attributed in a worker thread while this one
        # copies the previous chunk
        for rel, n_in, checked in prefetch(self._checked_chunks(source, loading, ctx, files, report, first)):
            report.rows_in += n_in
            report.loaded += len(checked.rows)
            report.repaired += checked.repaired
            report.quarantined += len(checked.quarantine)
            for code, n in checked.quarantine["reason_code"].value_counts().items():
                report.reasons[str(code)] = report.reasons.get(str(code), 0) + int(n)
            rows = checked.rows.rename(columns={"_line": "line_no"})[stg_cols]
            q = checked.quarantine.assign(
                batch_id=batch_id, source=source.name, kind=source.kind, file_path=rel
            )[QUARANTINE_COLUMNS]
            with clock(report, "copy"):
                staged = loading.direct(conn, rows, rel, batch_id)
                report.changed += len(rows) - len(staged)
                copy_frame(conn, sql.Identifier("staging", kind.name), stg_cols, staged)
                copy_frame(conn, sql.Identifier("ops", "quarantine"), QUARANTINE_COLUMNS, q)
            self.progress(source.name, n_in)
        with clock(report, "upsert"):
            loading.before_upsert(conn)
            with checked_writes(loading.keys, conn):
                cur = conn.execute(loading.upsert(), {"batch_id": batch_id})
            if loading.keys is not None:
                loading.keys.check_written(conn, source.path)
        report.changed += max(cur.rowcount, 0)
        with clock(report, "index"):
            restore_indexes(conn, aside)
        with clock(report, "derive"):
            loading.derive(conn)
        conn.execute(
            "update ops.load_batch set status = 'loaded', finished_at = clock_timestamp(), rows_in = %s, "
            "loaded = %s, repaired = %s, quarantined = %s where batch_id = %s",
            (report.rows_in, report.loaded, report.repaired, report.quarantined, batch_id),
        )

    def _read(self, source: Source, path: Path) -> Iterator[pd.DataFrame]:
        """The chunks of one of the source's files, as declared."""
        return read_source(
            path,
            source.format,
            source.encoding,
            source.layer,
            source.sheet,
            chunk_rows=self.chunk_rows,
            header_row=source.header_row,
        )

    def _checked_chunks(
        self,
        source: Source,
        loading: KindLoading,
        ctx: Context,
        files: list[Path],
        report: SourceReport,
        first: Iterator[pd.DataFrame] | None = None,
    ) -> Iterator[tuple[str, int, Checked]]:
        """Each file's chunks, read, converted, checked and attributed: (file, rows in, verdict);
        ``first``, when given, the first file's chunks, already being read."""
        seen = SeenKeys()  # duplicates are looked for across all files of the source
        for n, path in enumerate(files):
            rel = (
                str(path.relative_to(self.manifest.root))
                if path.is_relative_to(self.manifest.root)
                else str(path)
            )
            chunks = first if n == 0 and first is not None else self._read(source, path)
            if n == 0:  # nothing overlaps the first chunk: small pieces start the copying early
                chunks = ramp(chunks, self.chunk_rows)
            while True:
                with clock(report, "read"):
                    chunk = next(chunks, None)
                if chunk is None:
                    break
                self._require_columns(source, chunk, path)
                with clock(report, "convert"):
                    at = loading.convert(chunk, source)
                with clock(report, "validate"):
                    checked = check_chunk(chunk, source, loading.kind, ctx, seen, at)
                with clock(report, "attribute"):
                    checked.rows = with_ewkb(loading.attribute(checked.rows))
                yield rel, len(chunk), checked

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

    # ------------------------------------------------------------------ everything
    def run(self, only: list[str] | None = None) -> list[SourceReport]:
        """Load the manifest's sources in dependency order, then the alerts and the analysis when stale.

        Holds the warehouse's load lock throughout (etl/derive.py): a second run fails at once.
        """
        order = {k: i for i, k in enumerate(load_order())}
        sources = sorted(self.manifest.sources, key=lambda s: order[s.kind])
        if only:
            unknown = sorted(set(only) - set(KINDS))
            if unknown:
                raise OnemapError(
                    f"--only names unknown kinds {unknown}; expected some of {', '.join(KINDS)}"
                )
            sources = [s for s in sources if s.kind in only]
        with load_lock(self.url):
            reports = [self.load_source(s) for s in sources]
            with connect_raw(self.url) as conn:
                # also when every source was unchanged: a run killed while deriving left them stale
                derive_stale(conn, any(r.status == "loaded" for r in reports))
        return reports
