-- The parts of each station's assessment score (grouped joins: each element table is read, and its
-- row-level security checked, once); scope is the scope on unqualified columns.
with buildings_by_station as (
    select b.station_code, avg(case when b.three_codes then 1.0 else 0.0 end) as three_codes
    from serve.buildings as b
    where {scope}
    group by b.station_code
),
registration_by_station as (
    select p.station_code, avg(case when p.residence_status = 'registered' then 1.0 else 0.0 end) as registration
    from serve.persons as p
    where {scope} and p.is_migrant
    group by p.station_code
),
smart_community_codes as (
    select distinct sm.community_code
    from serve.smart_communities as sm
),
smart_by_station as (
    select c.station_code, avg(case when sc.community_code is not null then 1.0 else 0.0 end) as smart
    from serve.communities as c
    left join smart_community_codes as sc using (community_code)
    where {scope_c}
    group by c.station_code
),
incidents_by_station as (
    select i.station_code, count(*) filter (where i.reported_at >= :w0) as week,
           count(*) filter (where i.reported_at < :w0) as prev
    from serve.incidents as i
    where {scope} and i.reported_at >= :p0 and i.reported_at < :w1
    group by i.station_code
),
events_by_station as (
    select e.station_code, avg(case when e.closed_on_time then 1.0 else 0.0 end) as on_time
    from serve.grid_events as e
    where {scope} and e.closed_at is not null
    group by e.station_code
),
hazards_by_station as (
    select h.station_code, avg(case when h.status = 'cleared' then 1.0 else 0.0 end) as cleared
    from serve.hazards as h
    where {scope}
    group by h.station_code
)
select s.station_code, s.name, b.three_codes, p.registration, m.smart,
       coalesce(i.week, 0) as incidents_week, coalesce(i.prev, 0) as incidents_prev,
       e.on_time, h.cleared
from serve.stations as s
left join buildings_by_station as b using (station_code)
left join registration_by_station as p using (station_code)
left join smart_by_station as m using (station_code)
left join incidents_by_station as i using (station_code)
left join events_by_station as e using (station_code)
left join hazards_by_station as h using (station_code)
where {scope_s}
