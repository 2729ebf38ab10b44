-- One building by its code, within the scope.
select b.building_code, coalesce(b.full_address, b.name) as address, b.floors, b.building_use,
       b.households, b.grid_code, b.zone_code, b.station_code
from serve.buildings as b
where b.building_code = :code and {scope}
