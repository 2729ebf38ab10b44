"""The derived-alert rules as the data contract states them: what each uses, its settings, and why.

The settings' defaults and descriptions come from :class:`etl.settings.EtlSettings`, so the
document (docs/data-contract.md, "Derived alerts") says what etl/sql/derive_alerts.sql is given.
"""

from __future__ import annotations

from common.codebook import BOOK
from etl.settings import EtlSettings

# rule → (what it uses and decides, why, the settings it reads without the ONEMAP_ALERT_ prefix)
RULES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "group_rental": (
        "Per rental unit, the credentials (`card_no` of gate events issued for the unit) active on at"
        " least GROUP_RENTAL_MIN_NIGHTS distinct nights (NIGHT_START_HOUR–NIGHT_END_HOUR, Beijing "
        "time) of the last WINDOW_DAYS days are its occupants; visitor passwords (开门方式 密码) and "
        "credentials seen on fewer nights (guests, single-day visitors) do not count. The unit is "
        "alerted when occupants exceed both the larger of registered tenants and registered residents"
        " (persons whose `unit_code` is the unit) plus GROUP_RENTAL_MARGIN, and its floor area at "
        "GROUP_RENTAL_M2_PER_PERSON m² a person (area unknown: no area bound). Score: occupants ÷ "
        "that bound, raised by up to half when the previous window (HISTORY_DAYS − WINDOW_DAYS days, "
        "as far as the feed reaches back) had fewer.",
        "Municipal practice defines group rental by people per floor area and against who is "
        "registered; counting every card flags weekend guests and families, and requiring a "
        "registered tenant missed the strongest cases (nobody registered, many cards).",
        (
            "window_days",
            "history_days",
            "night_start_hour",
            "night_end_hour",
            "group_rental_min_nights",
            "group_rental_margin",
            "group_rental_m2_per_person",
        ),
    ),
    "unregistered_occupants": (
        "A rental unit with no registered tenant and no registered resident, entered by credentials "
        "active on at least UNREGISTERED_MIN_DAYS distinct days (a day runs from NIGHT_END_HOUR to "
        "NIGHT_END_HOUR) of the last WINDOW_DAYS days; visitor passwords do not count. Score: such "
        "credentials × the most days ÷ WINDOW_DAYS.",
        "A landlord collecting rent or a cleaner enters on a day or two; living there shows on "
        "several days, which also fits the deadlines of residence registration.",
        ("window_days", "night_end_hour", "unregistered_min_days"),
    ),
    "elderly_no_access": (
        "A person living alone (`lives_alone`) of ELDERLY_AGE or more is watched through their own "
        "credential (`card_no` of the population file, which covers owner-occupiers), else through "
        "the cards of the rental unit they live in; with neither, nothing is claimed. The silence is "
        "measured on each reader of their building by that reader's own clock (its latest event minus"
        " the person's latest there). Readers offline at export, or with no event from anyone for "
        "ELDERLY_READER_QUIET_HOURS, suppress the alert instead of raising it. The person is alerted "
        "past ELDERLY_HOURS (ELDERLY_OLD_HOURS from ELDERLY_OLD_AGE), or past their own longest "
        "earlier gap in the last HISTORY_DAYS days × ELDERLY_BASELINE_FACTOR when that is longer, "
        "never later than ELDERLY_MAX_HOURS. Score: silence ÷ that limit. The reason names the age "
        "tier, never the age.",
        "A fall is critical within 24–72 hours; a dead reader is not a silent person; a person who "
        "usually stays in for two days is not alarming on the second.",
        (
            "history_days",
            "elderly_age",
            "elderly_hours",
            "elderly_old_age",
            "elderly_old_hours",
            "elderly_baseline_factor",
            "elderly_max_hours",
            "elderly_reader_quiet_hours",
        ),
    ),
    "sensor_offline": (
        "A sensing device whose last heartbeat is older than its kind's heartbeat interval × "
        "MISSED_HEARTBEATS, or that never sent one. The offline flag of the export alone never alerts"
        " (a device flapping on and off is judged by its heartbeat). Score: silence ÷ limit.",
        "One limit does not fit every kind: cameras beat every few minutes, NB-IoT smoke detectors a "
        "few times a day; several missed beats in a row debounce a flapping link.",
        (
            "heartbeat_camera_minutes",
            "heartbeat_gate_minutes",
            "heartbeat_smoke_minutes",
            "heartbeat_other_minutes",
            "missed_heartbeats",
        ),
    ),
}


def render_alerts() -> list[str]:
    """The "Derived alerts" section of the data contract, as Markdown lines."""
    fields = EtlSettings.model_fields
    st = BOOK["alert_state"]
    out = [
        "## Derived alerts",
        "",
        "Rebuilt after every load (and by `onemap etl derive`) from what the warehouse holds. Each alert "
        "has a score (how far past its threshold; 1 = at it) and a reason sentence in Chinese built "
        "only from facts in the data (counts, areas, hours with one decimal, the days the feed really "
        'covers). "Now" is each feed\'s own time: the latest reader or sensor clock that is at most '
        "CLOCK_TOLERANCE_MINUTES ahead of the k-th latest (k = 5 % of the devices, at least 2), so a "
        "device whose clock runs ahead moves no window; a reader's silence is read on its own clock. "
        "Only gate events of the last HISTORY_DAYS days are read. An alert that stays keeps the time "
        "it was first detected.",
        "",
        f"Officers (station chiefs, and grid workers in their grids; the leadership only reads) record a "
        f"verdict on an alert ({st['checking']}, {st['confirmed']}, {st['false']} with a "
        f"note saying why, {st['resolved']}) through `ops.alert_verdict`, only for alerts in their signed "
        "scope and always audited; `ops.alert_verdict_log` keeps every verdict (the alert's history). "
        "A verdict holds while the evidence is the one judged (`ops.alert_same_evidence`): "
        "for units while no more occupants are counted than then, for people and sensors while the "
        "same silence runs on (no event or heartbeat since). While it holds it is the alert's state "
        f"(`serve.alerts.state`; none is {st['open']}); {st['false']} and {st['resolved']} close the alert "
        "(`open_until`: no longer counted open), and a subject found false is not alerted again; "
        f"stronger evidence makes the alert {st['open']} again. `serve.alert_precision` gives each "
        f"rule's precision over the verdicts ({st['confirmed']} and {st['resolved']} count as right, "
        f"{st['false']} as wrong).",
        "",
        "| setting | default | meaning |",
        "|---|---|---|",
        *[
            f"| `ONEMAP_ALERT_{name.removeprefix('alert_').upper()}` | {f.default} | {f.description} |"
            for name, f in fields.items()
            if name.startswith("alert_")
        ],
        "",
    ]
    for rule, (uses, why, settings) in RULES.items():
        out += [
            f"### `{rule}`",
            "",
            uses,
            "",
            f"Why: {why} Settings: {', '.join(f'`ONEMAP_ALERT_{s.upper()}`' for s in settings)}.",
            "",
        ]
    return out
