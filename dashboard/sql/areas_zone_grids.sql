-- The grids a police zone overlaps, by the share of each grid inside it.
select zg.grid_code, g.name, zg.share
from serve.zone_grids as zg
join serve.grids as g using (grid_code)
where zg.zone_code = :z and {scope}
order by zg.share desc, zg.grid_code
