-- Places by name or address: ranked by how many of the query's pairs of characters their label
-- contains, the label as shown (masked). Narrowed first on the plain text, a superset (masking only
-- turns characters into *, and the query holds none, so a pair found in the masked label is in the
-- plain one): the :pool best there are masked, then ranked on their masked labels alone, so a name
-- masked away neither finds nor ranks its place. Beside each hit, the plain rank of the best place
-- left out of the pool (beyond_*): no place outside the pool can outrank a hit that outranks it,
-- which the caller checks before it trusts the answer (dashboard/queries/elements.py).
with narrowed as (
    select s.kind, s.code, s.plain, s.geom,
           (s.code = :q)::int * 100 + (s.plain = :q)::int * 50
           + (select count(*) from unnest(cast(:pairs as text[])) as p
              where strpos(s.plain || s.code, p) > 0)
           as plain_hits
    from serve.search_index as s
    where {scope} and (s.code = :q or s.plain like any(cast(:likes as text[])))
    order by plain_hits desc, char_length(s.plain), s.code
    limit :pool + 1
),
numbered as (
    select n.*, row_number() over (order by n.plain_hits desc, char_length(n.plain), n.code) as rn
    from narrowed as n
),
-- materialized: each candidate masked once, not once for each use of its label below
masked as materialized (
    select n.kind, n.code, serve.mask_text(n.plain) as label, n.geom from numbered as n where n.rn <= :pool
),
candidates as (
    select m.kind, m.code, m.label, m.geom,
           (m.code = :q)::int * 100 + (m.label = :q)::int * 50
           + (select count(*) from unnest(cast(:pairs as text[])) as p
              where strpos(m.label || m.code, p) > 0)
           as hits
    from masked as m
),
answer as (
    select x.kind, x.code, x.label, st_x(st_centroid(x.geom)) as lon, st_y(st_centroid(x.geom)) as lat,
           st_xmin(x.geom) as x0, st_ymin(x.geom) as y0, st_xmax(x.geom) as x1, st_ymax(x.geom) as y1, x.hits
    from candidates as x
    where x.hits >= greatest(1, ceil(cardinality(cast(:pairs as text[])) * 0.5))
    order by x.hits desc, char_length(x.label), x.code
    limit :limit
),
beyond as (
    select b.plain_hits as beyond_hits, char_length(b.plain) as beyond_length, b.code as beyond_code
    from numbered as b where b.rn = :pool + 1
)
-- one row at least, so the caller reads beyond_* when nothing is found
select a.*, b.*
from (select 1) as one
left join answer as a on true
left join beyond as b on true
order by a.hits desc, char_length(a.label), a.code
