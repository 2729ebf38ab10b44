-- An area's alerts, open ones first and then newest first, with the building each is about (when it
-- is about one) and the officers' state.
select al.alert_kind, al.reason, al.detected_at, al.building_code, al.grid_code, al.state
from serve.alerts as al
where {where}
order by (al.open_until is null) desc, al.detected_at desc, al.alert_id
limit :limit
