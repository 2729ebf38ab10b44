"""The checkout's root: the default home of ``data/`` (the embedded cluster, the secret key)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
