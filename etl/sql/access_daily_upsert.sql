-- The other rolled days: an upsert that writes only the rows whose counts changed.
insert into core.access_daily as t (day, device_code, unit_code, district_code, building_code, events,
                                    distinct_cards, first_at, last_at, grid_code, zone_code, station_code)
select day, device_code, unit_code, district_code, building_code, events, distinct_cards, first_at, last_at,
       grid_code, zone_code, station_code
from pg_temp.access_rolled
where not (day = any(%(fresh)s))
order by day, device_code, unit_code
on conflict (day, device_code, (coalesce(unit_code, ''))) do update
    set events = excluded.events, distinct_cards = excluded.distinct_cards, first_at = excluded.first_at,
        last_at = excluded.last_at, district_code = excluded.district_code, building_code = excluded.building_code,
        grid_code = excluded.grid_code, zone_code = excluded.zone_code, station_code = excluded.station_code
    where (t.events, t.distinct_cards, t.first_at, t.last_at)
        is distinct from (excluded.events, excluded.distinct_cards, excluded.first_at, excluded.last_at)
