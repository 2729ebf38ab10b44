"""``onemap demo generate --ground``: round or real, refused in one clear line otherwise."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import one_line_error, onemap


def test_an_unknown_ground_is_refused_in_one_line(cli_env: dict[str, str], tmp_path: Path) -> None:
    line = one_line_error(onemap("demo", "generate", "--ground", "flat", "--out", str(tmp_path), env=cli_env))
    assert "flat" in line and "round" in line and "real" in line
    assert not any(tmp_path.iterdir())


def test_the_city_on_real_ground_is_refused(cli_env: dict[str, str], tmp_path: Path) -> None:
    args = ("demo", "generate", "--scale", "city", "--ground", "real", "--out", str(tmp_path))
    line = one_line_error(onemap(*args, env=cli_env))
    assert "city" in line and "round" in line
