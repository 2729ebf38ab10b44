"""What a weekly report says: gathered from the dashboard's own queries, for one station or the whole area."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from common.china import TZ
from common.codebook import label
from dashboard.headlines import FIGURES
from dashboard.hotspots import Standing, class_text, p_text
from dashboard.periods import Period, as_of, data_as_of_zh
from dashboard.queries import analysis, areas, breakdowns, elements, indicators, operations, supervision
from dashboard.queries.areas import Area
from dashboard.reports.mapimage import hotspot_map, station_map
from dashboard.reports.supervisions import badge_text, week_rows
from dashboard.scope import Scope
from dashboard.ui import named, signed_pct

T = TypeVar("T")


@dataclass
class StationReport:
    """Everything one station's weekly report prints."""

    station: str
    name: str
    week: Period
    generated_at: datetime
    as_of: datetime
    kpis: indicators.Kpis
    zones: list[indicators.AreaRow]
    grids: list[indicators.AreaRow]
    # elements.RedCard, with "grid" and "zone" (names beside codes) and "supervised" (its 督办, in words)
    red_cards: list[dict[str, Any]]
    event_classes: list[dict[str, Any]]
    hazard_categories: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    incidents_by_category: list[dict[str, Any]]
    three_codes: float | None
    quarantined: int
    loaded: datetime | None  # when the latest finished load ended (see data_as_of_line)
    map_jpeg: bytes = field(repr=False, default=b"")  # mapimage.station_map
    # 研判: the hot-spot grids (dressed for print, see hot_spots) and what the analysis stands at
    hot_spots: list[dict[str, Any]] = field(default_factory=list)
    analysis_note: str = ""
    hot_map_png: bytes = field(repr=False, default=b"")
    hot_classes: frozenset[str] = frozenset()  # the classes the map shows (its legend's)
    # 督办 of the week: opened, overdue at its end, closed (reports.supervisions.week_rows)
    supervisions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """No incident, grid event, hazard or dispute this week."""
        k = self.kpis
        return not (
            k["incidents_week"]
            or k["events_closed_week"]
            or k["hazards_found_week"]
            or sum(z["disputes_found_week"] for z in self.zones)
        )

    def as_of_line(self) -> str:
        """What the standing figures are counted at, and what has no history (the report's footnote)."""
        return as_of_note(self.as_of, self.kpis)

    def data_as_of_line(self, named: bool = True) -> str:
        """The data's as-of line, as the pages and the wall say it for this period."""
        return data_as_of_zh(self.loaded, self.week, named)

    def quality_line(self) -> str:
        rate = "—" if self.three_codes is None else f"{self.three_codes * 100:.1f}%"
        return (
            f"数据质量：楼栋三码完整率 {rate}；{FIGURES['migrant_registration_rate'].say(self.kpis)}；"
            f"全域隔离待核数据 {self.quarantined:,} 行（见数据质量页）。"
        )


# threads gathering one station's report: every query and both maps at once (most of the time is
# the database's; the biggest county station gathered in 1.5-1.7 s with 8 at load 8.5, 1.8-2.6 s
# with 4); a batch gathers the next station while it typesets one (dashboard.reports.run)
GATHERERS = 8
HOT_LISTED = 15  # hot-spot grids a report lists


def _printed(r: dict[str, Any], names: dict[str, dict[str, str]]) -> dict[str, Any]:
    """A unit's grid and Gi* as the report prints them (and the workbook keeps them: as numbers)."""
    g = named(names["grid"], r["grid_code"])
    # as numbers rounded to what they mean (a p-value's 18 digits would read like an ID number)
    z, p = round(r["gi_z"], 3), float(f"{r['gi_p']:.3g}")
    return {"grid": g, "z": f"{r['gi_z']:.2f}", "p": p_text(r["gi_p"]), "gi_z": z, "gi_p": p}


