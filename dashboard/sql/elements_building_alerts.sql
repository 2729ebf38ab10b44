-- Alerts about a building or its units, newest first.
select al.alert_kind, al.reason, al.detected_at
from serve.alerts as al
where al.building_code = :b and {scope}
order by al.detected_at desc
