-- How many people a building counts (registered residents, migrants, in rental units), within the scope.
select count(*)::int as residents, count(*) filter (where p.is_migrant)::int as migrants,
       count(*) filter (where p.unit_code is not null)::int as in_units
from serve.persons as p
where p.building_code = :code and {scope}
