-- The map's hot-spot layer: every unit of a kind in the viewer's scope with an emerging hot- or
-- cold-spot class (no pattern left out) of the area-wide analysis, its Gi* and trend, and its
-- outline simplified for the zoom shown (as GeoJSON, WGS-84).
select t.unit_code as code, t.hotspot_class, t.gi_z, t.gi_p, t.trend, t.since_label, t.grid_code,
       st_asgeojson(st_simplifypreservetopology(t.geom, :tol), 6) as geometry
from serve.hotspot_trends as t
where t.scope_code = 'all' and t.unit_kind = :unit_kind and t.hotspot_class <> 'no_pattern' and {scope}
order by t.unit_code
