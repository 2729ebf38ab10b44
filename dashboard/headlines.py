"""The catalogue of headline figures: one label, unit and formatter per figure of ``queries.kpis``.

Drill cards, the wall, the PDF and the XLSX all name a figure from here, so the same number carries
the same words wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from common.codebook import label
from dashboard.periods import term
from dashboard.ui import num, pct

NOW = term("current")  # 本期: the period shown, whichever week it is and whole or so far


@dataclass(frozen=True)
class Figure:
    """One headline figure: its key in the kpis, its label, its unit (none for a rate)."""

    key: str
    label: str
    unit: str = ""
    prev: str | None = None  # the key of the same figure a week earlier
    last_year: str | None = None  # and a year earlier

    @property
    def rate(self) -> bool:
        """A share (shown as a percentage), not a count."""
        return not self.unit

    @property
    def titled(self) -> str:
        """The label with its unit, as a table row or column names it: 本期警情（起）."""
        return f"{self.label}（{self.unit}）" if self.unit else self.label

    def text(self, value: Any) -> str:
        """The value as shown: 1,234 or 56.7% (— when there is none)."""
        return pct(value) if self.rate else num(value)

    def show(self, kpis: Mapping[str, Any]) -> str:
        """This figure's value in ``kpis`` (``queries.indicators.Kpis``), as shown."""
        return self.text(kpis[self.key])

    def say(self, kpis: Mapping[str, Any]) -> str:
        """Label and value, as a line under a card says it: 预警 3."""
        return f"{self.label} {self.show(kpis)}"


_ALL = (
    Figure("incidents_week", f"{NOW}警情", "起", prev="incidents_prev", last_year="incidents_last_year"),
    Figure("incidents_prev", f"{term('previous')}警情", "起"),
    Figure("population", "实有人口", "人"),
    Figure("migrants", "流动人口", "人"),
    Figure("rental_units", "出租屋", "套"),
    Figure("events_open", "在办网格事件", "件"),
    Figure("yellow_cards", label("card", "yellow"), "件"),
    Figure("red_cards", label("card", "red"), "件"),
    Figure("events_closed_week", f"{NOW}办结网格事件", "件"),
    Figure("events_on_time_week", f"{NOW}按时办结", "件"),
    Figure("hazards_found_week", f"{NOW}发现隐患", "处"),
    Figure("hazards_cleared_week", f"{NOW}销号隐患", "处"),
    Figure("hazards_open", "隐患未销号", "处"),
    Figure("disputes", "矛盾纠纷", "起"),
    Figure("disputes_resolved", "已化解纠纷", "起"),
    Figure("disputes_high_open", "高风险纠纷在办", "起"),
    Figure("disputes_found_week", f"{NOW}新发纠纷", "起"),
    Figure("disputes_resolved_week", f"{NOW}化解纠纷", "起"),
    Figure("alerts", "预警", "条"),
    Figure("migrant_registration_rate", "流动人口登记率"),
    Figure("smart_coverage", "智安小区覆盖率"),
    Figure("events_on_time_rate", f"{NOW}网格事件按时办结率"),
    Figure("dispute_resolution_rate", "矛盾纠纷化解率"),
)
FIGURES: dict[str, Figure] = {f.key: f for f in _ALL}

# what the weekly report prints, in order: the counts (with comparisons), then the rates
HEADLINE: tuple[Figure, ...] = tuple(
    FIGURES[k]
    for k in (
        "incidents_week",
        "population",
        "migrants",
        "rental_units",
        "events_open",
        "yellow_cards",
        "red_cards",
        "events_closed_week",
        "hazards_found_week",
        "hazards_cleared_week",
        "hazards_open",
        "disputes",
        "disputes_resolved",
        "disputes_high_open",
        "alerts",
    )
)
RATES: tuple[Figure, ...] = tuple(
    FIGURES[k]
    for k in ("migrant_registration_rate", "smart_coverage", "events_on_time_rate", "dispute_resolution_rate")
)
