-- The outlines of the towns or villages ({view}, keyed by {code}) kept by {within} (an area's own
-- or its children), each one the scope sees a grid of, simplified for the map's zoom (:tol). The
-- outline and name of a town or village are public, as on the basemap; its figures are its grids'.
select o.{code} as code, o.name as label, st_asbinary(st_simplifypreservetopology(o.geom, :tol)) as wkb
from {view} as o
where {within}
  and o.geom is not null
  and exists (select 1 from serve.grids as a where a.{code} = o.{code} and {scope})
order by 1
