"""The statistics, from PySAL and SciPy: Gi* per week with a false-discovery-rate
correction, and the emerging hot- and cold-spot class of a unit's weeks (ESRI's definitions).

Gi*'s p is not the normal tail of esda's z: a week's counts on 250 m cells are sparse and skewed,
and the normal tail is far too thin out where an FDR over thousands of units looks (on spatially
random Poisson counts it flagged hot spots in 13 of 20 seeds). The p is instead the Poisson tail of
the neighbourhood's count (what Gi* sums) under complete spatial randomness, the classic null of
crime hot-spot analysis: the week's incidents falling anywhere in the area with equal chance per
square metre, so a large or a clipped unit expects what its area holds. A permutation null (esda's
``p_sim``) was tried and refused: a cluster packed into one cell explains itself (its count could
land anywhere), so planted clusters of 40 incidents were not significant.

The z is that same test's: the normal score of its p, signed by the neighbourhood's excess, so a z
and the p beside it always say the same (esda's z, which knows no area and standardises by the
spread of the whole week, once read 1.22 beside p = 2e-15 on a small grid amid large ones).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from esda import fdr
from libpysal.graph import Graph
from libpysal.weights import W
from scipy.stats import kendalltau, norm, poisson

# (alpha, level), widest first: a narrower alpha overwrites
LEVELS = ((0.10, 1), (0.05, 2), (0.01, 3))
# "ninety percent of the time-step intervals" of ESRI's definitions
MOST = 0.9
TREND_ALPHA = 0.05


def gi_star(
    counts: np.ndarray, w: W | Graph, area: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gi* z-scores (binary weights, each unit its own neighbour), two-sided p and direction.

    Parameters
    ----------
    counts
        One value per unit, in the weights' order.
    w
        Binary weights; with or without self-weights (added here for Gi*).
    area
        Each unit's area (equal when None): what its neighbourhood expects under randomness.

    Returns
    -------
    z, p, sign
        The normal score of p, signed (|z| ≥ 3.29 exactly where p < 0.001); the p of the
        neighbourhood's count under complete spatial randomness; +1 where it holds more than
        expected, -1 fewer. Where every unit has the same count, z 0 and p 1.
    """
    y = np.asarray(counts, dtype=float)
    if y.size < 3 or np.ptp(y) == 0:
        return np.zeros(y.size), np.ones(y.size), np.zeros(y.size)
    star = (w.sparse != 0).astype(float).tolil()
    star.setdiag(1.0)  # binary, with each unit its own neighbour (Gi*)
    star = star.tocsr()
    a = np.ones(y.size) if area is None else np.asarray(area, dtype=float)
    expected = (star @ a) * (y.sum() / a.sum())
    total = np.round(star @ y)
    upper, lower = poisson.sf(total - 1, expected), poisson.cdf(total, expected)
    p = np.minimum(1.0, 2 * np.minimum(upper, lower))
    sign = np.sign(total - expected)
    # the smallest p a float holds keeps z finite (37.5) where the tail underflows to 0
    z = sign * norm.isf(np.maximum(p, np.finfo(float).tiny) / 2)
    return z, p, sign


def fdr_levels(sign: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Signed confidence levels (-3 … 3) after the false-discovery-rate correction of ``p``."""
    level = np.zeros(len(p), dtype=np.int8)
    if len(p) == 0:
        return level
    for alpha, lv in LEVELS:
        level[p < fdr(p, alpha)] = lv
    return (level * np.sign(sign)).astype(np.int8)


@dataclass(frozen=True)
class Emerging:
    """A unit's emerging class over its weeks, the trend of its Gi* z, and since when it is what it is."""

    hotspot_class: str
    trend: str
    tau: float
    trend_z: float
    trend_p: float
    since: int | None
    """Index of the week the final unbroken hot (or cold) run began; None when it has none."""
    hot_weeks: int
    cold_weeks: int


def trend_of(z: np.ndarray) -> tuple[str, float, float, float]:
    """Mann-Kendall trend of a z series (Kendall's tau between the weeks and z, with its
    tie-corrected normal test, scipy): rising, falling or no_trend, with tau, its z and p."""
    if len(z) < 3 or np.ptp(z) == 0:
        return "no_trend", 0.0, 0.0, 1.0
    r = kendalltau(np.arange(len(z)), z, method="asymptotic")
    tau, p = float(r.statistic), float(r.pvalue)
    trend = "no_trend" if p >= TREND_ALPHA else "rising" if tau > 0 else "falling"
    return trend, tau, float(np.sign(tau) * norm.isf(p / 2)), p


def _final_run(flags: np.ndarray) -> int:
    """How many weeks at the end are flagged without a break."""
    run = 0
    for f in flags[::-1]:
        if not f:
            break
        run += 1
    return run


def classify(levels: np.ndarray, z: np.ndarray) -> Emerging:
    """The emerging hot- or cold-spot class of one unit's weekly levels (oldest first) and Gi* z.

    ESRI's definitions, with "hot" meaning a significant level (90 % or more) that week:
    new (hot only in the final week), consecutive (an unbroken run of two or more at the end, never
    hot before it, under 90 % of weeks), intensifying / persistent / diminishing (hot in at least
    90 % of weeks including the final one, with a rising / no / falling Mann-Kendall trend of z),
    sporadic (hot in the final week, on and off before, never cold, under 90 %), oscillating (hot
    in the final week, cold in some earlier one, under 90 %), historical (not hot in the final
    week, hot in at least 90 %). Cold spots mirror them (a falling z intensifies a cold spot).
    """
    trend, tau, tz, tp = trend_of(np.asarray(z, dtype=float))
    hot, cold = levels > 0, levels < 0
    t = len(levels)
    counts = int(hot.sum()), int(cold.sum())
    for flags, other, name, stronger in ((hot, cold, "hot", "rising"), (cold, hot, "cold", "falling")):
        share = flags.sum() / t
        if flags[-1]:
            run = _final_run(flags)
            since = t - run
            if flags.sum() == 1:
                cls = "new"
            elif share >= MOST:
                cls = (
                    "intensifying"
                    if trend == stronger
                    else "persistent"
                    if trend == "no_trend"
                    else "diminishing"
                )
            elif run >= 2 and run == flags.sum():
                cls = "consecutive"
            elif other.any():
                cls = "oscillating"
            else:
                cls = "sporadic"
            return Emerging(f"{cls}_{name}", trend, tau, tz, tp, since, *counts)
    for flags, name in ((hot, "hot"), (cold, "cold")):
        if flags.sum() / t >= MOST:
            return Emerging(f"historical_{name}", trend, tau, tz, tp, None, *counts)
    return Emerging("no_pattern", trend, tau, tz, tp, None, *counts)
