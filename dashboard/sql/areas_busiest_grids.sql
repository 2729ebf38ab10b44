-- A station's grids with the most incidents reported in [:start, :end), busiest first, at most
-- :n (the grid pages most likely opened: what the cache warms after a load).
select i.grid_code as code, count(*) as incidents
from serve.incidents as i
where i.station_code = :s and i.grid_code is not null
  and i.reported_at >= :start and i.reported_at < :end
  and {scope}
group by 1
order by 2 desc, 1
limit :n
