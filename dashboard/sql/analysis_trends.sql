-- The emerging hot- and cold-spot classes of the area-wide analysis (scope 'all': every unit judged
-- against the whole area, so a grid has the same class whoever looks) for the units in the viewer's
-- scope and area, of the kind asked; row-level security on core.hotspot_trends scopes them again.
select t.unit_kind, t.unit_code, t.hotspot_class, t.through_week, t.through_label, t.weeks,
       t.hot_weeks, t.cold_weeks, t.since_week, t.since_label, t.gi_z, t.gi_p, t.level, t.trend,
       t.trend_tau, t.trend_p, t.station_code, t.grid_code
from serve.hotspot_trends as t
where t.scope_code = 'all' and t.unit_kind = :unit_kind and {scope} and {area}
order by t.hotspot_class, t.gi_z desc, t.unit_code
