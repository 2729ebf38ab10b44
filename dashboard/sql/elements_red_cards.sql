-- Open grid events past the red-card deadline within an area, oldest first.
select e.event_no, coalesce(e.kind_zh, e.kind_code) as what, e.event_class, e.registered_at, e.due_at,
       e.grid_code, e.zone_code, e.station_code, e.handling_dept
from serve.grid_events as e
where {where} and e.status <> 'closed' and e.card = 'red'
order by e.registered_at
limit :limit
