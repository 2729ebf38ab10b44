-- A grid's name, station and the police zone holding most of it; its town and village.
select a.grid_code as code, a.name, a.station_code, a.zone_code, a.town_code, a.village_code
from serve.grids as a
where a.grid_code = :area_code and {scope}
