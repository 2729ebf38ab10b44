-- The extent of the areas of one layer kept by the condition on alias a.
with extent as (
    select st_extent(a.geom) as e
    from {view} as a
    where {where}
)
select st_xmin(x.e) as x0, st_ymin(x.e) as y0, st_xmax(x.e) as x1, st_ymax(x.e) as y1
from extent as x
