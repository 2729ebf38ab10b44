-- A town's name, when the scope sees at least one of its grids (its figures are those grids'
-- elements; its outline and name are public, as on the basemap).
select t.town_code as code, t.name, t.town_code, null::text as village_code, null::text as station_code,
       null::text as zone_code
from serve.towns as t
where t.town_code = :area_code
  and exists (select 1 from serve.grids as a where a.town_code = t.town_code and {scope})
