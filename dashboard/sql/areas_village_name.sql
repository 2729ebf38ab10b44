-- A village's or community's name and town, when the scope sees at least one of its grids.
select v.village_code as code, v.name, v.town_code, v.village_code, null::text as station_code,
       null::text as zone_code
from serve.villages as v
where v.village_code = :area_code
  and exists (select 1 from serve.grids as a where a.village_code = v.village_code and {scope})
