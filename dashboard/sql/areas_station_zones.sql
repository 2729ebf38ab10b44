-- A station's police zones; the scope without grids: zones have no grid code.
select a.zone_code as code, a.name
from serve.zones as a
where a.station_code = :s and {scope}
order by 1
