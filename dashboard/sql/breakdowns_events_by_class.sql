-- Grid events by class: count, on-time rate of the closed ones, open yellow and red cards.
select e.event_class, count(*) as n,
       avg(case when e.closed_on_time then 1.0 else 0.0 end) filter (where e.closed_at is not null)
           as on_time_rate,
       count(*) filter (where e.status <> 'closed' and e.card = 'yellow') as yellow,
       count(*) filter (where e.status <> 'closed' and e.card = 'red') as red
from serve.grid_events as e
where {where}
group by e.event_class
order by e.event_class
