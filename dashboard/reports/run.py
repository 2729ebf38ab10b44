"""Write the weekly reports: one PDF and one XLSX per station and for the whole area; safe for cron.

Each file is written to a temporary name in its folder and renamed into place, so a reader (or a
crashed run) never sees half a file and a second run simply replaces the first.
"""

from __future__ import annotations

import contextvars
import multiprocessing
import os
import tempfile
import unicodedata
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from pathlib import Path

from dashboard import db
from dashboard.periods import Period
from dashboard.queries import areas, indicators
from dashboard.reports import pdf, xlsx
from dashboard.reports.weekly import StationReport, build_station, build_summary
from dashboard.scope import Scope


def atomic_write(path: Path, write: Callable[[Path], object]) -> Path:
    """``write(tmp)`` then rename ``tmp`` to ``path``; the temporary file never outlives a failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, 0o640)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


# what a file name may not hold on the systems the files go to (a path separator, Windows' refusals)
_REFUSED = frozenset('/\\:*?"<>|')
# a name longer than this (UTF-8 bytes) leaves no room under the usual 255 for the extension and
# the temporary name it is written under (atomic_write)
MAX_NAME_BYTES = 180


def safe_name(text: str) -> str:
    """A file name's stem from ``text`` (a station's name comes from a data file): no path
    separator or character Windows refuses; no control or format character (a line break cannot
    reach a header, a bidirectional override cannot make ``…xslx.exe`` read as ``…exe.xlsx``);
    blanks collapsed; at most :data:`MAX_NAME_BYTES` bytes, cut at a character; "report" if
    nothing is left."""
    kept = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
        for ch in text
        if ch not in _REFUSED and unicodedata.category(ch) not in ("Cf", "Cs", "Co", "Cn")
    )
    kept = " ".join(kept.split()).strip(" .")
    while len(kept.encode()) > MAX_NAME_BYTES:
        kept = kept[:-1].rstrip(" .")
    return kept or "report"


def station_files(
    url: str,
    scope: Scope,
    station: str,
    week: Period,
    folder: Path,
    kpis: dict[str, indicators.Kpis] | None = None,
    public_url: str | None = None,
    report: StationReport | None = None,
) -> list[Path]:
    """A station's PDF and XLSX (from ``report`` when already gathered); its headline figures go
    into ``kpis`` for the summary to reuse; with the deployment's ``public_url`` the PDF links to
    the station's page."""
    report = report or build_station(url, scope, station, week)
    if kpis is not None:
        kpis[station] = report.kpis
    stem = safe_name(f"{week.label()}_{station}_{report.name}")
    html = pdf.station_html(report, public_url)
    return [
        atomic_write(folder / f"{stem}.pdf", lambda tmp: tmp.write_bytes(pdf.to_pdf(html))),
        atomic_write(folder / f"{stem}.xlsx", lambda tmp: xlsx.write_station(report, tmp)),
    ]


def one_process(
    url: str,
    scope: Scope,
    codes: list[str],
    week: Period,
    folder: Path,
    figures: dict[str, indicators.Kpis],
    public_url: str | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> list[Path]:
    """The stations ``codes`` in this process, two at a time: the next one gathered (mostly the
    database's work, in a thread) while this one is typeset (the processor's)."""
    written: list[Path] = []
    with ThreadPoolExecutor(1) as ahead:

        def gather(code: str) -> Future[StationReport]:
            # the thread does not inherit the caller's context (its signed scope)
            return ahead.submit(contextvars.copy_context().run, build_station, url, scope, code, week)

        coming = gather(codes[0]) if codes else None
        for i, code in enumerate(codes):
            assert coming is not None
            report = coming.result()
            coming = gather(codes[i + 1]) if i + 1 < len(codes) else None
            if progress:
                progress(code, i)
            written += station_files(url, scope, code, week, folder, figures, public_url, report)
    return written


def _station_apart(
    token: str | None,
    url: str,
    scope: Scope,
    station: str,
    week: Period,
    folder: Path,
    public_url: str | None,
) -> tuple[list[Path], indicators.Kpis]:
    """:func:`station_files` in a worker process, under the caller's signed scope."""
    figures: dict[str, indicators.Kpis] = {}
    with db.scoped(token):
        paths = station_files(url, scope, station, week, folder, figures, public_url)
    return paths, figures[station]


def default_workers() -> int:
    """Processes for a batch: one per two processors.

    A worker process costs about 2.5 s of processor time before its first station (imports, the
    typesetter's fonts, fresh database sessions), and within each the next station is gathered
    while one is typeset. On this 2-processor machine, shared (load 8-10), the 11 county stations
    took 52.8 s in one process and 70-72 s in two, 59-97 s in four (benchmarks/reports.py).
    """
    return max(1, (os.cpu_count() or 1) // 2)


def weekly(
    url: str,
    scope: Scope,
    week: Period,
    out: Path,
    weights: dict[str, float],
    stations: list[str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    workers: int | None = None,
    public_url: str | None = None,
) -> list[Path]:
    """Reports for ``week`` into ``out/<week>/``: every station in scope (or those named) and the area.

    The stations are written by ``workers`` processes at once (default: :func:`default_workers`;
    1: in this process, the next station gathered while one is typeset). With the deployment's
    ``public_url`` each station's PDF links to that station's page for ``week``.
    """
    known = {s["station_code"]: s["name"] for s in areas.stations(url, scope)}
    codes = stations or sorted(known)
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise LookupError(
            f"no such station in scope: {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    folder = out / week.label()
    written: list[Path] = []
    figures: dict[str, indicators.Kpis] = {}
    workers = min(workers or default_workers(), len(codes))
    if workers <= 1:

        def step(code: str, i: int) -> None:
            if progress:
                progress(known[code], i, len(codes) + 1)

        written += one_process(url, scope, codes, week, folder, figures, public_url, step)
    else:
        # spawned, not forked: a forked child would share the parent's pooled database connections
        token = db.SCOPE_TOKEN.get()
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = {
                pool.submit(_station_apart, token, url, scope, c, week, folder, public_url): c for c in codes
            }
            for i, done in enumerate(as_completed(futures)):
                paths, figures[futures[done]] = done.result()
                written += paths
                if progress:
                    progress(known[futures[done]], i + 1, len(codes) + 1)
    if progress:
        progress("全域汇总", len(codes), len(codes) + 1)
    summary = build_summary(url, scope, week, weights, figures)
    stem = safe_name(f"{week.label()}_全域汇总")
    html = pdf.summary_html(summary)
    written.append(atomic_write(folder / f"{stem}.pdf", lambda tmp: tmp.write_bytes(pdf.to_pdf(html))))
    written.append(atomic_write(folder / f"{stem}.xlsx", lambda tmp: xlsx.write_summary(summary, tmp)))
    return written
