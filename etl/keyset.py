"""A growing set of row keys held as 128-bit hashes, so that each chunk is checked in time that does
not grow with the number of chunks before it.

A key is two independent 64-bit hashes of its values (pandas' ``hash_pandas_object`` under two
hash keys): two different keys share both with a probability of about n² / 2¹²⁹, far below any
other fault a load can meet. The hashes are kept as sorted runs whose sizes at least double from
the newest to the oldest (a binary counter: a new run is merged into the runs no bigger than it),
so there are at most log₂(rows) runs, each searched by bisection, and every hash is re-sorted
about log₂(rows) times in all: adding and looking up n keys costs about n log² n, and memory is
16 bytes a key.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# two different 16-character keys of pandas' SipHash: two independent hashes of each key
_HASH_KEYS = ("onemap-keyset-01", "onemap-keyset-02")


def key_hashes(keys: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The two 64-bit hashes of each row of ``keys`` (its values, not its index)."""
    a, b = (
        pd.util.hash_pandas_object(keys, index=False, hash_key=k).to_numpy(dtype=np.uint64)
        for k in _HASH_KEYS
    )
    return a, b


def first_seen(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """True for each pair of hashes not met earlier in the same arrays (the first of repeats)."""
    return ~pd.DataFrame({"a": a, "b": b}).duplicated(keep="first").to_numpy()


class KeySet:
    """Keys added so far, as sorted runs of (first hash, second hash)."""

    def __init__(self) -> None:
        self.runs: list[tuple[np.ndarray, np.ndarray]] = []  # oldest (biggest) first

    def __len__(self) -> int:
        return sum(len(a) for a, _ in self.runs)

    def contains(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """True for each (a, b) pair already added."""
        found = np.zeros(len(a), dtype=bool)
        for ra, rb in self.runs:
            lo = np.searchsorted(ra, a, side="left")
            # a first hash met (nearly only repeated keys) is looked at closer: one search, not two
            met = np.flatnonzero(ra[np.minimum(lo, len(ra) - 1)] == a)
            hi = np.searchsorted(ra, a[met], side="right")
            span = hi - lo[met]
            one = met[span == 1]
            found[one] |= rb[lo[one]] == b[one]
            # the same first hash stored more than once: compare the second hash along the run
            for i, end in zip(met[span > 1], hi[span > 1], strict=True):
                found[i] |= bool((rb[lo[i] : end] == b[i]).any())
        return found

    def add(self, a: np.ndarray, b: np.ndarray) -> None:
        """Add (a, b) pairs (not already present: the caller has dropped those)."""
        if len(a) == 0:
            return
        order = np.argsort(a, kind="stable")
        run = (a[order], b[order])
        while self.runs and len(self.runs[-1][0]) <= len(run[0]):
            oa, ob = self.runs.pop()
            ma, mb = np.concatenate([oa, run[0]]), np.concatenate([ob, run[1]])
            order = np.argsort(ma, kind="stable")
            run = (ma[order], mb[order])
        self.runs.append(run)
