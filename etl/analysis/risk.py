"""Next week's risk: a risk-terrain style weighted overlay, the naive forecasts it must beat, and
how a forecast is scored (PAI, PEI).

The overlay adds, for each unit, each input's share of the area's total times the input's weight:
recent incidents (the last 12 weeks, each week worth 0.8 of the one after it) and the base elements
the field names as risk (rental units, migrants not or no longer registered, hazards not cleared
and disputes not resolved when the week begins). A weighted overlay rather than a fitted count
model: its inputs and weights can be shown and argued over by the people who patrol, and twelve
weeks of one county are too few to fit per-unit coefficients without over-fitting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from scipy.ndimage import gaussian_filter

from etl.analysis.units import Units

WEIGHTS: dict[str, float] = {
    "recent_incidents": 0.7,
    "rental_units": 0.1,
    "unregistered_migrants": 0.1,
    "open_hazards": 0.05,
    "open_disputes": 0.05,
}
DECAY = 0.8  # a week's incidents count 0.8 of the next week's
HISTORY = 12  # weeks of incidents the overlay looks back
MODELS = ("risk_overlay", "last_week", "last_4_weeks", "kernel_density")
AREA_PCTS = (1.0, 3.0, 5.0)
KDE_SIGMA_M = 250.0  # the heat map's kernel (dashboard/map/heat.py)


@dataclass
class Elements:
    """Base elements located on units: unit position, and the span each counts over (NaT: open)."""

    input: np.ndarray
    unit: np.ndarray
    since: np.ndarray
    until: np.ndarray

    def counts(self, name: str, n: int, at: datetime) -> np.ndarray:
        """How many of input ``name`` stand in each of ``n`` units at ``at``."""
        t = np.datetime64(at.astimezone(UTC).replace(tzinfo=None), "s")  # spans are UTC
        sel = (self.input == name) & (self.unit >= 0)
        sel &= np.isnat(self.since) | (self.since < t)
        sel &= np.isnat(self.until) | (self.until >= t)
        return np.bincount(self.unit[sel], minlength=n).astype(float)


def recent(weekly: np.ndarray, k: int) -> np.ndarray:
    """Decayed sum of the ``HISTORY`` weeks before week ``k`` of ``weekly`` (weeks × units)."""
    lo = max(0, k - HISTORY)
    w = DECAY ** np.arange(k - lo)[::-1]
    return w @ weekly[lo:k] if k > lo else np.zeros(weekly.shape[1])


def overlay(inputs: dict[str, np.ndarray]) -> np.ndarray:
    """Σ weight × the unit's share of the input's total (inputs with no total add nothing)."""
    score = np.zeros(len(next(iter(inputs.values()))))
    for name, weight in WEIGHTS.items():
        x = inputs[name]
        if x.sum() > 0:
            score += weight * x / x.sum()
    return score


def kde_cells(counts: np.ndarray, cells: Units) -> np.ndarray:
    """The heat map's kernel density of ``counts`` on the cell lattice, read back per cell."""
    assert cells.cells is not None
    ij = np.array(list(cells.cells.keys()))
    pos = np.array(list(cells.cells.values()))
    i0, j0 = ij.min(axis=0)
    raster = np.zeros(tuple(ij.max(axis=0) - ij.min(axis=0) + 1))
    raster[ij[:, 0] - i0, ij[:, 1] - j0] = counts[pos]
    smooth = gaussian_filter(raster, sigma=KDE_SIGMA_M / 250.0, mode="constant", truncate=3.0)
    out = np.zeros(cells.n)
    out[pos] = smooth[ij[:, 0] - i0, ij[:, 1] - j0]
    return out


def forecasts(
    k: int, weekly: dict[str, np.ndarray], inputs: dict[str, dict[str, np.ndarray]], units: dict[str, Units]
) -> dict[str, dict[str, np.ndarray]]:
    """Every model's forecast of week ``k`` per unit kind, from the weeks before it only."""
    out: dict[str, dict[str, np.ndarray]] = {}
    kde = kde_cells(weekly["cell"][k - 1], units["cell"]) if k > 0 else np.zeros(units["cell"].n)
    for kind, w in weekly.items():
        if kind == "cell":
            kd = kde
        else:
            pos = {c: p for p, c in enumerate(units[kind].codes)}
            owner = np.array([pos.get(g, -1) for g in units["cell"].grid])
            kd = np.bincount(owner[owner >= 0], weights=kde[owner >= 0], minlength=units[kind].n)
        out[kind] = {
            "risk_overlay": overlay(inputs[kind]),
            "last_week": w[k - 1] if k > 0 else np.zeros(w.shape[1]),
            "last_4_weeks": w[max(0, k - 4) : k].sum(axis=0),
            "kernel_density": kd,
        }
    return out


def flag(score: np.ndarray, area: np.ndarray, pct: float, tiebreak: np.ndarray) -> np.ndarray:
    """Units flagged by ``score`` per area, densest first, until ``pct`` % of the area is reached
    (the unit that reaches it is flagged). Ties are broken by ``tiebreak``, the same for every model."""
    order = np.lexsort((tiebreak, -score / area))
    before = np.cumsum(area[order]) - area[order]
    mask = np.zeros(len(score), dtype=bool)
    mask[order[before < pct / 100 * area.sum()]] = True
    return mask


def pai_pei(
    score: np.ndarray, actual: np.ndarray, area: np.ndarray, pct: float, tiebreak: np.ndarray
) -> tuple[float, float | None, float | None]:
    """Share of ``actual`` events captured, PAI (captured share ÷ flagged area share) and PEI (PAI ÷
    the PAI of a perfect forecast of the same area share); None where no events happened."""
    total = actual.sum()
    if total <= 0:
        return 0.0, None, None
    mask = flag(score, area, pct, tiebreak)
    best = flag(actual, area, pct, tiebreak)
    captured = actual[mask].sum() / total
    pai = captured / (area[mask].sum() / area.sum())
    pai_best = (actual[best].sum() / total) / (area[best].sum() / area.sum())
    return float(captured), float(pai), float(pai / pai_best) if pai_best > 0 else None
