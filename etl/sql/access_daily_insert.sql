-- The rolled days that held no rollup row when the load began (``fresh``): a plain insert in
-- key order, about half the cost of an upsert of the same rows through the table's indexes.
insert into core.access_daily as t (day, device_code, unit_code, district_code, building_code, events,
                                    distinct_cards, first_at, last_at, grid_code, zone_code, station_code)
select day, device_code, unit_code, district_code, building_code, events, distinct_cards, first_at, last_at,
       grid_code, zone_code, station_code
from pg_temp.access_rolled
where day = any(%(fresh)s)
order by day, device_code, unit_code
