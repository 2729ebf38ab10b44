-- Every supervision in scope, for handing back to the systems that own the items: the item's
-- source key (kind and number) first, oldest first.
select s.item_kind, s.item_no, s.what, s.card, s.station_code, s.zone_code, s.grid_code, s.registered_at,
       s.note, s.unit, s.deadline, s.state, s.overdue, s.opened_by_name, s.opened_at,
       s.closed_by_name, s.closed_at, s.closed_reason, s.result, s.item_closed_at
from serve.supervisions as s
where {scope}
order by s.opened_at, s.supervision_id
limit :limit
