"""The analysis (研判) as the pages, the wall and the reports say it: which week it stands at for a
period, a unit's class in words ("自2026-W40起为持续热点"), the new and intensifying hot spots.

The emerging classes exist only for the 12 weeks ending with the last analysed week; a period
before that week shows its own week's Gi* levels instead (never a class computed with later
weeks), and a period after it shows the classes "as of" the last analysed week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dash import dcc, html

from common.codebook import label
from dashboard.context import AppContext
from dashboard.periods import Period, Week
from dashboard.queries import analysis
from dashboard.queries.areas import Area
from dashboard.ui import carry

RISING = ("new_hot", "intensifying_hot")  # what the wall and the report single out
# the colour of each emerging class wherever it is drawn (the map's layer, the report's map): hot
# reds, cold blues, the newer and the growing the stronger
CLASS_COLOURS: dict[str, str] = {
    "new_hot": "#b30000",
    "intensifying_hot": "#e34a33",
    "consecutive_hot": "#fc8d59",
    "persistent_hot": "#fdbb84",
    "sporadic_hot": "#fdd49e",
    "oscillating_hot": "#fee8c8",
    "diminishing_hot": "#fff4e6",
    "historical_hot": "#f0e6dc",
    "new_cold": "#084594",
    "intensifying_cold": "#2171b5",
    "consecutive_cold": "#4292c6",
    "persistent_cold": "#6baed6",
    "sporadic_cold": "#9ecae1",
    "oscillating_cold": "#c6dbef",
    "diminishing_cold": "#deebf7",
    "historical_cold": "#ebf0f5",
}
# the risk map's classes: the riskiest units making up the first 1, 3, 5 and 10 % of the area (the
# shares the back-test scores), each with its colour
RISK_BANDS: tuple[tuple[float, str], ...] = (
    (0.01, "#54278f"),
    (0.03, "#756bb1"),
    (0.05, "#9e9ac8"),
    (0.10, "#cbc9e2"),
)


@dataclass(frozen=True)
class Standing:
    """What the analysis can say for a period: the last analysed week (None before any run) and
    whether the period's week is before it (then only that week's Gi* levels are shown)."""

    through: date | None
    week: date

    @property
    def before(self) -> bool:
        return self.through is not None and self.week < self.through

    def through_label(self) -> str:
        return "" if self.through is None else Week.containing(self.through).label()

    def week_label(self) -> str:
        return Week.containing(self.week).label()


def standing(c: AppContext, period: Period) -> Standing:
    """Where the analysis stands for ``period`` (the last analysed week is cached like any read)."""
    through = c.cached(("analysis-through",), lambda: analysis.through_week(c.url))
    return Standing(through, period.week.start.date())


def p_text(p: float) -> str:
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def p_said(p: float) -> str:
    """``p<0.001`` or ``p=0.027``, as a sentence says it."""
    return "p<0.001" if p < 0.001 else f"p={p:.3f}"


def class_text(row: dict[str, Any]) -> str:
    """A unit's emerging class in words: "自2026-W40起为持续热点", or the class alone when it has
    no unbroken run up to the last week (historical spots, no pattern)."""
    name = label("hotspot_class", row["hotspot_class"])
    if row["since_label"] and row["hotspot_class"] != "no_pattern":
        return f"自{row['since_label']}起为{name}"
    return f"为{name}" if row["hotspot_class"] != "no_pattern" else f"近{row['weeks']}周{name}"


def stats_text(row: dict[str, Any]) -> str:
    """Gi* z and p of the last week and the trend, as a reader checks them."""
    out = f"Gi* z={row['gi_z']:.2f}，{p_said(row['gi_p'])}"
    if "trend" in row:
        out += f"，趋势{label('trend', row['trend'])}"
    return out


def grid_line(c: AppContext, period: Period, grid: str) -> str | None:
    """The grid page's line on the analysis for ``period``; None before any analysis."""
    s = standing(c, period)
    if s.through is None:
        return None
    scope, area = c.scope(), Area("grid", grid)
    if s.before:
        found = analysis.week_levels(c.url, scope, area, s.week)
        if not found:
            return f"本网格{s.week_label()}无显著冷热点（冷热点演变类别计算至{s.through_label()}）。"
        r = found[0]
        return (
            f"本网格{s.week_label()}为{label('hotspot_level', str(r['level']))}（{stats_text(r)}）；"
            f"冷热点演变类别计算至{s.through_label()}。"
        )
    found = analysis.trends(c.url, scope, area)
    if not found:
        return None
    r = found[0]
    return f"本网格{class_text(r)}（研判截至{s.through_label()}，{stats_text(r)}）。"


def station_line(c: AppContext, period: Period, station: str) -> str | None:
    """The station page's line: how many of its grids are hot or cold spots of each class (or, for
    a week before the last analysed, hot and cold that week); None before any analysis."""
    s = standing(c, period)
    if s.through is None:
        return None
    scope, area = c.scope(), Area("station", station)
    if s.before:
        found = analysis.week_levels(c.url, scope, area, s.week)
        hot = sum(1 for r in found if r["level"] > 0)
        return (
            f"本所辖区{s.week_label()}：热点网格 {hot} 个，冷点网格 {len(found) - hot} 个"
            f"（置信度90%以上；冷热点演变类别计算至{s.through_label()}）。"
        )
    counts: dict[str, int] = {}
    for r in analysis.trends(c.url, scope, area):
        counts[r["hotspot_class"]] = counts.get(r["hotspot_class"], 0) + 1
    said = [f"{label('hotspot_class', k)} {counts[k]} 个" for k in analysis.HOT_ORDER if k in counts]
    return f"本所辖区网格（研判截至{s.through_label()}）：" + ("、".join(said) if said else "无热点") + "。"


def rising(c: AppContext, period: Period, limit: int = 5) -> tuple[Standing, list[dict[str, Any]]]:
    """The top new and intensifying hot spots (grids) in the viewer's scope, for ``period``: the
    classes of the last analysed week (none for a period before it, whose classes are not known)."""
    s = standing(c, period)
    if s.through is None or s.before:
        return s, []
    scope = c.scope()
    hot = c.cached(("analysis-hot", scope), lambda: analysis.hot_spots(c.url, scope, Area()))
    return s, [r for r in hot if r["hotspot_class"] in RISING][:limit]


def area_line(c: AppContext, period: Period, level: str, code: str) -> list[Any]:
    """The station or grid page's analysis line as a component (nothing for a zone, or before any
    analysis), linking to the analysis page for those who may open it."""
    line = {"grid": grid_line, "station": station_line}.get(level)
    text = line(c, period, code) if line else None
    if text is None:
        return []
    more: list[Any] = []
    if c.user().can_read_analysis:
        more = [" ", dcc.Link("查看研判", href=carry("/analysis"), id="drill-hotspot-more")]
    return [html.P([text, *more], className="hotspot-line", id="drill-hotspot")]
