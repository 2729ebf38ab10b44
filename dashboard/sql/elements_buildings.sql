-- An area's buildings with their rental units, residents, migrants and open alerts; most units first.
select b.building_code, coalesce(b.full_address, b.name) as address, b.floors, b.grid_code,
       (select count(*) from serve.rental_units as u where u.building_code = b.building_code) as units,
       (select count(*) from serve.persons as p where p.building_code = b.building_code) as residents,
       (select count(*) from serve.persons as p where p.building_code = b.building_code and p.is_migrant)
           as migrants,
       (select count(*) from serve.alerts as a where a.building_code = b.building_code and a.open_until is null)
           as alerts
from serve.buildings as b
where {where}
order by units desc, residents desc, b.building_code
limit :limit
