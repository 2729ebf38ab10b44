-- One row per police zone or grid (view, its code column code_column): its figures this week from the
-- elements of the area within (mine, on unqualified columns) in scope; the areas of within come first
-- by the condition mine_a, others only when some of those elements lie in them. Open events, red
-- cards and alerts are as they stood at :at (the week's end, or now while it runs).
with persons_here as (
    select p.{code_column}, count(*) as n
    from serve.persons as p
    where {mine} and {scope}
    group by p.{code_column}
),
incidents_here as (
    select i.{code_column},
           count(*) filter (where i.reported_at >= :w0) as week,
           count(*) filter (where i.reported_at < :p1) as prev
    from serve.incidents as i
    where {mine} and {scope} and i.reported_at >= :p0 and i.reported_at < :w1
    group by i.{code_column}
),
events_here as (
    select e.{code_column},
           count(*) filter (where e.registered_at < :at and (e.open_until is null or e.open_until >= :at))
               as open,
           count(*) filter (where e.registered_at < :at and (e.open_until is null or e.open_until >= :at)
               and e.red_at < :at) as red,
           count(*) filter (where e.closed_at >= :w0 and e.closed_at < :w1) as closed,
           count(*) filter (where e.closed_at >= :w0 and e.closed_at < :w1 and e.closed_on_time) as on_time
    from serve.grid_events as e
    where {mine} and {scope}
    group by e.{code_column}
),
hazards_here as (
    select h.{code_column},
           count(*) filter (where h.found_at >= :w0 and h.found_at < :w1) as found,
           count(*) filter (where h.cleared_at >= :w0 and h.cleared_at < :w1) as cleared
    from serve.hazards as h
    where {mine} and {scope}
    group by h.{code_column}
),
disputes_here as (
    select d.{code_column},
           count(*) filter (where d.found_at >= :w0 and d.found_at < :w1) as found,
           count(*) filter (where d.resolved_at >= :w0 and d.resolved_at < :w1) as resolved
    from serve.disputes as d
    where {mine} and {scope}
    group by d.{code_column}
),
alerts_here as (
    select al.{code_column}, count(*) as n
    from serve.alerts as al
    where {mine} and {scope} and al.detected_at < :at and (al.open_until is null or al.open_until >= :at)
    group by al.{code_column}
)
select a.{code_column} as code, a.name,
       coalesce(p.n, 0) as population,
       coalesce(i.week, 0) as incidents_week, coalesce(i.prev, 0) as incidents_prev,
       coalesce(e.open, 0) as events_open, coalesce(e.red, 0) as red_cards,
       coalesce(e.closed, 0) as events_closed_week, coalesce(e.on_time, 0) as events_on_time_week,
       coalesce(h.found, 0) as hazards_found_week, coalesce(h.cleared, 0) as hazards_cleared_week,
       coalesce(d.found, 0) as disputes_found_week, coalesce(d.resolved, 0) as disputes_resolved_week,
       coalesce(al.n, 0) as alerts
from {view} as a
left join persons_here as p using ({code_column})
left join incidents_here as i using ({code_column})
left join events_here as e using ({code_column})
left join hazards_here as h using ({code_column})
left join disputes_here as d using ({code_column})
left join alerts_here as al using ({code_column})
where {scope_a}
  and ({mine_a} or coalesce(p.n, 0) + coalesce(i.week, 0)
      + coalesce(i.prev, 0) + coalesce(e.open, 0) + coalesce(e.closed, 0) + coalesce(h.found, 0)
      + coalesce(h.cleared, 0) + coalesce(d.found, 0) + coalesce(d.resolved, 0)
      + coalesce(al.n, 0) > 0)
order by incidents_week desc, a.{code_column}
