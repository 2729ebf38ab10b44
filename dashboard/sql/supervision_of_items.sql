-- The supervision each item shows (its open one, else its latest), for the items :items of the scope.
select distinct on (s.item_kind, s.item_no)
       s.item_kind, s.item_no, s.state, s.overdue, s.deadline, s.unit, s.closed_reason
from serve.supervisions as s
where {scope} and s.item_no = any(cast(:items as text[]))
order by s.item_kind, s.item_no, s.state = 'open' desc, s.opened_at desc
