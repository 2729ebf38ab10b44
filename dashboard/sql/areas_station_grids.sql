-- A station's grids.
select a.grid_code as code, a.name
from serve.grids as a
where a.station_code = :s and {scope}
order by 1
