-- The grids of a town or village in scope, each with its village.
select a.grid_code as code, a.name, a.village_code, v.name as village
from serve.grids as a
left join serve.villages as v using (village_code)
where {area} and {scope}
order by a.village_code, a.grid_code
