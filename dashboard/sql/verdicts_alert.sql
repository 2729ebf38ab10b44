-- One alert in scope for its panel: rule, score, reason, figures, state and the verdict's note.
select al.alert_id, al.alert_kind, al.subject_code, al.reason, al.score, al.detected_at, al.building_code,
       al.grid_code, al.state, al.state_note, al.decided_by, al.decided_at
from serve.alerts as al
where al.alert_id = :alert_id and {scope}
