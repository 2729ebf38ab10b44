-- An area's alerts for officers to judge: open ones first, highest score first.
select al.alert_id, al.alert_kind, al.reason, al.score, al.detected_at, al.building_code, al.state,
       al.state_note, al.decided_at
from serve.alerts as al
where {where}
order by (al.open_until is null) desc, al.score desc nulls last, al.detected_at desc, al.alert_id
limit :limit
