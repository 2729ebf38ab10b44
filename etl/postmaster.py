"""The processes of an embedded cluster as /proc shows them, and why a start failed, from its log.

Every process of a PostgreSQL server works in its data directory, so "a process of this cluster"
is one whose executable is postgres and whose working directory is the data directory.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import time
from pathlib import Path

from common.errors import OnemapError

LOGGER = logging.getLogger(__name__)
_BAD = "parameter"  # LOG lines naming a setting the server refused


def _cmdline(pid: int) -> list[bytes] | None:
    """The command line of a live (non-zombie) process, or None."""
    proc = Path(f"/proc/{pid}")
    try:
        if (proc / "stat").read_text().split(")")[-1].split()[0] == "Z":
            return None
        return (proc / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return None


def serves_here(pgdata: Path, pid: int) -> bool:
    """True when ``pid`` is a live PostgreSQL process working in the data directory ``pgdata``."""
    cmd = _cmdline(pid)
    if not cmd or b"postgres" not in cmd[0]:
        return False
    try:
        return Path(os.readlink(f"/proc/{pid}/cwd")) == pgdata
    except OSError:
        return str(pgdata).encode() in cmd


def cluster_processes(pgdata: Path) -> list[int]:
    """Every live server process of the cluster in ``pgdata``."""
    return [
        int(p.name)
        for p in Path("/proc").iterdir()
        if p.name.isdigit() and int(p.name) != os.getpid() and serves_here(pgdata, int(p.name))
    ]


def _is_postmaster(pid: int) -> bool:
    """The postmaster runs as its executable's path; its children name themselves ``postgres: …``."""
    cmd = _cmdline(pid)
    return bool(cmd) and not cmd[0].startswith(b"postgres:")  # type: ignore[index]


def clear_leftovers(pgdata: Path, wait_s: float = 10) -> None:
    """Before a start: let a killed server's backends end (or end them), then drop its stale pid file.

    A postmaster killed with ``kill -9`` leaves backends that end only when they next notice;
    while they hold its shared memory a new server refuses to start.

    Raises
    ------
    OnemapError
        When a postmaster still runs in ``pgdata`` (its pid file is then missing or wrong).
    """
    deadline = time.monotonic() + wait_s
    while (left := cluster_processes(pgdata)) and time.monotonic() < deadline:
        if postmasters := [pid for pid in left if _is_postmaster(pid)]:
            raise OnemapError(
                f"a PostgreSQL server (process {postmasters[0]}) runs in {pgdata} but its postmaster.pid "
                "does not name it: stop that process, then run `onemap db up` again"
            )
        time.sleep(0.2)
    for pid in left:
        LOGGER.warning("ending server process %s left by a PostgreSQL that was killed", pid)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + wait_s
    while cluster_processes(pgdata) and time.monotonic() < deadline:
        time.sleep(0.2)
    pidfile = pgdata / "postmaster.pid"
    if pidfile.exists():
        LOGGER.warning("removing the stale %s of a server that is not running", pidfile)
        pidfile.unlink(missing_ok=True)


def start_failure(log: Path, offset: int, pg_ctl_said: str) -> str:
    """Why a start failed: the first PANIC, FATAL or ERROR the server logged past ``offset``, else
    what pg_ctl said (never a stale line of an earlier run)."""
    written: list[str] = []
    with contextlib.suppress(OSError), log.open("rb") as fh:
        fh.seek(offset if offset <= log.stat().st_size else 0)
        written = fh.read().decode(errors="replace").splitlines()
    for severity in ("PANIC:", "FATAL:", "ERROR:"):
        for i, line in enumerate(written):
            if severity in line:
                reason = line.split(severity, 1)[1].strip()
                # a bad setting is named in the LOG line before "configuration file … contains errors"
                named = [x.split("LOG:", 1)[1].strip() for x in written[:i] if "LOG:" in x and _BAD in x]
                return f"{reason}: {named[-1]}" if named else reason
    said = [line for line in pg_ctl_said.splitlines() if line.strip() and "Examine the log" not in line]
    if said:
        return said[-1].strip()
    return written[-1].strip() if written else "no reason given"
