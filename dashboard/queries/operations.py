"""What the operators read: element counts, loads and quarantine, per-grid data quality, the audit trail,
and how often each alert rule was right."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dashboard.queries.sql import rows
from dashboard.scope import Scope


def element_counts(url: str) -> list[dict[str, Any]]:
    """One row per kind of base element with its count."""
    return rows(url, "operations_element_counts")


def load_history(url: str, limit: int = 60) -> list[dict[str, Any]]:
    """Recent loads of every source."""
    return rows(url, "operations_load_history", {"limit": limit})


def data_as_of(url: str) -> datetime | None:
    """When the latest load that finished loaded ended (None before any): the data's "as of" time."""
    found = rows(url, "operations_data_as_of")
    return found[0]["finished_at"] if found else None


def quarantine_counts(url: str) -> list[dict[str, Any]]:
    """Quarantined rows per source and reason."""
    return rows(url, "operations_quarantine_counts")


def grid_quality(url: str, scope: Scope, limit: int = 30) -> list[dict[str, Any]]:
    """Per grid: three-code completeness, migrant registration and sensor online rates; worst first."""
    return rows(
        url,
        "operations_grid_quality",
        {**scope.params(), "limit": limit},
        scope=scope.where(),
        scope_g=scope.where("g"),
    )


def audit_rows(
    url: str, username: str | None = None, action: str | None = None, limit: int = 300
) -> list[dict[str, Any]]:
    """The newest audit rows (readable with a leadership scope only, by policy)."""
    return rows(url, "operations_audit_rows", {"u": username or None, "a": action or None, "limit": limit})


def audit_alerts(url: str, days: int = 7) -> list[dict[str, Any]]:
    """Person searches locked for exceeding their limits in the last ``days`` (leadership only)."""
    return rows(url, "operations_audit_alerts", {"days": days})


def alert_precision(url: str) -> list[dict[str, Any]]:
    """Per alert rule: verdicts confirmed, rejected and still checking, and the precision."""
    return rows(url, "operations_alert_precision")
