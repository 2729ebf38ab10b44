-- Per grid: three-code completeness, migrant registration and sensor online rates, worst first
-- (grouped joins: each element table is read, and its row-level security checked, once).
with buildings_by_grid as (
    select b.grid_code, avg(case when b.three_codes then 1.0 else 0.0 end) as three_codes
    from serve.buildings as b
    where {scope}
    group by b.grid_code
),
registration_by_grid as (
    select p.grid_code, avg(case when p.residence_status = 'registered' then 1.0 else 0.0 end) as registration
    from serve.persons as p
    where {scope} and p.is_migrant
    group by p.grid_code
),
sensors_by_grid as (
    select m.grid_code, sum(m.sensors_online)::float / nullif(sum(m.sensors), 0) as sensors_online
    from serve.smart_communities as m
    where {scope}
    group by m.grid_code
)
select g.grid_code, g.name, g.station_code, b.three_codes, p.registration, m.sensors_online
from serve.grids as g
left join buildings_by_grid as b using (grid_code)
left join registration_by_grid as p using (grid_code)
left join sensors_by_grid as m using (grid_code)
where {scope_g}
order by least(coalesce(b.three_codes, 1), coalesce(p.registration, 1)) asc, g.grid_code
limit :limit
