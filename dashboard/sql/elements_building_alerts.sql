-- Alerts about a building or its units, open ones first and then newest first, with their state.
select al.alert_id, al.alert_kind, al.reason, al.score, al.detected_at, al.building_code, al.state,
       al.state_note, al.decided_at
from serve.alerts as al
where al.building_code = :b and {scope}
order by (al.open_until is null) desc, al.detected_at desc, al.alert_id
