-- Derived alerts, each with a score and a reason sentence built only from facts in the data; the
-- rules and their settings are documented in docs/data-contract.md (section "Derived alerts").
-- access_now and sensor_now are each feed's own "now" (etl/sql/alerts_now.sql: a clock running
-- ahead moves no window), and a reader's silence is measured on that reader's own clock. Only gate
-- events of the last history_days before now are read (a parameter, so older partitions are
-- pruned when the query is planned): the cost does not grow with the whole history.
-- Only changed rows are written; cleared alerts go; an alert that stays keeps its first detected_at.
-- Subjects are natural keys (a unit's or device's code; for a person a keyed digest of the ID number).
with asof as (
    select %(access_now)s::timestamptz as t
),
reader as (
    -- each reader's latest event and its first in the history, found through its primary key
    select d.device_code, d.building_code, d.online, l.last_at, f.first_at
    from core.access_devices d
    cross join lateral (
        select max(e.event_time) as last_at from core.access_events e where e.device_code = d.device_code
    ) l
    cross join lateral (
        select min(e.event_time) as first_at from core.access_events e
        where e.device_code = d.device_code
          and e.event_time > %(access_now)s::timestamptz - make_interval(days => %(history_days)s)
    ) f
    where l.last_at is not null
),
coverage as (
    -- how many days the feed actually covers within the window and before it (a reason never
    -- claims more)
    select least(%(window_days)s::numeric, s.span) as days,
           least((%(history_days)s - %(window_days)s)::numeric, s.span - %(window_days)s) as prior_days
    from (
        select trim_scale(round((extract(epoch from asof.t - min(r.first_at)) / 86400)::numeric, 1)) as span
        from reader r, asof
        group by asof.t
    ) s
),
credential as (
    -- how many days (current, current nights, earlier nights) each unit's credential was read on,
    -- counted first by etl/sql/alert_credentials.sql
    select unit_code, card_no, nights, days, prior_nights from pg_temp.alert_credential
),
occupancy as (
    select c.unit_code,
           count(*) filter (where c.nights >= %(group_rental_min_nights)s) as night_cards,
           count(*) filter (where c.prior_nights >= %(group_rental_min_nights)s) as prior_cards,
           count(*) filter (where c.days >= %(unregistered_min_days)s) as resident_cards,
           string_agg(c.days::text, '、' order by c.days desc, c.card_no)
               filter (where c.days >= %(unregistered_min_days)s) as resident_days,
           max(c.days) as most_days
    from credential c
    group by c.unit_code
),
unit_facts as (
    select u.*, o.night_cards, o.prior_cards, o.resident_cards, o.resident_days, o.most_days,
           coalesce(r.persons, 0) as residents,
           greatest(u.registered_tenants, coalesce(r.persons, 0)) as registered,
           floor(u.area_m2 / %(group_rental_m2_per_person)s) as capacity
    from occupancy o
    join core.rental_units u on u.unit_code = o.unit_code
    left join (
        select unit_code, count(*) as persons from core.persons where unit_code is not null group by unit_code
    ) r on r.unit_code = u.unit_code
),
group_rental as (
    select f.*, greatest(f.registered + %(group_rental_margin)s, coalesce(f.capacity, 0), 1) as allowed
    from unit_facts f
),
elderly as (
    select p.person_id, p.id_number, p.card_no, p.unit_code, p.building_code, p.district_code, p.geom,
           p.grid_code, p.zone_code, p.station_code,
           case when p.birth_date <= (asof.t at time zone 'Asia/Shanghai')::date
                                     - make_interval(years => %(elderly_old_age)s)
                then %(elderly_old_age)s else %(elderly_age)s end as age_tier,
           case when p.birth_date <= (asof.t at time zone 'Asia/Shanghai')::date
                                     - make_interval(years => %(elderly_old_age)s)
                then %(elderly_old_hours)s else %(elderly_hours)s end::float8 as tier_hours
    from core.persons p, asof
    where p.lives_alone
      and p.birth_date <= (asof.t at time zone 'Asia/Shanghai')::date - make_interval(years => %(elderly_age)s)
),
elderly_card as (
    -- the person's own credential when the population file names it (owner-occupiers), else the
    -- cards issued for the rental unit they live alone in
    select person_id, card_no from elderly where card_no is not null
    union
    select distinct p.person_id, r.card_no
    from elderly p join credential r on r.unit_code = p.unit_code
    where p.card_no is null
),
elderly_event as (
    select c.person_id, e.device_code, e.event_time,
           e.event_time - lag(e.event_time) over (partition by c.person_id order by e.event_time) as gap
    from elderly_card c
    join (
        -- the few credentials watched, matched against the window's events (a semi-join keeps the
        -- hash on the small side)
        select e.card_no, e.device_code, e.event_time from core.access_events e
        where e.event_time > %(access_now)s::timestamptz - make_interval(days => %(history_days)s)
          and e.method is distinct from 'password'
          and e.card_no in (select card_no from elderly_card)
    ) e on e.card_no = c.card_no
),
live_reader as (
    -- readers of the person's building that still record others: a silent or offline reader suppresses
    select p.person_id, d.device_code, d.last_at, d.first_at
    from elderly p
    join reader d on d.building_code = p.building_code
    cross join asof
    where d.online is not false
      and d.last_at > asof.t - make_interval(secs => %(elderly_reader_quiet_hours)s * 3600)
),
elderly_silence as (
    select p.*,
           min(extract(epoch from l.last_at - coalesce(x.last_at, l.first_at)) / 3600) as silent_hours,
           bool_and(x.last_at is null) as never,
           greatest(min(extract(epoch from asof.t - l.last_at) / 3600), 0) as reader_hours,
           max(b.longest) as longest_gap_hours
    from elderly p
    join live_reader l on l.person_id = p.person_id
    cross join asof
    left join (
        select person_id, device_code, max(event_time) as last_at from elderly_event group by 1, 2
    ) x on x.person_id = p.person_id and x.device_code = l.device_code
    left join (
        select person_id, max(extract(epoch from gap) / 3600) as longest from elderly_event group by 1
    ) b on b.person_id = p.person_id
    where exists (select 1 from elderly_card c where c.person_id = p.person_id)
    group by p.person_id, p.id_number, p.card_no, p.unit_code, p.building_code, p.district_code, p.geom,
             p.grid_code, p.zone_code, p.station_code, p.age_tier, p.tier_hours
),
elderly_due as (
    select s.*,
           least(%(elderly_max_hours)s::float8,
                 greatest(s.tier_hours, coalesce(s.longest_gap_hours, 0) * %(elderly_baseline_factor)s))
               as due_hours
    from elderly_silence s
),
sensor as (
    select d.*,
           -- a clock ahead of the feed's now is a silence of zero; no heartbeat ever is no figure
           extract(epoch from case when d.last_seen_at is not null
                                   then greatest(sa.t - d.last_seen_at, interval '0') end) / 3600 as silent_hours,
           (case d.device_kind
                when 'face_camera' then %(heartbeat_camera_minutes)s
                when 'vehicle_camera' then %(heartbeat_camera_minutes)s
                when 'barrier' then %(heartbeat_gate_minutes)s
                when 'access_control' then %(heartbeat_gate_minutes)s
                when 'smoke' then %(heartbeat_smoke_minutes)s
                else %(heartbeat_other_minutes)s
            end * %(missed_heartbeats)s / 60.0)::float8 as due_hours,
           sa.t as asof_t
    from core.sensor_devices d, (select %(sensor_now)s::timestamptz as t) sa
),
found as (
    select 'group_rental' as alert_kind, g.unit_code as subject_code, g.district_code, asof.t as detected_at,
           format('近%%s天夜间活跃门禁卡%%s张，登记租客%%s人，登记住户%%s人%%s%%s', cv.days, g.night_cards,
                  g.registered_tenants, g.residents,
                  '，面积' || trim_scale(round(g.area_m2::numeric, 1)) || '㎡',
                  case when cv.prior_days >= 1 and g.prior_cards <> g.night_cards
                       then format('，此前%%s天%%s张', cv.prior_days, g.prior_cards) end) as reason,
           g.night_cards::float8 as metric, g.allowed::float8 as threshold,
           round((g.night_cards::numeric / g.allowed::numeric)
                 * (1 + case when cv.prior_days >= 1
                             then greatest(g.night_cards - g.prior_cards, 0)::numeric / g.night_cards / 2
                             else 0 end), 2)::float8
               as score,
           g.building_code, g.unit_code, g.geom, g.grid_code, g.zone_code, g.station_code
    from group_rental g, asof, coverage cv
    where g.night_cards > g.allowed
    union all
    select 'unregistered_occupants', f.unit_code, f.district_code, asof.t,
           format('近%%s天%%s张门禁卡分别在%%s个不同日期出入，出租屋无登记租客、无登记住户',
                  cv.days, f.resident_cards, f.resident_days),
           f.most_days::float8, %(unregistered_min_days)s::float8,
           round((f.resident_cards * f.most_days)::numeric / %(window_days)s::numeric, 2)::float8,
           f.building_code, f.unit_code, f.geom, f.grid_code, f.zone_code, f.station_code
    from unit_facts f, asof, coverage cv
    where f.registered = 0 and f.resident_cards > 0
    union all
    -- the subject is a keyed hash of the ID number (the application role reads serve.alerts: an
    -- unkeyed hash of an ID number is undone by hashing the few thousand candidates a masked ID
    -- leaves); the key is derived from this deployment's scope key, so every load into it gives
    -- the same subjects. Before a secret key is registered, the surrogate id stands in.
    select 'elderly_no_access',
           coalesce('P' || left(encode(hmac(convert_to(e.id_number, 'UTF8'), sk.k, 'sha256'), 'hex'), 20),
                    'P' || e.person_id),
           e.district_code, asof.t,
           -- the tier, not the person's age: an age beside the unit's masked ID narrows its birth date
           case when e.never
                then format('独居老人（%%s岁以上）近%%s天无门禁记录，本楼门禁%%s小时前仍有出入', e.age_tier,
                            trim_scale(round((e.silent_hours / 24)::numeric, 1)),
                            trim_scale(round(e.reader_hours::numeric, 1)))
                else format('独居老人（%%s岁以上）已%%s小时无门禁记录%%s，本楼门禁%%s小时前仍有出入', e.age_tier,
                            trim_scale(round(e.silent_hours::numeric, 1)),
                            '（此前最长间隔' || trim_scale(round(e.longest_gap_hours::numeric, 1)) || '小时）',
                            trim_scale(round(e.reader_hours::numeric, 1)))
           end,
           e.silent_hours, e.due_hours, round((e.silent_hours / e.due_hours)::numeric, 2)::float8,
           e.building_code, e.unit_code, e.geom, e.grid_code, e.zone_code, e.station_code
    from elderly_due e
    cross join asof
    left join (
        select hmac(convert_to('onemap alert subject v1', 'UTF8'), key, 'sha256') as k from ops.scope_key
    ) sk on true
    where e.silent_hours > e.due_hours
    union all
    select 'sensor_offline', s.device_code, s.district_code, s.asof_t,
           case when s.last_seen_at is null then '感知设备无心跳记录'
                else format('感知设备最后心跳在%%s小时前%%s', trim_scale(round(s.silent_hours::numeric, 1)),
                            case when s.online is false then '，导出时标记离线' end)
           end,
           s.silent_hours, s.due_hours, round((s.silent_hours / s.due_hours)::numeric, 2)::float8,
           null, null, s.geom, s.grid_code, s.zone_code, s.station_code
    from sensor s
    where s.last_seen_at is null or s.silent_hours > s.due_hours
),
kept as (
    -- a subject an officer found false (state false) is not alerted again on the same evidence: no more
    -- occupants than then, or the same silence still running (no new event or heartbeat since)
    select f.* from found f
    where not exists (
        select 1 from ops.alert_verdicts v
        where v.alert_kind = f.alert_kind and v.subject_code = f.subject_code and v.state = 'false'
          and ops.alert_same_evidence(f.alert_kind, f.metric, v.metric)
    )
),
gone as (
    delete from core.alerts a
    where not exists (select 1 from kept f where f.alert_kind = a.alert_kind and f.subject_code = a.subject_code)
)
insert into core.alerts as t (alert_kind, subject_code, district_code, detected_at, reason, metric, threshold,
                              score, building_code, unit_code, geom, grid_code, zone_code, station_code)
select alert_kind, subject_code, district_code, detected_at, reason, metric, threshold, score,
       building_code, unit_code, geom, grid_code, zone_code, station_code
from kept
on conflict (alert_kind, subject_code) do update
    set district_code = excluded.district_code, reason = excluded.reason,
        metric = excluded.metric, threshold = excluded.threshold, score = excluded.score,
        building_code = excluded.building_code,
        unit_code = excluded.unit_code, geom = excluded.geom, grid_code = excluded.grid_code,
        zone_code = excluded.zone_code, station_code = excluded.station_code
    where (t.reason, t.metric, t.threshold, t.score, t.geom, t.grid_code, t.zone_code, t.station_code)
        is distinct from (excluded.reason, excluded.metric, excluded.threshold, excluded.score,
                          excluded.geom, excluded.grid_code, excluded.zone_code, excluded.station_code)
