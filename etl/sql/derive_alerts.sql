-- Derived alerts, each with reason, time and place. "Now" is the feeds' own latest time, so the
-- same data always gives the same alerts. Only changed rows are written; cleared alerts go.
-- Subjects are natural keys (a unit's or device's code; for a person a digest of the ID number, which
-- is never shown itself), so the same data gives the same keys however often it was loaded.
with asof as (
    select coalesce((select max(event_time) from core.access_events), now()) as t,
           coalesce((select max(last_seen_at) from core.sensor_devices), now()) as sensor_t
),
unit_cards as (
    select e.unit_code, count(distinct e.card_no) as cards
    from core.access_events e, asof
    where e.unit_code is not null and e.event_time > asof.t - make_interval(days => %(window_days)s)
    group by e.unit_code
),
unit_last as (
    select d.unit_code, max(d.last_at) as last_at
    from core.access_daily d, asof
    where d.unit_code is not null and d.day > (asof.t - interval '90 days')::date
    group by d.unit_code
),
registered as (
    select unit_code, count(*) as persons from core.persons where unit_code is not null group by unit_code
),
found as (
    select 'group_rental' as alert_kind, u.unit_code as subject_code, u.district_code, asof.t as detected_at,
           format('疑似群租：近%%s天%%s张门禁卡在用，登记租客%%s人', %(window_days)s, c.cards, u.registered_tenants) as reason,
           c.cards::float8 as metric,
           (u.registered_tenants * %(group_ratio)s + %(group_margin)s)::float8 as threshold,
           u.building_code, u.unit_code, u.geom, u.grid_code, u.zone_code, u.station_code
    from unit_cards c
    join core.rental_units u on u.unit_code = c.unit_code
    cross join asof
    where u.registered_tenants > 0 and c.cards > u.registered_tenants * %(group_ratio)s + %(group_margin)s
    union all
    select 'unregistered_occupants', u.unit_code, u.district_code, asof.t,
           format('未登记住户：近%%s天%%s张门禁卡在用，无人登记', %(window_days)s, c.cards),
           c.cards::float8, 0::float8, u.building_code, u.unit_code, u.geom, u.grid_code, u.zone_code, u.station_code
    from unit_cards c
    join core.rental_units u on u.unit_code = c.unit_code
    left join registered r on r.unit_code = u.unit_code
    cross join asof
    where u.registered_tenants = 0 and coalesce(r.persons, 0) = 0
    union all
    -- the subject is a keyed hash of the ID number (the application role reads serve.alerts: an
    -- unkeyed hash of an ID number is undone by hashing the few thousand candidates a masked ID
    -- leaves); the key is derived from this deployment's scope key, so every load into it gives
    -- the same subjects. Before a secret key is registered, the surrogate id stands in.
    select 'elderly_no_access',
           coalesce('P' || left(encode(hmac(convert_to(p.id_number, 'UTF8'), sk.k, 'sha256'), 'hex'), 20),
                    'P' || p.person_id),
           p.district_code, asof.t,
           -- the threshold, not the person's age: an age beside the unit's masked ID narrows its birth date
           format('独居老人（%%s岁以上）%%s天无门禁记录', %(elderly_age)s,
                  extract(day from asof.t - coalesce(l.last_at, asof.t - interval '90 days'))::int),
           extract(epoch from asof.t - coalesce(l.last_at, asof.t - interval '90 days')) / 86400,
           %(elderly_days)s::float8, p.building_code, p.unit_code, p.geom, p.grid_code, p.zone_code, p.station_code
    from core.persons p
    cross join asof
    left join (
        select hmac(convert_to('onemap alert subject v1', 'UTF8'), key, 'sha256') as k from ops.scope_key
    ) sk on true
    left join unit_last l on l.unit_code = p.unit_code
    where p.lives_alone
      and p.birth_date <= asof.t::date - make_interval(years => %(elderly_age)s)
      and exists (select 1 from core.access_devices d where d.building_code = p.building_code)
      and coalesce(l.last_at, asof.t - interval '90 days') < asof.t - make_interval(days => %(elderly_days)s)
    union all
    select 'sensor_offline', d.device_code, d.district_code, asof.sensor_t,
           format('感知设备离线%%s小时', floor(extract(epoch from asof.sensor_t - coalesce(d.last_seen_at, asof.sensor_t - interval '30 days')) / 3600)::int),
           extract(epoch from asof.sensor_t - coalesce(d.last_seen_at, asof.sensor_t - interval '30 days')) / 3600,
           %(offline_hours)s::float8, null, null, d.geom, d.grid_code, d.zone_code, d.station_code
    from core.sensor_devices d
    cross join asof
    where not d.online
       or d.last_seen_at < asof.sensor_t - make_interval(hours => %(offline_hours)s)
),
gone as (
    delete from core.alerts a
    where not exists (select 1 from found f where f.alert_kind = a.alert_kind and f.subject_code = a.subject_code)
)
insert into core.alerts as t (alert_kind, subject_code, district_code, detected_at, reason, metric, threshold,
                              building_code, unit_code, geom, grid_code, zone_code, station_code)
select alert_kind, subject_code, district_code, detected_at, reason, metric, threshold,
       building_code, unit_code, geom, grid_code, zone_code, station_code
from found
on conflict (alert_kind, subject_code) do update
    set district_code = excluded.district_code, detected_at = excluded.detected_at, reason = excluded.reason,
        metric = excluded.metric, threshold = excluded.threshold, building_code = excluded.building_code,
        unit_code = excluded.unit_code, geom = excluded.geom, grid_code = excluded.grid_code,
        zone_code = excluded.zone_code, station_code = excluded.station_code
    where (t.detected_at, t.reason, t.metric, t.threshold, t.geom, t.grid_code, t.zone_code, t.station_code)
        is distinct from (excluded.detected_at, excluded.reason, excluded.metric, excluded.threshold,
                          excluded.geom, excluded.grid_code, excluded.zone_code, excluded.station_code)
