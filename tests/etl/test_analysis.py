"""研判: the pipeline's Gi* z and p are one Poisson test on its weights, planted clusters get
their classes, randomness gives none.

The small demo (loaded once per session, the analysis run by the load) carries clusters of known
truth (etl/demo/hotspot_cases.py); the statistics are checked against the test worked out here on
weights built here, on counts whose answer is known, and the FDR correction on spatially random
counts of 20 seeds.
"""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest
from libpysal.weights import DistanceBand, W, lat2W
from scipy.sparse import identity
from scipy.stats import norm, poisson
from sqlalchemy import create_engine, text

from dashboard.scope import Scope
from etl.analysis.stats import classify, fdr_levels, gi_star
from etl.db import normalise_url
from tests.support.accounts import sign

pytestmark = pytest.mark.db

W47 = date(2026, 11, 16)  # the demo's last full week (2026-W47)


def rows(url: str, sql: str, **params: object) -> list:
    with create_engine(normalise_url(url)).connect() as conn:
        return list(conn.execute(text(sql), params))


@pytest.mark.parametrize("scope", ["all", "station"])
def test_gi_star_is_the_poisson_test_on_the_same_weights(demo_db: tuple[str, str], scope: str) -> None:
    """Stored p of every cell of a week is the Poisson tail of its neighbourhood's count on queen
    weights of the cell lattice built here from the cells' indices (expecting what its area holds),
    and the stored z is that p's normal score, for the whole area and for one station."""
    owner = demo_db[0]
    station = rows(  # the station with most incidents in the week (the largest may be rural)
        owner,
        "select scope_code from core.hotspot_weeks where unit_kind = 'cell' and week_start = :w "
        "and scope_code <> 'all' group by 1 order by sum(events) desc, 1 limit 1",
        w=W47,
    )[0][0]
    units = rows(
        owner,
        "select unit_code, area_m2 from core.analysis_units where unit_kind = 'cell' "
        "and (:all or station_code = :s) "
        "order by unit_code",
        all=scope == "all",
        s=station,
    )
    codes = [u[0] for u in units]
    scope_code = "all" if scope == "all" else station
    area = np.array([u[1] for u in units])
    stored = {
        r[0]: (r[1], r[2], r[3])
        for r in rows(
            owner,
            "select unit_code, events, gi_z, gi_p from core.hotspot_weeks where scope_code = :s "
            "and unit_kind = 'cell' and week_start = :w",
            s=scope_code,
            w=W47,
        )
    }
    y = np.array([stored.get(c, (0, None))[0] for c in codes], dtype=float)
    assert y.sum() > 20
    ij = np.array([[int(v) for v in c[1:].split("_")] for c in codes], dtype=float)
    w = DistanceBand(ij, threshold=1.5, binary=True, silence_warnings=True)  # the 8 cells around
    star = w.sparse + identity(len(codes))  # each cell its own neighbour
    total, expected = star @ y, (star @ area) * y.sum() / area.sum()
    p = np.minimum(1, 2 * np.minimum(poisson.sf(total - 1, expected), poisson.cdf(total, expected)))
    z = np.sign(total - expected) * norm.isf(p / 2)
    kept = [k for k, c in enumerate(codes) if c in stored]
    got = np.array([stored[codes[k]][1:] for k in kept])
    assert len(got) > 50
    assert np.allclose(got[:, 1], p[kept], rtol=1e-9, atol=1e-300)
    assert np.allclose(got[:, 0], z[kept], rtol=1e-9, atol=1e-9)
    if scope == "all":  # and the cells' counts are the week's incidents (a station's cells take
        # the station of their centre, its incidents the station they lie in: not the same set)
        incidents = rows(
            owner,
            "select count(*) from core.incidents where reported_at >= '2026-11-16T00:00+08' "
            "and reported_at < '2026-11-23T00:00+08'",
        )[0][0]
        assert abs(y.sum() - incidents) <= 0.01 * incidents


def test_planted_clusters_get_their_classes(demo_db: tuple[str, str], demo_manifest: Path) -> None:
    """The cell at each planted centre has the class its weeks were planted for: new, intensifying,
    diminishing; the moving cluster is new or consecutive where it ended."""
    truth = json.loads((demo_manifest.parent / "hotspot_truth.json").read_text(encoding="utf-8"))["cases"]
    assert {c["pattern"] for c in truth} == {"appears", "grows", "fades", "moves"}
    for case in truth:
        found = rows(
            demo_db[0],
            "select t.hotspot_class from core.analysis_units u join core.hotspot_trends t "
            "using (unit_kind, unit_code) where t.scope_code = 'all' and u.unit_kind = 'cell' "
            "and st_contains(u.geom, st_setsrid(st_point(:x, :y), 4326))",
            x=case["lon"],
            y=case["lat"],
        )
        got = found[0][0] if found else "no_pattern"
        if case["pattern"] == "moves":
            assert got in ("new_hot", "consecutive_hot"), case["pattern"]
        else:
            assert got == case["expected"], case["pattern"]


