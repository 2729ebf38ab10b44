-- Roll the gate-access events of one Beijing day (``day``) up to one row per device and card unit;
-- the map reads this, never the raw events. One day at a time: the day's events are found through
-- the time index and sorted in memory, where a whole month's (10 M at county scale) spilled to disk
-- in a sort three times as long. Read by access_daily_insert.sql and access_daily_upsert.sql.
select (e.event_time at time zone 'Asia/Shanghai')::date as day, e.device_code, e.unit_code,
       min(e.district_code) as district_code, min(e.building_code) as building_code,
       count(*) as events, count(distinct e.card_no) as distinct_cards,
       min(e.event_time) as first_at, max(e.event_time) as last_at,
       min(e.grid_code) as grid_code, min(e.zone_code) as zone_code, min(e.station_code) as station_code
from core.access_events e
where e.event_time >= (%(day)s::date::timestamp at time zone 'Asia/Shanghai')
  and e.event_time < ((%(day)s::date + 1)::timestamp at time zone 'Asia/Shanghai')
group by 1, 2, 3
