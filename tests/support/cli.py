"""The ``onemap`` command run as a user runs it, in a subprocess; free ports for servers it starts."""

from __future__ import annotations

import socket
import subprocess
import sys


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
