"""The city scale is written district by district and loaded manifest after manifest.

A two-district miniature of the city goes through the same code as the full one
(`generate_city`), then through `onemap etl load manifests.txt`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, create_engine, text

from etl.contract import KINDS
from etl.db import libpq_url
from etl.demo.generate import generate_city
from etl.demo.scales import Scale, district_scale
from etl.warehouse import Warehouse
from tests.support.cli import onemap
from tests.support.database import fresh_database

pytestmark = pytest.mark.db

UNTIL = date(2026, 11, 22)
MINI_CITY = Scale(
    name="mini city",
    stations=4,
    zones=16,
    grids=60,
    villages=12,
    roads=10,
    size_km=12,
    buildings=2_000,
    persons=4_000,
    communities=20,
    smart_communities=6,
    sensors=60,
    cameras=40,
    workstations=4,
    access_events=20_000,
    incidents=600,
    grid_events=300,
    disputes=100,
    hazards=150,
    access_days=7,
    weeks=4,
)
DISTRICTS = [("350102", "鼓楼区"), ("350103", "台江区")]


@pytest.fixture(scope="module")
def city_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("city")
    generate_city(1, out, UNTIL, city=MINI_CITY, districts=DISTRICTS)
    return out


@pytest.fixture(scope="module")
def city_loaded(
    warehouse: Warehouse,
    test_db_url: str,
    city_dir: Path,
    cli_env: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Engine, dict]]:
    url = fresh_database(warehouse, test_db_url, "city")
    env = {**cli_env, "DATABASE_URL": libpq_url(url)}
    report = tmp_path_factory.mktemp("city_report") / "r.json"
    listing = str(city_dir / "manifests.txt")
    result = onemap("etl", "load", listing, "--report", str(report), env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "2 manifests:" in result.stderr
    engine = create_engine(url)
    yield engine, json.loads(report.read_text(encoding="utf-8"))
    engine.dispose()


def test_each_district_has_its_own_directory_manifest_and_codes(city_dir: Path) -> None:
    listed = (city_dir / "manifests.txt").read_text(encoding="utf-8").split()
    assert listed == ["350102/manifest.yaml", "350103/manifest.yaml"]
    areas = [yaml.safe_load((city_dir / m).read_text(encoding="utf-8"))["area"] for m in listed]
    assert [a["district_code"] for a in areas] == ["350102", "350103"]
    assert {a["city"] for a in areas} == {"福州市"}
    half = district_scale(MINI_CITY, 2)
    assert (half.buildings, half.persons, half.stations) == (1_000, 2_000, 2)
    assert half.size_km == pytest.approx(12 / 2**0.5)


def test_districts_do_not_overlap(city_loaded: tuple[Engine, dict]) -> None:
    engine, _ = city_loaded
    with engine.connect() as conn:
        n, overlap = conn.execute(
            text(
                "select count(*), (select count(*) from core.districts a join core.districts b "
                "on a.district_code < b.district_code and st_intersects(a.geom, b.geom)) from core.districts"
            )
        ).one()
    assert (n, overlap) == (2, 0)


def test_no_key_repeats_across_districts(city_loaded: tuple[Engine, dict]) -> None:
    """Every row loaded from either district is its own row in core (nothing overwrote another)."""
    engine, report = city_loaded
    loaded = Counter[str]()
    for s in report["sources"]:
        # a codebook both districts deliver identically is loaded once and then "unchanged"
        assert s["status"] in ("loaded", "unchanged"), s
        assert s["rows_in"] == s["loaded"] + s["quarantined"], s
        loaded[KINDS[s["kind"]].table] += s["loaded"]
    with engine.connect() as conn:
        counts = {t: conn.execute(text(f"select count(*) from {t}")).scalar() for t in loaded}
    assert counts == dict(loaded)
    assert counts["core.persons"] > 3_000


def test_each_element_lies_in_its_own_district(city_loaded: tuple[Engine, dict]) -> None:
    engine, _ = city_loaded
    with engine.connect() as conn:
        per_district = dict(
            conn.execute(text("select district_code, count(*) from core.buildings group by 1")).all()
        )
        foreign = conn.execute(
            text(
                "select count(*) from core.buildings b join core.grids g using (grid_code) "
                "where g.district_code <> b.district_code"
            )
        ).scalar()
    assert set(per_district) == {"350102", "350103"} and min(per_district.values()) > 800
    assert foreign == 0


def test_only_the_injected_defects_are_quarantined(city_loaded: tuple[Engine, dict], city_dir: Path) -> None:
    engine, _ = city_loaded
    expected = Counter[tuple[str, int, str]]()
    for code, _name in DISTRICTS:
        defects = json.loads((city_dir / code / "defects.json").read_text(encoding="utf-8"))["defects"]
        expected.update((d["source"], d["line"], d["reason"]) for d in defects)
    with engine.connect() as conn:
        rows = conn.execute(text("select source, line_no, reason_code from ops.quarantine")).all()
    assert Counter((s, line, r) for s, line, r in rows) == expected
