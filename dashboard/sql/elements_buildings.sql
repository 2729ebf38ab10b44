-- An area's buildings with their rental units, residents, migrants and open alerts; most units first.
-- Units and people are each counted in one grouped pass over the area's buildings (hash-joined), not
-- by a subquery per building; open alerts are counted for the buildings listed only.
with area_buildings as (
    select b.building_code, coalesce(b.full_address, b.name) as address, b.floors, b.grid_code
    from serve.buildings as b
    where {where}
),
units as (
    select u.building_code, count(*) as units
    from serve.rental_units as u
    where u.building_code in (select building_code from area_buildings)
    group by u.building_code
),
people as (
    select p.building_code, count(*) as residents, count(*) filter (where p.is_migrant) as migrants
    from serve.persons as p
    where p.building_code in (select building_code from area_buildings)
    group by p.building_code
),
listed as (
    select b.*, coalesce(u.units, 0) as units, coalesce(p.residents, 0) as residents,
           coalesce(p.migrants, 0) as migrants
    from area_buildings as b
    left join units as u using (building_code)
    left join people as p using (building_code)
    order by units desc, residents desc, b.building_code
    limit :limit
)
select t.building_code, t.address, t.floors, t.grid_code, t.units, t.residents, t.migrants,
       (select count(*) from serve.alerts as a where a.building_code = t.building_code and a.open_until is null)
           as alerts
from listed as t
order by t.units desc, t.residents desc, t.building_code
