-- serve: events and risks. Incident summaries and addresses, dispute parties and grid-event
-- descriptions may name people and are not exposed. The short free texts that are (a title, a
-- department, a disposition, a result, the name of a grid event's kind: 张三家漏水) come from
-- agencies' files as clerks typed them: a phone or
-- ID number in one, however written, and the name of a person the warehouse holds are masked
-- (serve.mask_text), as in what officers type.
-- Views run with security_invoker, so the reader's own privileges and row-level security apply
-- to the core rows beneath.
--
-- Re-applied after every migration (etl/migrate.py): functions/, then views/, each in file-name
-- order, then grants.sql. The one home of these definitions: change them here, never in a revision.
-- `create or replace` changes bodies and comments and appends view columns at the end; to drop,
-- rename, reorder or retype a view's column, change a function's arguments or return type, or
-- remove an object, add a revision that drops it (and what depends on it); this file then makes it
-- anew. Revisions run first, so none relies on these being current; a file uses tables and what
-- earlier files define.

create or replace view serve.incidents with (security_invoker = true) as
select i.incident_no, i.reported_at, i.category, coalesce(c.name_zh, i.category) as category_zh,
       serve.mask_text(i.subcategory) as subcategory, i.is_diverted,
       serve.mask_text(i.disposition) as disposition, i.geom, i.grid_code, i.zone_code, i.station_code
from core.incidents i
left join core.incident_categories c using (category);
comment on view serve.incidents is 'One row per police incident (警情); summary and address are not exposed.';

create or replace view serve.grid_events with (security_invoker = true) as
select e.event_no, e.kind_code, serve.mask_text(k.name_zh) as kind_zh, k.event_class, e.is_police_matter,
       serve.mask_text(e.title) as title, e.registered_at, e.dispatched_at, e.closed_at, e.status,
       serve.mask_text(e.handling_dept) as handling_dept, e.geom,
       e.grid_code, e.zone_code, e.station_code,
       e.registered_at + make_interval(hours => close.hours) as due_at,
       case when e.closed_at is not null then e.closed_at <= e.registered_at + make_interval(hours => close.hours)
       end as closed_on_time,
       -- the card now (or, once closed, the card it earned); the card at a past instant T is read
       -- from yellow_at and red_at (open at T and red_at < T: a red card at T)
       case when coalesce(e.closed_at, now()) - e.registered_at > make_interval(hours => red.hours) then 'red'
            when coalesce(e.closed_at, now()) - e.registered_at > make_interval(hours => yellow.hours) then 'yellow'
       end as card,
       e.registered_at + make_interval(hours => yellow.hours) as yellow_at,
       e.registered_at + make_interval(hours => red.hours) as red_at,
       -- a closed status always has its time (a check of core.grid_events; the loader quarantines
       -- a row without one as bad_sequence)
       e.closed_at as open_until
from core.grid_events e
left join core.grid_event_kinds k using (kind_code)
cross join (select hours from core.deadline_rules where rule = 'grid_close') close
cross join (select hours from core.deadline_rules where rule = 'yellow_card') yellow
cross join (select hours from core.deadline_rules where rule = 'red_card') red;
comment on view serve.grid_events is 'One row per grid event, with its deadline, whether closed on time, its yellow or red card now, when each card falls due, and until when it was open.';
comment on column serve.grid_events.open_until is
    'Closing time; null while open. Open at T: registered_at < T and (open_until is null or open_until >= T).';

create or replace view serve.disputes with (security_invoker = true) as
select dispute_no, found_at, serve.mask_text(dispute_type) as dispute_type, risk_level, is_violent, is_repeated,
       status, resolved_at, serve.mask_text(resolution) as resolution,
       geom, grid_code, zone_code, station_code,
       -- nothing ties a dispute's status to its time: one marked resolved without a time counts as
       -- resolved from when it was found (never unresolved, as the source says it is done); when it
       -- was resolved is unknown, so the reports count such rows in their footnote
       coalesce(resolved_at, case when status = 'resolved' then found_at end) as open_until
from core.disputes;
comment on view serve.disputes is 'One row per dispute (矛盾纠纷); the parties are not exposed.';
comment on column serve.disputes.open_until is
    'Resolution time; the time found when the status says resolved without one; null while unresolved (escalated included). Unresolved at T: found_at < T and (open_until is null or open_until >= T).';

create or replace view serve.hazards with (security_invoker = true) as
select h.hazard_no, h.category, coalesce(c.name_zh, h.category) as category_zh, h.found_at,
       -- a department or a batch is a clerk's text and may name its person (李四承包队): masked as
       -- typed text is, once for each different text among the rows read (a county has a dozen)
       -- rather than for each of the hazards a page counts by them (breakdowns_hazards_by.sql)
       rd.masked as responsible_dept, hb.masked as hint_batch,
       h.hint_sent_on, h.status, h.cleared_at, h.geom, h.grid_code, h.zone_code, h.station_code,
       h.cleared_at as open_until  -- a cleared status always has its time (a check of core.hazards)
from core.hazards h
left join core.hazard_categories c using (category)
-- (a subquery of its own, offset 0, so that the planner keeps each text's masking once: Memoize)
left join lateral (select serve.mask_text(h.responsible_dept) as masked offset 0) rd on true
left join lateral (select serve.mask_text(h.hint_batch) as masked offset 0) hb on true;
comment on view serve.hazards is 'One row per safety hazard (风险隐患), tracked to clearance.';
comment on column serve.hazards.open_until is
    'Clearance time; null while not cleared. Open at T: found_at < T and (open_until is null or open_until >= T).';

-- an alert's state is its officer's verdict while the evidence is the one judged; its note is
-- typed by an officer: a phone or ID number or a stored name in it is masked (serve.mask_text)
-- (ops.alert_same_evidence): stronger evidence makes it an alert nobody has judged yet
create or replace view serve.alerts with (security_invoker = true) as
select a.alert_id, a.alert_kind, a.subject_code, a.detected_at, a.reason, a.metric, a.threshold,
       a.building_code, a.unit_code, a.geom, a.grid_code, a.zone_code, a.station_code, a.score,
       coalesce(v.state, 'open') as state, serve.mask_text(v.note) as state_note, v.decided_by, v.decided_at,
       case when v.state in ('false', 'resolved') then v.decided_at end as open_until
from core.alerts a
left join ops.alert_verdicts v
    on v.alert_kind = a.alert_kind and v.subject_code = a.subject_code
   and ops.alert_same_evidence(a.alert_kind, a.metric, v.metric);
comment on view serve.alerts is 'One row per derived alert (group rental, unregistered occupants, elderly, sensor offline).';
comment on column serve.alerts.state is
    'The officers'' verdict (checking, confirmed, false, resolved) while the evidence is the one judged; open: none holds.';
comment on column serve.alerts.open_until is
    'When it was judged false or resolved (closed); null while open. Open at T: detected_at < T and (open_until is null or open_until >= T).';

create or replace view serve.alert_history with (security_invoker = true) as
select a.alert_id, l.verdict_id, l.state, serve.mask_text(l.note) as note, l.decided_by, l.decided_at
from ops.alert_verdict_log l
join core.alerts a on a.alert_kind = l.alert_kind and a.subject_code = l.subject_code;
comment on view serve.alert_history is
    'One row per verdict given an alert''s subject, for the alert shown (the verdicts of alerts in scope only).';
