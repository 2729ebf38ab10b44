-- The verdicts given an alert's subject, newest first, with who gave each (only for an alert in scope).
select h.state, h.note, h.decided_by, coalesce(u.display_name, h.decided_by) as decided_by_name, h.decided_at
from serve.alert_history as h
join serve.alerts as al on al.alert_id = h.alert_id
left join ops.users as u on u.username = h.decided_by
where h.alert_id = :alert_id and {scope}
order by h.decided_at desc, h.verdict_id desc
limit 50