def hot_spots(
    url: str, scope: Scope, area: Area, week: Period, names: dict[str, dict[str, str]]
) -> tuple[list[dict[str, Any]], str, dict[str, str]]:
    """The report's 研判 section for ``area``: its hot-spot grids as printed (new and intensifying
    first; for a week before the last analysed, that week's significant hot grids), the line on
    what the analysis stands at, and every grid's class (for the map; none for an earlier week)."""
    s = Standing(analysis.through_week(url), week.week.start.date())
    if s.through is None:
        return [], "尚无研判结果。", {}
    if s.before:
        found = [r for r in analysis.week_levels(url, scope, area, s.week) if r["level"] > 0]
        listed = [
            {
                **_printed(r, names),
                "class_zh": label("hotspot_level", str(r["level"])),
                "since": "",
                "trend_zh": "",
            }
            for r in found[:HOT_LISTED]
        ]
        note = f"{s.week_label()}的显著热点网格（Gi*，FDR 校正）；冷热点演变类别计算至{s.through_label()}。"
        return listed, note, {}
    trends = analysis.trends(url, scope, area)
    hot = analysis.hot_spots(url, scope, area)
    listed = [
        {
            **_printed(r, names),
            "class_zh": label("hotspot_class", r["hotspot_class"]),
            "since": class_text(r),
            "trend_zh": label("trend", r["trend"]),
        }
        for r in hot[:HOT_LISTED]
    ]
    note = (
        f"冷热点演变类别截至{s.through_label()}（近12周逐周 Gi*，FDR 校正，Mann-Kendall 趋势）；"
        f"热点网格共 {len(hot)} 个，列出前 {len(listed)} 个（新增、增强在前）。"
    )
    return listed, note, {r["unit_code"]: r["hotspot_class"] for r in trends}


@dataclass
class SummaryReport:
    """The whole area's weekly summary: headline figures and the ranking of stations."""

    week: Period
    generated_at: datetime
    as_of: datetime
    kpis: indicators.Kpis
    stations: list[dict[str, Any]]
    loaded: datetime | None  # when the latest finished load ended
    # 研判: the area's hot-spot grids as printed (see hot_spots) and what the analysis stands at
    hot_spots: list[dict[str, Any]] = field(default_factory=list)
    analysis_note: str = ""
    # 督办 of the week by town (镇街): each town's counts (opened, overdue at the week's end, closed)
    # and the supervisions listed (reports.supervisions.week_rows, each with its town's name)
    town_supervisions: list[dict[str, Any]] = field(default_factory=list)
    supervisions: list[dict[str, Any]] = field(default_factory=list)

    def data_as_of_line(self, named: bool = True) -> str:
        """The data's as-of line, as the pages and the wall say it for this period."""
        return data_as_of_zh(self.loaded, self.week, named)

    def as_of_line(self) -> str:
        """What the standing figures and the scores are counted at (the report's footnote)."""
        return as_of_note(self.as_of, self.kpis) + "考核得分与排名按全所数据计算，任何有权查看者所见相同。"


def as_of_note(at: datetime, kpis: indicators.Kpis) -> str:
    """The footnote on time: standing figures as they stood at ``at``, from the items' own times
    (so a past week's report says the same whenever it is written); the counts without history as
    they are; and the disputes marked resolved without a time (counted resolved from when found)."""
    standing = "、".join(
        [
            FIGURES["events_open"].label,
            label("card", "yellow"),
            label("card", "red"),
            FIGURES["hazards_open"].label,
            f"{FIGURES['disputes'].label}（累计、{label('dispute_status', 'resolved')}、高风险在办）",
            FIGURES["alerts"].label,
        ]
    )
    note = (
        f"{standing}为截至 {at.astimezone(TZ):%Y-%m-%d %H:%M} 的状态，"
        "按各事项自身的登记、发现、办结、销号与化解时间统计；"
        "实有人口、流动人口、出租屋、楼栋、小区、登记率、智安小区覆盖率、三码完整率与隔离待核数据无历史记录，为生成时的现状。"
    )
    if kpis["disputes_undated"]:
        resolved = label("dispute_status", "resolved")
        note += (
            f"另有 {kpis['disputes_undated']:,} 起矛盾纠纷状态为{resolved}而无化解时间，按发现时即化解计。"
        )
    return note


def change(now: int, before: int | None) -> str:
    """A change (week on week, year on year) as printed: blank when the figure has no comparison,
    — when the base is zero."""
    return "" if before is None else signed_pct(indicators.change(now, before))


