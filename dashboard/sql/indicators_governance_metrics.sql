-- Per town or village (view {view}, code column {code_column}): incidents in the window t0 to t1, in
-- the window of the same length before it, and residents, each element counted in the town or
-- village of its own grid (a grid lies in one village of one town), as the police levels count each
-- in its own station or zone: over the same ground both hierarchies add up to the same totals.
with here as (
    select a.grid_code, a.{code_column} as code
    from serve.grids as a
    where {scope_a}
),
incidents_here as (
    select h.code,
           count(*) filter (where i.reported_at >= :t0) as incidents,
           count(*) filter (where i.reported_at < :t0) as incidents_prev
    from serve.incidents as i
    join here as h using (grid_code)
    where {scope}
      and i.reported_at >= cast(:t0 as timestamptz) - (cast(:t1 as timestamptz) - cast(:t0 as timestamptz))
      and i.reported_at < :t1
    group by h.code
),
residents_here as (
    select h.code, count(*) as residents
    from serve.persons as p
    join here as h using (grid_code)
    where {scope}
    group by h.code
)
select o.{code_column} as code, o.name, coalesce(i.incidents, 0) as incidents,
       coalesce(i.incidents_prev, 0) as incidents_prev, coalesce(p.residents, 0) as residents
from {view} as o
left join incidents_here as i on i.code = o.{code_column}
left join residents_here as p on p.code = o.{code_column}
where exists (select 1 from here as h where h.code = o.{code_column})
order by 1
