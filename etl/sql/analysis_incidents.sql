-- The incidents the analysis counts, from %(first)s (inclusive) to %(last)s (exclusive): the Monday
-- (Beijing time) of the ISO week each was reported in, where it happened and its grid.
select (date_trunc('week', reported_at at time zone 'Asia/Shanghai'))::date as week,
       st_x(geom) as lon, st_y(geom) as lat, grid_code
from core.incidents
where reported_at >= %(first)s and reported_at < %(last)s and geom is not null
