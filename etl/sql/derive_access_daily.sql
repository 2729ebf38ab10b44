-- Roll gate-access events of the loaded days up to one row per day, device and card unit
-- (days in Beijing time); the map reads this, never the raw events. Computed into a temporary
-- table first: CREATE TABLE AS may run in parallel workers, an INSERT … SELECT may not.
create temp table access_rolled on commit drop as
with days as (
    select (date_trunc('day', %(first)s::timestamptz at time zone 'Asia/Shanghai') at time zone 'Asia/Shanghai') as lo,
           ((date_trunc('day', %(last)s::timestamptz at time zone 'Asia/Shanghai') + interval '1 day')
               at time zone 'Asia/Shanghai') as hi
),
rolled as (
    select (e.event_time at time zone 'Asia/Shanghai')::date as day, e.device_code, e.unit_code,
           min(e.district_code) as district_code, min(e.building_code) as building_code,
           count(*) as events, count(distinct e.card_no) as distinct_cards,
           min(e.event_time) as first_at, max(e.event_time) as last_at,
           min(e.grid_code) as grid_code, min(e.zone_code) as zone_code, min(e.station_code) as station_code
    from core.access_events e, days
    where e.event_time >= days.lo and e.event_time < days.hi
    group by 1, 2, 3
)
select * from rolled
