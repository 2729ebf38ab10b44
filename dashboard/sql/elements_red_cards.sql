-- Grid events within an area that at :at (the period's end, or now while it runs) were open and
-- past the red-card deadline, oldest first.
select e.event_no, coalesce(e.kind_zh, e.kind_code) as what, e.event_class, e.registered_at, e.due_at,
       e.grid_code, e.zone_code, e.station_code, e.handling_dept
from serve.grid_events as e
where {where} and e.registered_at < :at and (e.open_until is null or e.open_until >= :at)
  and e.red_at < :at
order by e.registered_at, e.event_no
limit :limit
