"""What the cached parts showing alerts' states and supervisions (督办) are keyed by between loads:
per area, the verdicts its alerts were given, the changes its supervisions saw and how many of
them are overdue now. The database counts them in the transaction of each verdict and step, into
the areas of the alert or item (its station, police zone, grid, and its grid's town and village;
``ops.judged_counts``), so a verdict in one station changes the stamps of the pages that show it
(that station, its zone and grid, their town and village, and the pages of a whole scope holding
it) and of no other; reading them is one indexed read of a few rows, whatever the logs hold."""

from __future__ import annotations

from collections.abc import Iterable

from dashboard.queries.sql import rows
from dashboard.scope import Scope

# verdicts given, supervision changes, supervisions overdue now
Stamp = tuple[int, int, int]
LEVELS = ("station", "zone", "grid", "town", "village")


def by_area(url: str, level: str, codes: Iterable[str] | None = None) -> dict[str, Stamp]:
    """Per area of ``level`` (each of ``codes``, or every one with a verdict or supervision), its
    stamp; an area without either has none (its stamp is (0, 0, 0))."""
    if level not in LEVELS:
        raise ValueError(f"no judged counts for the level {level!r}")
    found = rows(url, "judged_stamps", {"level": level, "codes": None if codes is None else sorted(codes)})
    return {r["code"]: (int(r["verdicts"]), int(r["steps"]), int(r["overdue"])) for r in found}


def area_stamp(url: str, level: str, code: str) -> Stamp:
    """The stamp of one area's page (a station, zone, grid, town or village)."""
    return by_area(url, level, [code]).get(code, (0, 0, 0))


def scope_stamp(url: str, scope: Scope) -> Stamp:
    """The stamp of a page showing a whole scope (the map, a grid worker's list): the sums over
    its stations, or over its grids where the scope names grids."""
    if scope.grids is not None:
        return summed(by_area(url, "grid", scope.grids).values())
    return summed(by_area(url, "station", scope.stations).values())


def summed(stamps: Iterable[Stamp]) -> Stamp:
    """Stamps added up: each count only grows, so the sum changes whenever one of them does
    (the overdue ones may also fall, with a supervision closed: a step, counted too)."""
    v = s = o = 0
    for a, b, c in stamps:
        v, s, o = v + a, s + b, o + c
    return v, s, o
