-- The supervisions (督办) of an area for a period [:start, :end) (as of :at, its end or now while it
-- runs): those opened or closed in it, those open and past their deadline at :at, and every one
-- open now (a supervision opened since is the leader's work in hand, whatever week is shown).
-- Overdue ones first, then open, then closed; newest first within each.
select s.supervision_id, s.item_kind, s.item_no, s.what, s.card, s.note, s.unit, s.deadline, s.due_at,
       s.state, s.overdue, s.opened_by_name, s.opened_at, s.closed_by_name, s.closed_at, s.closed_reason,
       s.result, s.grid_code, s.station_code,
       s.opened_at >= :start and s.opened_at < :end as opened_in,
       s.closed_at >= :start and s.closed_at < :end as closed_in,
       s.due_at < :at and s.opened_at < :at and (s.closed_at is null or s.closed_at >= :at) as overdue_at
from serve.supervisions as s
where {where}
  and (s.state = 'open'
       or (s.opened_at >= :start and s.opened_at < :end)
       or (s.closed_at >= :start and s.closed_at < :end)
       or (s.due_at < :at and s.opened_at < :at and (s.closed_at is null or s.closed_at >= :at)))
order by case when s.overdue then 0 when s.state = 'open' then 1 else 2 end, s.opened_at desc
limit :limit
