"""``onemap demo generate --ground``: real by default, round when asked, refused in one line otherwise."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from etl.demo.generate import default_ground
from etl.demo.scales import SCALES
from tests.support.cli import one_line_error, onemap


def test_an_unknown_ground_is_refused_in_one_line(cli_env: dict[str, str], tmp_path: Path) -> None:
    line = one_line_error(onemap("demo", "generate", "--ground", "flat", "--out", str(tmp_path), env=cli_env))
    assert "flat" in line and "round" in line and "real" in line
    assert not any(tmp_path.iterdir())


def test_the_city_on_real_ground_is_refused(cli_env: dict[str, str], tmp_path: Path) -> None:
    args = ("demo", "generate", "--scale", "city", "--ground", "real", "--out", str(tmp_path))
    line = one_line_error(onemap(*args, env=cli_env))
    assert "city" in line and "round" in line


def test_real_ground_is_the_default_but_for_the_city_and_hand_made_scales() -> None:
    assert default_ground("small") == default_ground("county") == "real"
    assert default_ground("city") == default_ground(SCALES["small"]) == "round"


def test_the_round_county_is_still_drawn_when_asked(cli_env: dict[str, str], tmp_path: Path) -> None:
    args = ("demo", "generate", "--ground", "round", "--until", "2026-11-22", "--out", str(tmp_path))
    done = onemap(*args, env=cli_env)
    assert done.returncode == 0 and "round ground" in done.stdout + done.stderr, done.stderr
    police = gpd.read_file(tmp_path / "police" / "police.gpkg", layer="stations")
    assert len(police) == SCALES["small"].stations  # four stations cut by straight lines, not 增城区's eleven