def build_station(url: str, scope: Scope, station: str, week: Period, with_map: bool = True) -> StationReport:
    """Gather a station's report from the serve queries (the same the station page uses).

    The queries and the two maps do not depend on each other: they run at once (:data:`GATHERERS`
    threads, each under the caller's signed scope), so the database and the drawing share the
    machine instead of waiting on each other.
    """
    area = Area("station", station)
    info = areas.area_name(url, scope, area)
    if info is None:
        raise LookupError(f"station {station} does not exist or is outside the scope")
    with ThreadPoolExecutor(GATHERERS) as pool:

        def later(fn: Callable[..., T], *args: Any) -> Future[T]:
            # a thread of the pool does not inherit the caller's context (its signed scope)
            return pool.submit(contextvars.copy_context().run, fn, *args)

        the_map = later(station_map, url, scope, station, week.start, week.end) if with_map else None
        kpis = later(indicators.kpis, url, scope, area, week)
        zones = later(indicators.area_table, url, scope, "zone", area, week)
        grids = later(indicators.area_table, url, scope, "grid", area, week)
        three_codes = later(breakdowns.three_code_completeness, url, scope, area)
        by_category = later(breakdowns.incidents_yoy_by_category, url, scope, area, week)
        hazards = later(breakdowns.hazards_by, url, scope, area, week, "category_zh")
        week_supervisions = later(supervision.area_list, url, scope, "station", station, week)
        classes = breakdowns.events_by_class(url, scope, area, week)
        alerts = breakdowns.alerts_by_kind(url, scope, area, week)
        quarantined = sum(int(r["n"]) for r in operations.quarantine_counts(url))
        names = areas.names(url, scope)
        hot, note, by_grid = hot_spots(url, scope, area, week, names)
        hot_map = later(hotspot_map, url, scope, station, by_grid) if with_map and by_grid else None
        reds = elements.red_card_items(url, scope, area, week)
        supervised = supervision.of_items(url, scope, [e["event_no"] for e in reds])
        red_cards = [
            {
                **e,
                "grid": named(names["grid"], e["grid_code"]),
                "zone": named(names["zone"], e["zone_code"]),
                "supervised": badge_text(supervised.get(e["event_no"])),
            }
            for e in reds
        ]
        return StationReport(
            station=station,
            name=info["name"],
            week=week,
            generated_at=datetime.now(TZ),
            as_of=as_of(week),
            kpis=kpis.result(),
            zones=zones.result(),
            grids=grids.result(),
            red_cards=red_cards,
            event_classes=classes,
            hazard_categories=hazards.result(),
            alerts=alerts,
            incidents_by_category=by_category.result(),
            three_codes=three_codes.result(),
            quarantined=quarantined,
            loaded=operations.data_as_of(url),
            map_jpeg=the_map.result() if the_map else b"",
            hot_spots=hot,
            analysis_note=note,
            hot_map_png=hot_map.result() if hot_map else b"",
            hot_classes=frozenset(by_grid.values()),
            supervisions=week_rows(week_supervisions.result()),
        )


def by_town(url: str, scope: Scope, week: Period) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The week's supervisions (督办) town by town, every town the scope sees a grid of: each town's
    counts (``opened``, ``overdue`` at the week's end, ``closed``; a supervision counts once in each
    that applies) and the supervisions listed, each with its ``town`` (a grid lies in one town, so
    no supervision is listed twice)."""
    counts, listed = [], []
    for t in areas.towns(url, scope):
        found = week_rows(supervision.area_list(url, scope, "town", t["code"], week))
        counts.append(
            {
                "town_code": t["code"],
                "town": t["name"],
                "opened": sum(1 for s in found if s["opened_in"]),
                "overdue": sum(1 for s in found if s["overdue_at"]),
                "closed": sum(1 for s in found if s["closed_in"]),
            }
        )
        listed += [{**s, "town": t["name"]} for s in found]
    return counts, listed


def build_summary(
    url: str,
    scope: Scope,
    week: Period,
    weights: dict[str, float],
    known: dict[str, indicators.Kpis] | None = None,
) -> SummaryReport:
    """The whole area: headline figures and every station with its figures and score, best first.

    ``known`` holds stations' figures already computed for their own reports (reused, not redone).
    """
    scores = indicators.station_scores(url, scope, week, weights)
    rows = []
    for s in scores:
        k = (known or {}).get(s["station_code"]) or indicators.kpis(
            url, scope, Area("station", s["station_code"]), week
        )
        rows.append(
            {
                **k,
                "station_code": s["station_code"],
                "name": s["name"],
                "score": s["score"],
                "rank": s["rank"],
            }
        )
    hot, note, _ = hot_spots(url, scope, Area(), week, areas.names(url, scope))
    counts, listed = by_town(url, scope, week)
    return SummaryReport(
        week,
        datetime.now(TZ),
        as_of(week),
        indicators.kpis(url, scope, Area(), week),
        rows,
        operations.data_as_of(url),
        hot,
        note,
        counts,
        listed,
    )
