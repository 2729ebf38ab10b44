-- Stations in scope with their site and bounds.
select s.station_code, s.name, s.site_lon, s.site_lat,
       st_xmin(s.geom) as x0, st_ymin(s.geom) as y0, st_xmax(s.geom) as x1, st_ymax(s.geom) as y1
from serve.stations as s
where {scope}
order by s.station_code
