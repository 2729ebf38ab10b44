"""A chunk's verdict while it is checked: per row the first reason, field and detail it failed for."""

from __future__ import annotations

import numpy as np
import pandas as pd


class Verdict:
    """Reason per row; the first reason set for a row wins."""

    def __init__(self, n: int) -> None:
        self.reason = np.full(n, None, dtype=object)
        self.field = np.full(n, None, dtype=object)
        self.detail = np.full(n, None, dtype=object)
        self.open = np.ones(n, dtype=bool)  # rows no reason was set for yet

    def fail(self, mask: np.ndarray | pd.Series, code: str, fname: str | None, detail: object = None) -> None:
        m = np.asarray(mask, dtype=bool) & self.open
        if not m.any():  # nearly every check of nearly every chunk: its details are never looked at
            return
        self.open &= ~m
        self.reason[m] = code
        self.field[m] = fname
        if isinstance(detail, pd.Series):
            self.detail[m] = detail[m].to_numpy(dtype=object)
        elif isinstance(detail, np.ndarray):
            self.detail[m] = np.asarray(detail[m], dtype=object)
        elif detail is not None:
            self.detail[m] = detail

    @property
    def ok(self) -> np.ndarray:
        return self.open.copy()
