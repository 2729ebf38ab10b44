-- The map's risk layer: next week's score of every unit of a kind in the viewer's scope, its rank in
-- the whole area and the share of the area flagged down to it, with its outline simplified for the
-- zoom shown (as GeoJSON, WGS-84).
select r.unit_code as code, r.for_label, r.score, r.rank, r.area_share, r.grid_code,
       st_asgeojson(st_simplifypreservetopology(r.geom, :tol), 6) as geometry
from serve.risk_scores as r
where r.unit_kind = :unit_kind and {scope}
order by r.rank
