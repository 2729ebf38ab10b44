-- Grids by incidents this week, most first, with last week's figure; station_clause optionally keeps one station.
select g.grid_code, g.name, g.station_code,
       count(*) filter (where i.reported_at >= :w0 and i.reported_at < :w1) as incidents_week,
       count(*) filter (where i.reported_at >= :p0 and i.reported_at < :p1) as incidents_prev
from serve.grids as g
join serve.incidents as i on i.grid_code = g.grid_code
where {scope} {station_clause} and i.reported_at >= :p0 and i.reported_at < :w1
group by g.grid_code, g.name, g.station_code
order by incidents_week desc, g.grid_code
limit :limit
