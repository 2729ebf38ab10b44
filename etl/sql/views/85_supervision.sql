-- serve: supervisions (督办) with the item they supervise. Runs with security_invoker: the policies
-- on ops.supervisions and core.grid_events show a reader only the supervisions of items in scope.
-- due_at is the end of the deadline's day (Beijing); overdue: still open once that has passed.
-- The note, the unit and the result are typed by people: a phone or ID number in them, however
-- written, and a stored person's name are masked (serve.mask_text), as every other personal datum is before it reaches a
-- page or an export; so is every step's text (serve.supervision_steps). The app reads these only.
--
-- Re-applied after every migration (etl/migrate.py): functions/, then views/, each in file-name
-- order, then grants.sql. The one home of these definitions: change them here, never in a revision.
-- `create or replace` changes bodies and comments and appends view columns at the end; to drop,
-- rename, reorder or retype a view's column, change a function's arguments or return type, or
-- remove an object, add a revision that drops it (and what depends on it); this file then makes it
-- anew. Revisions run first, so none relies on these being current; a file uses tables and what
-- earlier files define.

create or replace view serve.supervisions with (security_invoker = true) as
select s.supervision_id, s.item_kind, s.item_no, coalesce(serve.mask_text(k.name_zh), e.kind_code) as what, s.card,
       serve.mask_text(s.note) as note, serve.mask_text(s.unit) as unit, s.deadline,
       (s.deadline + 1)::timestamp at time zone 'Asia/Shanghai' as due_at,
       s.state, s.state = 'open' and (s.deadline + 1)::timestamp at time zone 'Asia/Shanghai' < now() as overdue,
       s.opened_by, coalesce(uo.display_name, s.opened_by) as opened_by_name, s.opened_at,
       s.closed_by, coalesce(uc.display_name, s.closed_by) as closed_by_name, s.closed_at, s.closed_reason,
       serve.mask_text(s.result) as result, e.registered_at, e.closed_at as item_closed_at, e.grid_code, e.zone_code, e.station_code
from ops.supervisions s
join core.grid_events e on s.item_kind = 'grid_event' and e.event_no = s.item_no
left join core.grid_event_kinds k on k.kind_code = e.kind_code
left join ops.users uo on uo.username = s.opened_by
left join ops.users uc on uc.username = s.closed_by;
comment on view serve.supervisions is
    'One row per supervision (督办) of an item in scope: its note, unit, deadline, state, whether overdue, who opened and closed it, and the item''s place.';
comment on column serve.supervisions.overdue is
    'Open and past the end of its deadline''s day (Beijing time), now.';

-- the map's marker of a supervised item: one per open supervision, where its item lies
create or replace view serve.supervision_marks with (security_invoker = true) as
select s.item_no, coalesce(serve.mask_text(k.name_zh), e.kind_code) as what, serve.mask_text(s.unit) as unit, s.deadline,
       case when (s.deadline + 1)::timestamp at time zone 'Asia/Shanghai' < now() then 'overdue' else 'open' end as mark,
       e.geom, e.grid_code, e.zone_code, e.station_code
from ops.supervisions s
join core.grid_events e on s.item_kind = 'grid_event' and e.event_no = s.item_no
left join core.grid_event_kinds k on k.kind_code = e.kind_code
where s.state = 'open';
comment on view serve.supervision_marks is
    'One row per open supervision (督办), at its item: what, unit, deadline, and whether overdue (mark).';

-- a supervision's steps (opened with its note, closed with its result, closed with its item) as
-- the item page's history reads them: the typed text masked like the supervision's own
create or replace view serve.supervision_steps with (security_invoker = true) as
select l.log_id, l.supervision_id, l.action, serve.mask_text(l.detail) as detail, l.done_by, l.done_at
from ops.supervision_log l;
comment on view serve.supervision_steps is
    'One row per step of a supervision (督办): open, close or closed with its item, its text masked.';
