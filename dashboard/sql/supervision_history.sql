-- Every supervision of an item in scope and each of its steps, newest first, with who took each.
select s.supervision_id, s.note, s.unit, s.deadline, s.state, s.overdue, s.card, s.result, s.closed_reason,
       l.action, l.detail, coalesce(u.display_name, l.done_by) as done_by_name, l.done_at
from serve.supervisions as s
join serve.supervision_steps as l on l.supervision_id = s.supervision_id
left join ops.users as u on u.username = l.done_by
where {scope} and s.item_kind = 'grid_event' and s.item_no = :item
order by s.opened_at desc, l.done_at desc, l.log_id desc
limit 100
