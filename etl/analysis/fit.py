"""The risk model's forecast of a week from the weeks before it only: each week's inputs (read once)
and the weights fitted on the :data:`~etl.analysis.risk.FIT_WEEKS` weeks before the forecast week.

The invariant the back-test rests on: nothing of week ``k`` or later reaches the forecast of week
``k`` — its inputs count what stood before ``k`` began, its weights are fitted on weeks ``j < k``
whose inputs count what stood before ``j`` began (tests/etl/test_analysis_fit.py).
"""

from __future__ import annotations

import numpy as np

from etl.analysis.data import Data, first_week, risk_inputs
from etl.analysis.risk import FIT_WEEKS, fit_weights, forecasts, shares


class Forecaster:
    """Forecasts of the weeks of one :class:`~etl.analysis.data.Data`, sharing each week's inputs."""

    def __init__(self, data: Data) -> None:
        self.data = data
        self.start = first_week(data)
        self._inputs: dict[int, dict[str, dict[str, np.ndarray]]] = {}

    def inputs(self, k: int) -> dict[str, dict[str, np.ndarray]]:
        """Each unit kind's inputs for week ``k``, as they stood when it began."""
        if k not in self._inputs:
            self._inputs[k] = risk_inputs(self.data, k)
        return self._inputs[k]

    def training_weeks(self, k: int) -> range:
        """The weeks the weights for week ``k`` are fitted on: before ``k``, each with a week of data
        before it (a week with none has no recent incidents to explain it by)."""
        return range(max(self.start + 1, k - FIT_WEEKS), k)

    def weights(self, k: int) -> dict[str, float]:
        """The weights for week ``k``, fitted on the cells of :meth:`training_weeks`."""
        weeks = self.training_weeks(k)
        return fit_weights(
            [shares(self.inputs(j)["cell"]) for j in weeks],
            [self.data.weekly["cell"][j] for j in weeks],
        )

    def forecasts(self, k: int) -> tuple[dict[str, dict[str, np.ndarray]], dict[str, float]]:
        """Every model's forecast of week ``k`` per unit kind, and the weights the model used."""
        weights = self.weights(k)
        return forecasts(k, self.data.weekly, self.inputs(k), self.data.units, weights), weights
