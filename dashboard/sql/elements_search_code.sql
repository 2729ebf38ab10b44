-- Places whose code is the query or starts with it, the exact one first.
select s.kind, s.code, s.label, st_x(st_centroid(s.geom)) as lon, st_y(st_centroid(s.geom)) as lat,
       st_xmin(s.geom) as x0, st_ymin(s.geom) as y0, st_xmax(s.geom) as x1, st_ymax(s.geom) as y1,
       (upper(s.code) = :q)::int as hits
from serve.search_index as s
where {scope} and upper(s.code) like :prefix
order by hits desc, char_length(s.code), s.code
limit :limit
