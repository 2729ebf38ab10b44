-- Per police station, zone or grid (view, code column code_column): incidents in the window t0 to t1, in the
-- window of the same length before it, and residents (grouped joins: each element table is read, and
-- its row-level security checked, once).
with incidents_here as (
    select i.{code_column},
           count(*) filter (where i.reported_at >= :t0) as incidents,
           count(*) filter (where i.reported_at < :t0) as incidents_prev
    from serve.incidents as i
    where {scope}
      and i.reported_at >= cast(:t0 as timestamptz) - (cast(:t1 as timestamptz) - cast(:t0 as timestamptz))
      and i.reported_at < :t1
    group by i.{code_column}
),
residents_here as (
    select p.{code_column}, count(*) as residents
    from serve.persons as p
    where {scope}
    group by p.{code_column}
)
select a.{code_column} as code, a.name, coalesce(i.incidents, 0) as incidents,
       coalesce(i.incidents_prev, 0) as incidents_prev, coalesce(p.residents, 0) as residents
from {view} as a
left join incidents_here as i using ({code_column})
left join residents_here as p using ({code_column})
where {scope_a}
order by 1
