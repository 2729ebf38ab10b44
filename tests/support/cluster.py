"""Throwaway embedded clusters for tests that start, stop or kill PostgreSQL (never the shared one)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.cli import free_port, onemap


@contextmanager
def scratch_cluster(cli_env: dict[str, str]) -> Iterator[dict[str, str]]:
    """Environment pointing the embedded server at a throwaway data directory; stopped and removed after."""
    root = Path(tempfile.mkdtemp(prefix="onemap-cluster-"))
    env = {k: v for k, v in cli_env.items() if k not in ("DATABASE_URL", "ONEMAP_PG_PORT")}
    env["ONEMAP_PGDATA"] = str(root / "pgdata")
    env["ONEMAP_PG_FIRST_PORT"] = str(free_port(56400))
    try:
        yield env
    finally:
        onemap("db", "down", env=env)
        shutil.rmtree(root, ignore_errors=True)


def postmaster_pids(pgdata: Path) -> list[int]:
    """PIDs of live postgres server processes started on ``pgdata``."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
            state = (proc / "stat").read_text().split(")")[-1].split()[0]
        except OSError:
            continue
        if state != "Z" and any(b"postgres" in part for part in cmd[:1]) and str(pgdata).encode() in cmd:
            pids.append(int(proc.name))
    return pids
