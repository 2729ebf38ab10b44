-- Alerts are ranked by a score; a person may name their own gate-access credential, so an elderly
-- owner-occupier (no rental unit, no unit card) is watched through it.
alter table core.alerts add column score double precision;
comment on column core.alerts.score is
    'How far the alert is past its threshold (1 = at it); ranks alerts of one kind, null when unknown.';
alter table core.persons add column card_no text;
comment on column core.persons.card_no is 'The person''s own gate-access credential (卡号), when stated.';
