-- Each feed's "now" for the alerts (etl/sql/derive_alerts.sql): the latest device clock within
-- clock_tolerance_minutes of the k-th latest (k = 5 %% of the devices, at least 2), so a reader or
-- sensor whose clock runs ahead moves no window. Readers are read through their primary key only.
with reader as (
    select (select max(e.event_time) from core.access_events e where e.device_code = d.device_code) as last_at
    from core.access_devices d
),
reader_rank as (
    select last_at, row_number() over (order by last_at desc) as n, count(*) over () as readers
    from reader where last_at is not null
),
sensor_rank as (
    select last_seen_at as last_at, row_number() over (order by last_seen_at desc) as n,
           count(*) over () as readers
    from core.sensor_devices where last_seen_at is not null
)
select coalesce(
           (select max(r.last_at) from reader_rank r
            where r.last_at <= (select k.last_at from reader_rank k
                                where k.n = least(k.readers, greatest(2, ceil(k.readers * 0.05)::int)))
                               + make_interval(mins => %(clock_tolerance_minutes)s)),
           now()) as access_now,
       coalesce(
           (select max(r.last_at) from sensor_rank r
            where r.last_at <= (select k.last_at from sensor_rank k
                                where k.n = least(k.readers, greatest(2, ceil(k.readers * 0.05)::int)))
                               + make_interval(mins => %(clock_tolerance_minutes)s)),
           now()) as sensor_now
