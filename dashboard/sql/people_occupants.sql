-- A building's occupants in scope, masked (the person key is for the audit, never shown).
select p.person_id, p.name, p.id_number, p.phone, p.gender, p.is_migrant, p.residence_status, p.unit_code
from serve.persons as p
where p.building_code = :code and {scope}
order by p.unit_code, p.person_id
