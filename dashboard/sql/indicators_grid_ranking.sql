-- Grids in the viewer's scope (scope on alias r) by incidents this week, most first, with last week's
-- figure (from :p0, as long as the week) and their rank among all grids (of :station when given),
-- each counted over the whole grid (ops.grid_ranking, security definer: a grid's figures are the
-- same for every viewer of it).
select r.grid_code, r.name, r.station_code, r.incidents_week, r.incidents_prev, r.rank
from ops.grid_ranking(
    cast(:w0 as timestamptz), cast(:w1 as timestamptz), cast(:p0 as timestamptz), cast(:station as text)
) as r
where {scope}
order by r.rank
limit :limit
