"""Alerts as officers judge them: one alert with its state and history, an area's alerts, and the
verdict itself, which only the owner's ``ops.alert_verdict`` writes (scoped, audited, refused to
anyone but a station chief or a grid worker)."""

from __future__ import annotations

from typing import Any

from dashboard.db import execute
from dashboard.queries.areas import Area, scope_filter
from dashboard.queries.sql import rows
from dashboard.scope import Scope

# what ops.alert_verdict accepts, in the order a form offers them
STATES = ("checking", "confirmed", "false", "resolved")
# an alert still open (serve.alerts.state): not judged, being checked, or found true and not yet dealt with
OPEN = ("open", "checking", "confirmed")


def alert(url: str, scope: Scope, alert_id: int) -> dict[str, Any] | None:
    """One alert in scope (rule, score, reason, state and its verdict's note), None when there is
    none the viewer may see; ``subject_code`` is for :func:`judge`, never for a page."""
    found = rows(url, "verdicts_alert", {**scope.params(), "alert_id": alert_id}, scope=scope.where("al"))
    return found[0] if found else None


def history(url: str, scope: Scope, alert_id: int) -> list[dict[str, Any]]:
    """The verdicts given an alert's subject in scope, newest first (state, note, who, when)."""
    return rows(url, "verdicts_history", {**scope.params(), "alert_id": alert_id}, scope=scope.where("al"))


def area_alerts(url: str, scope: Scope, area: Area, limit: int = 200) -> list[dict[str, Any]]:
    """An area's alerts for judging: open ones first, highest score first."""
    where, params = scope_filter(scope, area, "al")
    return rows(url, "verdicts_area_alerts", {**params, "limit": limit}, where=where)


def judge(url: str, kind: str, subject: str, state: str, note: str) -> str:
    """Record a verdict through ``ops.alert_verdict`` (who acts comes from the signed scope); its
    answer: ``ok``, ``not_found``, ``refused_role``, ``refused_state`` or ``refused_reason``.
    Every call is audited, refused or not."""
    return str(
        execute(
            url,
            "select ops.alert_verdict(:k, :s, :st, :n) as result",
            {"k": kind[:40], "s": subject[:40], "st": state[:20], "n": note[:500]},
        )[0]["result"]
    )
