-- A police zone's name and station; the scope without grids: zones have no grid code.
select a.zone_code as code, a.name, a.station_code, a.zone_code
from serve.zones as a
where a.zone_code = :area_code and {scope}
