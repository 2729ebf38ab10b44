"""Next week's risk: a weighted overlay of base elements and recent incidents whose weights are
fitted on the weeks before the forecast week, the naive forecasts it must beat, and how a forecast
is scored (PAI, PEI).

A unit's score is Σ weight × the unit's share of the area's total of each input. Read as a count
model, next week's incidents in a unit are Poisson with mean (the week's total) × score: a mixture
of the inputs' maps. The weights are the mixture weights that make the incidents of the weeks
before the forecast week most likely (:func:`fit_weights`, EM), so they sum to 1, each says how
much of the incidents that input's map explains, and the page can show them as they are. Fitted
on the cells (the finest lattice) and used for grids too, so one set of weights is shown. A week
with no earlier week to fit on uses :data:`PRIOR`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from scipy.ndimage import gaussian_filter

from etl.analysis.units import Units

INPUTS = (
    "recent_incidents",
    "smoothed_incidents",
    "rental_units",
    "unregistered_migrants",
    "open_hazards",
    "open_disputes",
    "background",
)
# the weights when there is no earlier week to fit on (the overlay's former constants)
PRIOR: dict[str, float] = {
    "recent_incidents": 0.7,
    "smoothed_incidents": 0.0,
    "rental_units": 0.1,
    "unregistered_migrants": 0.1,
    "open_hazards": 0.05,
    "open_disputes": 0.05,
    "background": 0.0,
}
FIT_WEEKS = 12  # weeks before the forecast week the weights are fitted on
FIT_ITERATIONS = 500
FIT_TOLERANCE = 1e-6
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


def shares(inputs: dict[str, np.ndarray]) -> np.ndarray:
    """Units × :data:`INPUTS`: each unit's share of each input's total (0 where the total is 0)."""
    cols = []
    for name in INPUTS:
        x = inputs[name]
        total = x.sum()
        cols.append(x / total if total > 0 else np.zeros(len(x)))
    return np.column_stack(cols)


def overlay(inputs: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    """Σ weight × the unit's share of the input's total (inputs with no total add nothing)."""
    return shares(inputs) @ np.array([weights[name] for name in INPUTS])


def fit_weights(share_weeks: list[np.ndarray], count_weeks: list[np.ndarray]) -> dict[str, float]:
    """The mixture weights (≥ 0, summing to 1) under which the weeks' counts are most likely.

    Parameters
    ----------
    share_weeks : list of numpy.ndarray
        Per training week, units × :data:`INPUTS` shares (:func:`shares`) of the inputs as they
        stood when that week began.
    count_weeks : list of numpy.ndarray
        Per training week, the incidents each unit had in it.

    Returns
    -------
    dict
        Input → weight. The likelihood is each incident's probability of falling where it fell,
        Σ weight × share: concave in the weights, so EM's fixed point is the maximum. Inputs with
        no total in any week get 0; :data:`PRIOR` when there is nothing to fit on.
    """
    a = np.vstack(share_weeks) if share_weeks else np.zeros((0, len(INPUTS)))
    y = np.concatenate(count_weeks) if count_weeks else np.zeros(0)
    keep = y > 0
    a, y = a[keep], y[keep]
    usable = a.sum(axis=0) > 0
    if y.sum() <= 0 or not usable.any():
        return dict(PRIOR)
    w = usable / usable.sum()
    for _ in range(FIT_ITERATIONS):
        p = a @ w
        # an incident where every usable input is 0 has no explanation: it cannot move the weights
        ok = p > 0
        new = w * (a[ok].T @ (y[ok] / p[ok])) / y[ok].sum()
        done = np.abs(new - w).max() < FIT_TOLERANCE
        w = new / new.sum()
        if done:
            break
    return {name: float(v) for name, v in zip(INPUTS, w, strict=True)}


def kde_cells(counts: np.ndarray, cells: Units) -> np.ndarray:
    """The heat map's kernel density of ``counts`` (per cell) on the cell lattice, read back per cell."""
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


def to_grids(values: np.ndarray, cells: Units, grids: Units) -> np.ndarray:
    """Per-cell ``values`` summed into the grid each cell belongs to."""
    pos = {c: p for p, c in enumerate(grids.codes)}
    owner = np.array([pos.get(g, -1) for g in cells.grid], dtype=np.int64)
    ok = owner >= 0
    return np.bincount(owner[ok], weights=values[ok], minlength=grids.n)


def forecasts(
    k: int,
    weekly: dict[str, np.ndarray],
    inputs: dict[str, dict[str, np.ndarray]],
    units: dict[str, Units],
    weights: dict[str, float],
) -> dict[str, dict[str, np.ndarray]]:
    """Every model's forecast of week ``k`` per unit kind, from the weeks before it only (``inputs``
    and ``weights`` must be too: etl/analysis/fit.py makes them so)."""
    out: dict[str, dict[str, np.ndarray]] = {}
    kde = kde_cells(weekly["cell"][k - 1], units["cell"]) if k > 0 else np.zeros(units["cell"].n)
    for kind, w in weekly.items():
        kd = kde if kind == "cell" else to_grids(kde, units["cell"], units[kind])
        out[kind] = {
            "risk_overlay": overlay(inputs[kind], weights),
            "last_week": w[k - 1] if k > 0 else np.zeros(w.shape[1]),
            "last_4_weeks": w[max(0, k - 4) : k].sum(axis=0),
            "kernel_density": kd,
        }
    return out


def flag(
    score: np.ndarray, area: np.ndarray, pcts: tuple[float, ...], tiebreak: np.ndarray
) -> list[np.ndarray]:
    """Per share in ``pcts``, the units flagged by ``score`` per area, densest first, until ``pct`` %
    of the area is reached (the unit that reaches it is flagged). Ties are broken by ``tiebreak``,
    the same for every model. One ranking serves every share."""
    order = np.lexsort((tiebreak, -score / area))
    before = np.cumsum(area[order]) - area[order]
    masks = []
    for pct in pcts:
        mask = np.zeros(len(score), dtype=bool)
        mask[order[before < pct / 100 * area.sum()]] = True
        masks.append(mask)
    return masks


def pai_pei(
    score: np.ndarray,
    actual: np.ndarray,
    area: np.ndarray,
    pcts: tuple[float, ...],
    tiebreak: np.ndarray,
) -> list[tuple[float, float | None, float | None]]:
    """Per share in ``pcts``: the share of ``actual`` events captured, PAI (captured share ÷ flagged
    area share) and PEI (PAI ÷ the PAI of a perfect forecast of the same area share); None where no
    events happened."""
    total = actual.sum()
    if total <= 0:
        return [(0.0, None, None) for _ in pcts]
    out: list[tuple[float, float | None, float | None]] = []
    for mask, best in zip(flag(score, area, pcts, tiebreak), flag(actual, area, pcts, tiebreak), strict=True):
        captured = actual[mask].sum() / total
        pai = captured / (area[mask].sum() / area.sum())
        pai_best = (actual[best].sum() / total) / (area[best].sum() / area.sum())
        out.append((float(captured), float(pai), float(pai / pai_best) if pai_best > 0 else None))
    return out
