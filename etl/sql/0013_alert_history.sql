-- Every verdict an officer gives an alert, kept: ops.alert_verdicts holds the latest per subject
-- (what the derivation and the pages read), this log each one in turn (what an alert's history
-- shows). Both are written only by ops.alert_verdict (functions/80_ops_alerts.sql).
create table ops.alert_verdict_log (
    verdict_id bigint generated always as identity primary key,
    alert_kind text not null,
    subject_code text not null,
    state text not null check (state in ('checking', 'confirmed', 'false', 'resolved')),
    note text not null default '',
    metric double precision,
    decided_by text not null,
    decided_at timestamptz not null default now()
);
comment on table ops.alert_verdict_log is
    'One row per verdict an officer gave an alert subject (state, note, who, when, the evidence then).';
create index alert_verdict_log_subject on ops.alert_verdict_log (alert_kind, subject_code, decided_at);
insert into ops.alert_verdict_log (alert_kind, subject_code, state, note, metric, decided_by, decided_at)
select alert_kind, subject_code, state, note, metric, decided_by, decided_at from ops.alert_verdicts;

-- A verdict is read with its alert: whoever sees the alert (row-level security on core.alerts,
-- which applies inside these policies too) sees its verdicts; nobody sees a verdict without one.
-- No policy allows a write: the owner's function, which bypasses them, is the only writer.
alter table ops.alert_verdicts enable row level security;
alter table ops.alert_verdicts force row level security;
create policy seen_with_alert on ops.alert_verdicts for select to public
    using (exists (select 1 from core.alerts a
                   where a.alert_kind = alert_verdicts.alert_kind and a.subject_code = alert_verdicts.subject_code));
alter table ops.alert_verdict_log enable row level security;
alter table ops.alert_verdict_log force row level security;
create policy seen_with_alert on ops.alert_verdict_log for select to public
    using (exists (select 1 from core.alerts a
                   where a.alert_kind = alert_verdict_log.alert_kind
                     and a.subject_code = alert_verdict_log.subject_code));
