-- The masked rows, in scope, of the people ops.person_lookup found (by person key).
select p.person_id, p.name, p.id_number, p.phone, p.gender, p.is_migrant, p.residence_status,
       p.building_code, p.unit_code, p.grid_code, p.station_code
from serve.persons as p
where {scope}
  and p.person_id = any (:ids)
order by p.station_code, p.building_code, p.person_id
