"""The risk model's fitted weights: the forecast of a week never sees that week or a later one, and
the fit finds the mixture the counts were drawn from.

No database: a small area of four grids (and its 250 m cells) built here, with incident counts and
base elements drawn here, so what each week holds is known.
"""

from __future__ import annotations

import copy
from datetime import date, datetime

import numpy as np
import pytest
import shapely

from etl.analysis.backtest import backtest
from etl.analysis.data import WEEK, Data
from etl.analysis.fit import Forecaster
from etl.analysis.risk import INPUTS, PRIOR, Elements, fit_weights
from etl.analysis.units import cell_units, grid_units, metric_transformer

FIRST = date(2026, 6, 1)  # a Monday
WEEKS = 20
SCORED = 15  # the week whose forecast is checked


def _data(seed: int = 0) -> Data:
    """Four grids of about 1 km, weekly counts of a fixed pattern plus noise, and base elements
    (hazards found in different weeks, so what stands when a week begins changes with the week)."""
    rng = np.random.default_rng(seed)
    grids = []
    for k, (i, j) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        box = shapely.box(113.30 + i * 0.01, 23.10 + j * 0.01, 113.31 + i * 0.01, 23.11 + j * 0.01)
        grids.append((f"G{k}", "440100", f"S{k % 2}", shapely.to_wkb(box)))
    to_metric = metric_transformer(grids)
    units = {"grid": grid_units(grids, to_metric), "cell": cell_units(grids, to_metric)}
    cells = units["cell"]
    hot = rng.gamma(0.5, 1.0, cells.n)
    weekly_cells = rng.poisson(hot * 5, (WEEKS, cells.n)).astype(float)
    grid_pos = {c: p for p, c in enumerate(units["grid"].codes)}
    owner = np.array([grid_pos[g] for g in cells.grid])
    weekly_grids = np.stack([np.bincount(owner, weights=w, minlength=4) for w in weekly_cells])
    n_el = 300
    names = rng.choice(["rental_units", "unregistered_migrants", "open_hazards", "open_disputes"], n_el)
    found = np.array(
        [
            np.datetime64(datetime(2026, 6, 1), "s") + np.timedelta64(int(d), "D")
            for d in rng.integers(0, 140, n_el)
        ]
    )
    cell_of = rng.integers(0, cells.n, n_el)
    elements = {
        "cell": Elements(names, cell_of, found, np.full(n_el, np.datetime64("NaT"), "datetime64[s]")),
        "grid": Elements(names, owner[cell_of], found, np.full(n_el, np.datetime64("NaT"), "datetime64[s]")),
    }
    return Data(units, FIRST, {"cell": weekly_cells, "grid": weekly_grids}, elements)


def _later_changed(data: Data, k: int, seed: int) -> Data:
    """``data`` with the counts of week ``k`` and after redrawn and base elements found from week
    ``k`` on moved to other units: what a forecast of week ``k`` must not see."""
    rng = np.random.default_rng(seed)
    out = copy.deepcopy(data)
    for w in out.weekly.values():
        w[k:] = rng.poisson(3.0, w[k:].shape)
    # week k begins at midnight Beijing time: 16:00 UTC the day before (spans are naive UTC)
    start = np.datetime64(datetime(2026, 6, 1) + k * WEEK, "s") - np.timedelta64(8, "h")
    for kind, el in out.elements.items():
        later = el.since >= start
        assert later.any()
        el.unit[later] = rng.integers(0, out.units[kind].n, int(later.sum()))
    return out


def test_the_forecast_of_a_week_never_sees_that_week_or_later() -> None:
    """The model's forecast and fitted weights for week k are the same whatever weeks ≥ k hold; the
    weeks fitted on all lie before k; and a change one week earlier does change them (the guard
    would notice a fit that saw nothing at all)."""
    data = _data()
    model = Forecaster(data)
    assert max(model.training_weeks(SCORED)) == SCORED - 1
    preds, weights = model.forecasts(SCORED)
    assert weights != PRIOR  # fitted, not the fallback

    other = Forecaster(_later_changed(data, SCORED, seed=1))
    preds2, weights2 = other.forecasts(SCORED)
    assert weights2 == weights
    for kind in preds:
        for name in preds[kind]:
            np.testing.assert_array_equal(preds2[kind][name], preds[kind][name], err_msg=f"{kind} {name}")

    earlier = Forecaster(_later_changed(data, SCORED - 1, seed=1))
    _, weights3 = earlier.forecasts(SCORED)
    assert weights3 != weights


def test_the_backtest_scores_each_week_on_a_forecast_made_before_it() -> None:
    """Changing what happened in the last back-tested week leaves every earlier week's scores as
    they were: no week's forecast or fitted weights drew on a later week."""
    data = _data()
    rows = backtest(data, WEEKS - 1, 6)
    changed = backtest(_later_changed(data, WEEKS - 1, seed=2), WEEKS - 1, 6)
    last = FIRST + (WEEKS - 1) * WEEK
    assert [r for r in rows if r["week_start"] != last] == [r for r in changed if r["week_start"] != last]


@pytest.mark.parametrize("seed", range(3))
def test_the_fit_finds_the_mixture_the_counts_were_drawn_from(seed: int) -> None:
    """Counts drawn from known weights over random input maps: the fitted weights are within 0.03."""
    rng = np.random.default_rng(seed)
    n = 2000
    truth = rng.dirichlet(np.ones(len(INPUTS)))
    share_weeks, count_weeks = [], []
    for _ in range(6):
        s = rng.gamma(0.3, 1.0, (n, len(INPUTS)))
        s /= s.sum(axis=0)
        share_weeks.append(s)
        count_weeks.append(rng.multinomial(4000, s @ truth).astype(float))
    got = fit_weights(share_weeks, count_weeks)
    assert abs(sum(got.values()) - 1) < 1e-9
    assert np.max(np.abs(np.array([got[k] for k in INPUTS]) - truth)) < 0.03


def test_nothing_to_fit_on_gives_the_prior() -> None:
    assert fit_weights([], []) == PRIOR
