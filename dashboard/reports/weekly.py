"""What a weekly report says: gathered from the dashboard's own queries, for one station or the whole area."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from common.china import TZ
from common.codebook import label
from dashboard.headlines import FIGURES
from dashboard.periods import Week
from dashboard.queries import areas, breakdowns, elements, indicators, operations
from dashboard.queries.areas import Area
from dashboard.reports.mapimage import station_map
from dashboard.scope import Scope
from dashboard.ui import signed_pct


@dataclass
class StationReport:
    """Everything one station's weekly report prints."""

    station: str
    name: str
    week: Week
    generated_at: datetime
    kpis: indicators.Kpis
    zones: list[indicators.AreaRow]
    grids: list[indicators.AreaRow]
    red_cards: list[elements.RedCard]
    event_classes: list[dict[str, Any]]
    hazard_categories: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    incidents_by_category: list[dict[str, Any]]
    three_codes: float | None
    quarantined: int
    map_png: bytes = field(repr=False, default=b"")

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

    def quality_line(self) -> str:
        rate = "—" if self.three_codes is None else f"{self.three_codes * 100:.1f}%"
        return (
            f"数据质量：楼栋三码完整率 {rate}；{FIGURES['migrant_registration_rate'].say(self.kpis)}；"
            f"全域隔离待核数据 {self.quarantined:,} 行（见数据质量页）。"
        )


@dataclass
class SummaryReport:
    """The whole area's weekly summary: headline figures and the ranking of stations."""

    week: Week
    generated_at: datetime
    kpis: indicators.Kpis
    stations: list[dict[str, Any]]


def change(now: int, before: int | None) -> str:
    """环比/同比 as printed: blank when the figure has no comparison, — when the base is zero."""
    return "" if before is None else signed_pct(indicators.change(now, before))


def build_station(url: str, scope: Scope, station: str, week: Week, with_map: bool = True) -> StationReport:
    """Gather a station's report from the serve queries (the same the station page uses)."""
    area = Area("station", station)
    info = areas.area_name(url, scope, area)
    if info is None:
        raise LookupError(f"station {station} does not exist or is outside the scope")
    kpis = indicators.kpis(url, scope, area, week)
    classes = breakdowns.events_by_class(url, scope, area)
    for r in classes:
        r["class_zh"] = label("event_class", r["event_class"])
    alerts = breakdowns.alerts_by_kind(url, scope, area)
    for r in alerts:
        r["kind_zh"] = label("alert_kind", r["alert_kind"])
    quarantined = sum(int(r["n"]) for r in operations.quarantine_counts(url))
    return StationReport(
        station=station,
        name=info["name"],
        week=week,
        generated_at=datetime.now(TZ),
        kpis=kpis,
        zones=indicators.area_table(url, scope, "zone", area, week),
        grids=indicators.area_table(url, scope, "grid", area, week),
        red_cards=elements.red_card_items(url, scope, area),
        event_classes=classes,
        hazard_categories=breakdowns.hazards_by(url, scope, area, "category_zh"),
        alerts=alerts,
        incidents_by_category=breakdowns.incidents_yoy_by_category(url, scope, area, week),
        three_codes=breakdowns.three_code_completeness(url, scope, area),
        quarantined=quarantined,
        map_png=station_map(url, scope, station, week.start, week.end) if with_map else b"",
    )


def build_summary(
    url: str,
    scope: Scope,
    week: Week,
    weights: dict[str, float],
    known: dict[str, indicators.Kpis] | None = None,
) -> SummaryReport:
    """The whole area: headline figures and every station with its figures and score, best first.

    ``known`` holds stations' figures already computed for their own reports (reused, not redone).
    """
    scores = indicators.station_scores(url, scope, week, weights)
    rows = []
    for rank, s in enumerate(scores, start=1):
        k = (known or {}).get(s["station_code"]) or indicators.kpis(
            url, scope, Area("station", s["station_code"]), week
        )
        rows.append(
            {**k, "station_code": s["station_code"], "name": s["name"], "score": s["score"], "rank": rank}
        )
    return SummaryReport(week, datetime.now(TZ), indicators.kpis(url, scope, Area(), week), rows)
