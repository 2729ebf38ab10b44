-- One grid event in scope with its card now and its place (what an item's page shows about it).
select e.event_no as item_no, 'grid_event' as item_kind, coalesce(e.kind_zh, e.kind_code) as what,
       e.event_class, e.registered_at, e.due_at, e.closed_at, e.status, e.handling_dept,
       case when e.open_until is null then e.card end as card, e.grid_code, e.zone_code, e.station_code
from serve.grid_events as e
where {scope} and e.event_no = :item
