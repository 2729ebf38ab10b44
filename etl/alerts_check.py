"""How the derived alerts fare on cases of known truth: recall and false-alarm rate per rule.

The truth is the demo's ``alert_truth.json`` (etl/demo/alert_cases.py): for each planted subject,
the rule that should (``case``) or should not (``decoy``) raise it. A person's truth names the ID
number; the alert names its keyed digest, which is computed here the way derive_alerts.sql does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from etl.db import connect_raw

RULES = ("group_rental", "unregistered_occupants", "elderly_no_access", "sensor_offline")
MIN_RECALL = 0.9
MAX_FALSE_ALARMS = 0.1

_SUBJECTS = """
select p.id_number,
       coalesce('P' || left(encode(hmac(convert_to(p.id_number, 'UTF8'), sk.k, 'sha256'), 'hex'), 20),
                'P' || p.person_id)
from core.persons p
left join (
    select hmac(convert_to('onemap alert subject v1', 'UTF8'), key, 'sha256') as k from ops.scope_key
) sk on true
where p.id_number = any(%s)
"""


@dataclass(frozen=True)
class RuleScore:
    """One rule on the planted truth."""

    rule: str
    cases: int
    found: int
    decoys: int
    false_alarms: int
    missed: tuple[str, ...]  # what each missed case was
    fooled: tuple[str, ...]  # the class of each decoy alerted

    @property
    def recall(self) -> float:
        """Share of planted cases alerted (1 when none were planted)."""
        return self.found / self.cases if self.cases else 1.0

    @property
    def false_alarm_rate(self) -> float:
        """Share of planted decoys alerted (0 when none were planted)."""
        return self.false_alarms / self.decoys if self.decoys else 0.0

    @property
    def meets_target(self) -> bool:
        """Recall at least 90 % and false alarms at most 10 %."""
        return self.recall >= MIN_RECALL and self.false_alarm_rate <= MAX_FALSE_ALARMS


def read_truth(path: Path) -> list[dict[str, str]]:
    """The truth file (or the one inside a demo directory)."""
    if path.is_dir():
        path = path / "alert_truth.json"
    return list(json.loads(path.read_text(encoding="utf-8")))


def score_rules(url: str, truth: list[dict[str, str]]) -> list[RuleScore]:
    """Compare the alerts in the warehouse at ``url`` with ``truth``, rule by rule."""
    persons = [t["subject"] for t in truth if t["rule"] == "elderly_no_access"]
    with connect_raw(url) as conn:
        keyed: dict[str, str] = dict(conn.execute(_SUBJECTS, (persons,)).fetchall())
        alerted = set(conn.execute("select alert_kind, subject_code from core.alerts").fetchall())
    out = []
    for rule in RULES:
        mine = [t for t in truth if t["rule"] == rule]
        hit = [(t, (rule, keyed.get(t["subject"], t["subject"])) in alerted) for t in mine]
        cases = [(t, h) for t, h in hit if t["truth"] == "case"]
        decoys = [(t, h) for t, h in hit if t["truth"] == "decoy"]
        out.append(
            RuleScore(
                rule,
                len(cases),
                sum(h for _, h in cases),
                len(decoys),
                sum(h for _, h in decoys),
                tuple(t["what"] for t, h in cases if not h),
                tuple(t["what"] for t, h in decoys if h),
            )
        )
    return out
