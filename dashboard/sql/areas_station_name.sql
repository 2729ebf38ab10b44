-- A station's name (no police zone above it); the scope without grids: stations have no grid code.
select a.station_code as code, a.name, a.station_code, null::text as zone_code
from serve.stations as a
where a.station_code = :area_code and {scope}
