"""The ``onemap`` command run as a user runs it, in a subprocess; free ports for servers it starts."""

from __future__ import annotations

import random
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from etl.db import libpq_url
from tests.support.accounts import DEMO_UNTIL


def onemap(*args: str, env: dict[str, str], timeout: int = 180) -> subprocess.CompletedProcess[str]:
    """Run the onemap command line in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "onemap", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """Assert the command failed with one clear line (no traceback) and return it."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def free_port(start: int) -> int:
    """First port from ``start`` that nothing listens on."""
    for port in range(start, start + 500):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError("no free port")


@contextmanager
def serving(
    db: tuple[str, str],
    cli_env: dict[str, str],
    workers: int = 2,
    log: list[tuple[float, str]] | None = None,
    settings: dict[str, str] | None = None,
) -> Iterator[str]:
    """Run `onemap serve` on a free port against ``db`` (owner URL, application URL) as of the
    demo's last day, with ``settings`` (``ONEMAP_*``) over the defaults; yield its base URL, stop it
    afterwards.

    What the server writes is read as it comes (a full pipe would stall the server); with ``log``,
    each line is appended to it with the monotonic time it was read.
    """
    owner, app = db
    env = {
        **cli_env,
        "DATABASE_URL": libpq_url(owner),
        "ONEMAP_APP_DATABASE_URL": libpq_url(app),
        "ONEMAP_AS_OF": DEMO_UNTIL.isoformat(),
        "ONEMAP_WALL_ROTATE_SECONDS": "3",
        **(settings or {}),
    }
    for _attempt in range(5):
        # a port found free may be taken before the server binds it (other test runs share the
        # machine): start somewhere random, and try another when the server says it is taken
        port = free_port(58050 + random.randrange(0, 2000, 10))
        proc = subprocess.Popen(
            # two workers: each must serve the scripts even if its first request is not the index
            [sys.executable, "-m", "onemap", "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert proc.stdout is not None
        first = proc.stdout.readline()
        if "is taken" not in first:
            break
        proc.wait(timeout=30)
    base = f"http://127.0.0.1:{port}"
    try:
        assert proc.stdout is not None
        assert first.strip() == f"serving on {base}", first
        stdout = proc.stdout

        def drain() -> None:
            for line in stdout:
                if log is not None:
                    log.append((time.monotonic(), line.rstrip("\n")))

        threading.Thread(target=drain, daemon=True).start()
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base, timeout=5).read()
                break
            except OSError:
                assert proc.poll() is None, "onemap serve exited"
                assert time.monotonic() < deadline, "onemap serve did not answer in 60 s"
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