def test_z_and_p_are_one_test_on_counts_whose_answer_is_known() -> None:
    """Five units in a row, each its neighbours' neighbour, 12 incidents all in the first: its
    neighbourhood (itself and the second) holds 12 where 2/5 of them, 4.8, are expected, and the
    last's (the fourth and itself) none where 4.8 are. p is the Poisson tail worked out here by hand,
    z its normal score (a reader's z ≥ 3.29 is p < 0.001 and back); and on grids of unequal areas,
    where esda's z (which knows no area) read 1.22 beside p 2e-15, every z says what its p says."""
    w = W({0: [1], 1: [0, 2], 2: [1, 3], 3: [2, 4], 4: [3]})
    z, p, sign = gi_star(np.array([12, 0, 0, 0, 0]), w)
    tail = 1 - sum(math.exp(-4.8) * 4.8**k / math.factorial(k) for k in range(12))  # P(X ≥ 12)
    none = math.exp(-4.8)  # P(X = 0)
    assert p[0] == pytest.approx(2 * tail, rel=1e-9) and p[4] == pytest.approx(2 * none, rel=1e-9)
    assert z[0] == pytest.approx(NormalDist().inv_cdf(1 - tail), rel=1e-9)
    assert z[4] == pytest.approx(-NormalDist().inv_cdf(1 - none), rel=1e-9)
    assert list(sign[[0, 4]]) == [1, -1]
    lattice = lat2W(6, 6, rook=False)
    y = np.random.default_rng(3).poisson(2, 36)
    area = np.full(36, 10.0)
    area[[7, 8, 9, 13, 15, 19, 20, 21]], area[14], y[14] = 1.0, 0.5, 4  # a small grid amid large ones
    z, p, sign = gi_star(y, lattice, area)
    assert p.min() < 1e-9  # the small grid's neighbourhood: far more than its area holds
    assert np.allclose(2 * norm.sf(np.abs(z)), p, rtol=1e-9)
    assert np.array_equal(np.sign(z)[p < 1], sign[p < 1])


def test_spatially_random_counts_give_no_hot_spot_after_fdr() -> None:
    """Poisson counts of one rate on a 40 × 40 lattice: in most of 20 seeds no unit is significant."""
    w = lat2W(40, 40, rook=False)
    clean = 0
    for seed in range(20):
        y = np.random.default_rng(seed).poisson(0.5, 1600)
        _z, p, sign = gi_star(y, w)
        clean += not fdr_levels(sign, p).any()
    assert clean >= 15, clean


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ([0] * 11 + [3], "new_hot"),
        ([0] * 9 + [2, 3, 3], "consecutive_hot"),
        ([1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3], "intensifying_hot"),
        ([3, 3, 3, 3, 3, 3, 2, 2, 2, 1, 1, 1], "diminishing_hot"),
        ([0, 2, 0, 1, 0, 0, 2, 0, 0, 0, 0, 3], "sporadic_hot"),
        ([0, -2, 0, 1, 0, 0, 2, 0, 0, 0, 0, 3], "oscillating_hot"),
        ([3] * 11 + [0], "historical_hot"),
        ([0] * 11 + [-2], "new_cold"),
        ([0] * 12, "no_pattern"),
    ],
)
def test_emerging_classes_follow_esris_definitions(levels: list[int], expected: str) -> None:
    lv = np.array(levels)
    z = lv * 1.5 + np.random.default_rng(0).normal(0, 0.01, 12)  # a z series in the levels' direction
    assert classify(lv, z).hotspot_class == expected


def test_a_chief_reads_only_their_stations_results(demo_db: tuple[str, str]) -> None:
    """serve's analysis views carry the row-level scope of the core tables beneath."""
    stations = [r[0] for r in rows(demo_db[0], "select station_code from core.police_stations order by 1")]
    with create_engine(normalise_url(demo_db[1])).connect() as conn, conn.begin():
        conn.execute(
            text("select set_config('onemap.scope', :t, true)"),
            {"t": sign(Scope.of(stations[0]), "station_chief")},
        )
        for view in ("hotspot_trends", "hotspot_weeks", "risk_scores", "analysis_units"):
            seen = {r[0] for r in conn.execute(text(f"select distinct station_code from serve.{view}"))}
            assert seen == {stations[0]}, view
        assert conn.execute(text("select count(*) from serve.backtest_scores")).scalar_one() > 0
        conn.execute(text("select set_config('onemap.scope', '', true)"))
        assert conn.execute(text("select count(*) from serve.hotspot_trends")).scalar_one() == 0


def test_the_backtest_command_prints_each_models_pai(
    demo_db: tuple[str, str], cli_env: dict[str, str]
) -> None:
    """`onemap analyse backtest --weeks 12` prints PAI and PEI of the model and the three naive
    forecasts (the same 12 weeks the load stored, so the demo's tables end as they were)."""
    from etl.db import libpq_url
    from tests.support.cli import onemap

    result = onemap(
        "analyse", "backtest", "--weeks", "12", env={**cli_env, "DATABASE_URL": libpq_url(demo_db[0])}
    )
    assert result.returncode == 0, result.stderr
    assert (
        "back-test of 11 weeks through 2026-W47" in result.stdout
    )  # the demo's first week has none before it
    for model in ("风险叠加模型", "上周警情数", "近4周警情数", "热力图核密度"):
        assert model in result.stdout
    assert "PAI 3%" in result.stdout and "PEI 3%" in result.stdout


def test_the_stored_weights_are_a_fitted_mixture(demo_db: tuple[str, str]) -> None:
    """core.risk_inputs holds every input once, in order, with the weights fitted for the week
    forecast: none negative, summing to 1, and not the fallback used when there is nothing to fit."""
    from etl.analysis.risk import INPUTS, PRIOR

    stored = rows(demo_db[0], "select input_code, weight from core.risk_inputs order by position")
    assert [r[0] for r in stored] == list(INPUTS)
    weights = {r[0]: r[1] for r in stored}
    assert min(weights.values()) >= 0 and abs(sum(weights.values()) - 1) < 1e-6
    assert weights != PRIOR
