-- Alerts are ranked by a score; a person may name their own gate-access credential, so an elderly
-- owner-occupier (no rental unit, no unit card) is watched through it.
alter table core.alerts add column score double precision;
comment on column core.alerts.score is
    'How far the alert is past its threshold (1 = at it); ranks alerts of one kind, null when unknown.';
alter table core.persons add column card_no text;
comment on column core.persons.card_no is 'The person''s own gate-access credential (卡号), when stated.';

-- An officer's verdict on an alert (核实中 / 属实 / 不属实 / 已处置, with a note): one row per alert
-- subject, the latest; every change is also an ops.audit row. The alert's figure and reason when
-- decided are kept: a subject found false is not alerted again while the evidence is the same.
create table ops.alert_verdicts (
    alert_kind text not null,
    subject_code text not null,
    state text not null check (state in ('checking', 'confirmed', 'false', 'resolved')),
    note text not null default '',
    metric double precision,
    reason text not null,
    decided_by text not null,
    decided_at timestamptz not null default now(),
    primary key (alert_kind, subject_code)
);
comment on table ops.alert_verdicts is
    'One row per alert subject an officer has judged: the latest state, note, and the evidence then.';
