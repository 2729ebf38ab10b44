"""研判: the pipeline's Gi* is esda's, planted clusters get their classes, randomness gives none.

The small demo (loaded once per session, the analysis run by the load) carries clusters of known
truth (etl/demo/hotspot_cases.py); the statistics are checked against esda run here on weights
built here, and the FDR correction on spatially random counts of 20 seeds.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import esda
import numpy as np
import pytest
from libpysal.weights import DistanceBand, lat2W
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
def test_gi_star_is_esdas_on_the_same_weights(demo_db: tuple[str, str], scope: str) -> None:
    """Stored z of every cell of a week equals esda's G_Local (Gi*, binary) on queen weights of the
    cell lattice built here from the cells' indices, for the whole area and for one station."""
    owner = demo_db[0]
    station = rows(  # the station with most incidents in the week (the largest may be rural)
        owner,
        "select scope_code from core.hotspot_weeks where unit_kind = 'cell' and week_start = :w "
        "and scope_code <> 'all' group by 1 order by sum(events) desc, 1 limit 1",
        w=W47,
    )[0][0]
    units = rows(
        owner,
        "select unit_code from core.analysis_units where unit_kind = 'cell' and (:all or station_code = :s) "
        "order by unit_code",
        all=scope == "all",
        s=station,
    )
    codes = [u[0] for u in units]
    scope_code = "all" if scope == "all" else station
    stored = {
        r[0]: (r[1], r[2])
        for r in rows(
            owner,
            "select unit_code, events, gi_z from core.hotspot_weeks where scope_code = :s "
            "and unit_kind = 'cell' and week_start = :w",
            s=scope_code,
            w=W47,
        )
    }
    y = np.array([stored.get(c, (0, None))[0] for c in codes], dtype=float)
    assert y.sum() > 20
    ij = np.array([[int(v) for v in c[1:].split("_")] for c in codes], dtype=float)
    w = DistanceBand(ij, threshold=1.5, binary=True, silence_warnings=True)  # the 8 cells around
    z = esda.G_Local(y, w, transform="B", star=True, permutations=0).Zs
    got = np.array([stored[c][1] for c in codes if c in stored])
    want = np.array([z[k] for k, c in enumerate(codes) if c in stored])
    assert len(got) > 50
    assert np.max(np.abs(got - want)) < 1e-9
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
