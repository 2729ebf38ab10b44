-- An area's alerts, newest first, with the building each is about (when it is about one).
select al.alert_kind, al.reason, al.detected_at, al.building_code, al.grid_code
from serve.alerts as al
where {where}
order by al.detected_at desc, al.alert_id
limit :limit
