"""The dashboard's roles and their Chinese names (the owner assigns them, the dashboard enforces them)."""

from __future__ import annotations

ROLE_ZH = {"leadership": "领导", "station_chief": "派出所所长", "grid_worker": "网格员"}
