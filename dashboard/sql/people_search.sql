-- People in scope whose unmasked record (core) matches by match (a fixed condition on alias c), masked.
select p.name, p.id_number, p.phone, p.gender, p.age, p.is_migrant, p.residence_status,
       p.building_code, p.unit_code, p.grid_code, p.station_code
from serve.persons as p
where {scope}
  and p.person_id in (select c.person_id from core.persons as c where {match})
order by p.station_code, p.building_code, p.person_id
limit :limit
