-- Places by name or address: ranked by how many of the query's pairs of characters they contain.
with candidates as (
    select s.kind, s.code, s.label, s.geom,
           (s.code = :q)::int * 100 + (s.label = :q)::int * 50
           + (select count(*) from unnest(cast(:pairs as text[])) as p
              where strpos(s.label || s.code, p) > 0)
           as hits
    from serve.search_index as s
    where {scope} and (s.code = :q or s.label like any(cast(:likes as text[])))
)
select x.kind, x.code, x.label, st_x(st_centroid(x.geom)) as lon, st_y(st_centroid(x.geom)) as lat,
       st_xmin(x.geom) as x0, st_ymin(x.geom) as y0, st_xmax(x.geom) as x1, st_ymax(x.geom) as y1, x.hits
from candidates as x
where x.hits >= greatest(1, ceil(cardinality(cast(:pairs as text[])) * 0.5))
order by x.hits desc, char_length(x.label), x.code
limit :limit
