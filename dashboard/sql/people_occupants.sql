-- A building's occupants in scope, masked.
select p.name, p.id_number, p.phone, p.gender, p.age, p.is_migrant, p.residence_status, p.unit_code
from serve.persons as p
where p.building_code = :code and {scope}
order by p.unit_code, p.person_id
