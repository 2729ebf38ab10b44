-- Grid events by class as they stood at :at (the period's end, or now while it runs): those
-- registered before it, the on-time rate of those closed before it, the yellow and red cards open at it.
select e.event_class, count(*) as n,
       avg(case when e.closed_on_time then 1.0 else 0.0 end) filter (where e.closed_at < :at)
           as on_time_rate,
       count(*) filter (where (e.open_until is null or e.open_until >= :at)
           and e.yellow_at < :at and e.red_at >= :at) as yellow,
       count(*) filter (where (e.open_until is null or e.open_until >= :at) and e.red_at < :at) as red
from serve.grid_events as e
where {where} and e.registered_at < :at
group by e.event_class
order by e.event_class
