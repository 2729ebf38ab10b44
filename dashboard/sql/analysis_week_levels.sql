-- One week's significant Gi* levels of the area-wide analysis (scope 'all') for the units in the
-- viewer's scope and area, of the kind asked: what a week before the last analysed one can show
-- (the emerging classes exist only for the weeks ending with the last analysed week).
select w.unit_kind, w.unit_code, w.week, w.events, w.gi_z, w.gi_p, w.level, w.station_code, w.grid_code
from serve.hotspot_weeks as w
where w.scope_code = 'all' and w.unit_kind = :unit_kind and w.week_start = cast(:week_start as date)
  and w.level <> 0 and {scope} and {area}
order by w.level desc, w.gi_z desc, w.unit_code
