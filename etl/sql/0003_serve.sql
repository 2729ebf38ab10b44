-- The serve schema: everything the dashboard and the reports read, and nothing more.
-- Views run with security_invoker, so the reader's own privileges (and, later, row-level
-- security) apply to the core rows beneath. Personal data leaves only masked: name 张*,
-- ID 440***********0014, phone 138****5678. Free-text fields that may name people (incident
-- summaries and addresses, dispute parties, grid-event descriptions) are not exposed at all.

create or replace function serve.mask_name(v text) returns text
language sql immutable parallel safe
return case when v is null or v = '' then v else left(v, 1) || repeat('*', greatest(char_length(v) - 1, 1)) end;
comment on function serve.mask_name(text) is 'A personal name masked to its first character: 张三丰 → 张**.';

create or replace function serve.mask_id(v text) returns text
language sql immutable parallel safe
return case when v is null then null
            when char_length(v) < 8 then repeat('*', char_length(v))
            else left(v, 3) || repeat('*', char_length(v) - 7) || right(v, 4) end;
comment on function serve.mask_id(text) is 'An ID number masked to its first 3 and last 4 characters.';

create or replace function serve.mask_phone(v text) returns text
language sql immutable parallel safe
return case when v is null then null
            when char_length(v) < 8 then repeat('*', char_length(v))
            else left(v, 3) || repeat('*', char_length(v) - 7) || right(v, 4) end;
comment on function serve.mask_phone(text) is 'A phone number masked to its first 3 and last 4 digits: 138****5678.';

-- ------------------------------------------------------------------ areas
create view serve.districts with (security_invoker = true) as
select district_code, name, city_name, geom from core.districts;
comment on view serve.districts is 'One row per district (区县) of the loaded area.';

create view serve.stations with (security_invoker = true) as
select s.station_code, s.name, s.district_code, s.address, s.duty_phone, s.geom,
       st_x(s.site) as site_lon, st_y(s.site) as site_lat
from core.police_stations s;
comment on view serve.stations is 'One row per police station (派出所): its area and its site.';

create view serve.zones with (security_invoker = true) as
select z.zone_code, z.station_code, z.district_code, z.name, z.officer_count, z.auxiliary_count, z.geom
from core.police_zones z;
comment on view serve.zones is 'One row per police zone (警务区).';

create view serve.grids with (security_invoker = true) as
select g.grid_code, g.station_code, g.zone_code, g.district_code, g.town_code, g.village_code, g.name,
       g.grid_kind, g.worker_count, g.area_m2, g.geom
from core.grids g;
comment on view serve.grids is 'One row per governance grid (网格), with the police zone holding most of it.';

create view serve.zone_grids with (security_invoker = true) as
select zone_code, grid_code, share from core.zone_grids;
comment on view serve.zone_grids is 'One row per police zone and grid that overlap, with the share of the grid.';

-- ------------------------------------------------------------------ base elements
create view serve.buildings with (security_invoker = true) as
select b.building_code, b.address_code, a.full_address,
       coalesce(nullif(regexp_replace(a.full_address, '^.*?(街道|镇)', ''), ''), b.name, b.building_code)
           as short_address,
       b.community_code, b.name, b.floors, b.building_use,
       b.households, b.is_city_village, b.geom, b.grid_code, b.zone_code, b.station_code,
       (a.address_code is not null and b.grid_code is not null and b.zone_code is not null) as three_codes
from core.buildings b
left join core.standard_addresses a using (address_code);
comment on view serve.buildings is 'One row per building, with its standard address and whether its three codes are complete.';

create view serve.rental_units with (security_invoker = true) as
select u.unit_code, u.building_code, u.room_no, serve.mask_name(u.landlord_name) as landlord_name,
       serve.mask_phone(u.landlord_phone) as landlord_phone, u.area_m2, u.registered_tenants, u.rent_kind,
       u.registered_on, u.geom, u.grid_code, u.zone_code, u.station_code
from core.rental_units u;
comment on view serve.rental_units is 'One row per rental unit; the landlord masked.';

create view serve.persons with (security_invoker = true) as
select p.person_id, serve.mask_name(p.name) as name, serve.mask_id(p.id_number) as id_number,
       serve.mask_phone(p.phone) as phone, p.gender,
       extract(year from age(p.birth_date))::int as age, p.is_migrant, p.residence_status, p.lives_alone,
       p.building_code, p.unit_code, p.grid_code, p.zone_code, p.station_code
from core.persons p;
comment on view serve.persons is 'One row per person, masked: name, ID number and phone never leave unmasked.';

create view serve.communities with (security_invoker = true) as
select community_code, name, kind, households, geom, grid_code, zone_code, station_code from core.communities;
comment on view serve.communities is 'One row per residential compound or city village.';

create view serve.smart_communities with (security_invoker = true) as
select s.smart_code, s.community_code, s.name, s.built_on, s.face_cameras, s.vehicle_cameras, s.barriers,
       s.access_controls, s.other_devices, s.geom, s.grid_code, s.zone_code, s.station_code,
       coalesce(d.devices, 0) as sensors, coalesce(d.online, 0) as sensors_online
from core.smart_communities s
left join (
    select smart_code, count(*) as devices, count(*) filter (where online) as online
    from core.sensor_devices group by smart_code
) d using (smart_code);
comment on view serve.smart_communities is 'One row per smart community (智安小区) with its sensors and how many are online.';

create view serve.cameras with (security_invoker = true) as
select camera_code, name, camera_kind, ring, online, geom, grid_code, zone_code, station_code from core.cameras;
comment on view serve.cameras is 'One row per camera or vehicle checkpoint, with its ring (urban, urban-rural, county border).';

create view serve.workstations with (security_invoker = true) as
select workstation_code, name, theme, staff_police, staff_grid, staff_other, opened_on, geom,
       grid_code, zone_code, station_code
from core.workstations;
comment on view serve.workstations is 'One row per police-grid workstation (警网融合工作站) with theme and staff.';

-- ------------------------------------------------------------------ events and risks
create view serve.incidents with (security_invoker = true) as
select i.incident_no, i.reported_at, i.category, coalesce(c.name_zh, i.category) as category_zh,
       i.subcategory, i.is_diverted, i.disposition, i.geom, i.grid_code, i.zone_code, i.station_code
from core.incidents i
left join core.incident_categories c using (category);
comment on view serve.incidents is 'One row per police incident (警情); summary and address are not exposed.';

create view serve.grid_events with (security_invoker = true) as
select e.event_no, e.kind_code, k.name_zh as kind_zh, k.event_class, e.is_police_matter, e.title,
       e.registered_at, e.dispatched_at, e.closed_at, e.status, e.handling_dept, e.geom,
       e.grid_code, e.zone_code, e.station_code,
       e.registered_at + make_interval(hours => close.hours) as due_at,
       case when e.closed_at is not null then e.closed_at <= e.registered_at + make_interval(hours => close.hours)
       end as closed_on_time,
       case when coalesce(e.closed_at, now()) - e.registered_at > make_interval(hours => red.hours) then 'red'
            when coalesce(e.closed_at, now()) - e.registered_at > make_interval(hours => yellow.hours) then 'yellow'
       end as card
from core.grid_events e
left join core.grid_event_kinds k using (kind_code)
cross join (select hours from core.deadline_rules where rule = 'grid_close') close
cross join (select hours from core.deadline_rules where rule = 'yellow_card') yellow
cross join (select hours from core.deadline_rules where rule = 'red_card') red;
comment on view serve.grid_events is 'One row per grid event, with its deadline, whether closed on time, and its yellow or red card.';

create view serve.disputes with (security_invoker = true) as
select dispute_no, found_at, dispute_type, risk_level, is_violent, is_repeated, status, resolved_at, resolution,
       geom, grid_code, zone_code, station_code
from core.disputes;
comment on view serve.disputes is 'One row per dispute (矛盾纠纷); the parties are not exposed.';

create view serve.hazards with (security_invoker = true) as
select h.hazard_no, h.category, coalesce(c.name_zh, h.category) as category_zh, h.found_at, h.responsible_dept,
       h.hint_batch, h.hint_sent_on, h.status, h.cleared_at, h.geom, h.grid_code, h.zone_code, h.station_code
from core.hazards h
left join core.hazard_categories c using (category);
comment on view serve.hazards is 'One row per safety hazard (风险隐患), tracked to clearance.';

create view serve.alerts with (security_invoker = true) as
select alert_id, alert_kind, subject_code, detected_at, reason, metric, threshold, building_code, unit_code,
       geom, grid_code, zone_code, station_code
from core.alerts;
comment on view serve.alerts is 'One row per derived alert (group rental, unregistered occupants, elderly, sensor offline).';

-- ------------------------------------------------------------------ search
create view serve.search_index with (security_invoker = true) as
select 'station' as kind, station_code as code, name as label, station_code, geom from core.police_stations
union all select 'zone', zone_code, name, station_code, geom from core.police_zones
union all select 'grid', grid_code, name, station_code, geom from core.grids
union all select 'community', community_code, name, station_code, geom from core.communities
union all select 'workstation', workstation_code, name, station_code, geom from core.workstations
union all select 'smart_community', smart_code, name, station_code, geom from core.smart_communities
union all select 'building', b.building_code, coalesce(a.full_address, b.name, b.building_code), b.station_code, b.geom
    from core.buildings b left join core.standard_addresses a using (address_code)
union all select 'address', address_code, full_address, station_code, geom from core.standard_addresses;
comment on view serve.search_index is 'One row per searchable place: station, zone, grid, community, workstation, building or address.';

-- ------------------------------------------------------------------ data quality (no raw rows)
create view serve.load_batches as
select batch_id, source, kind, file_path, started_at, finished_at, status, rows_in, loaded, repaired, quarantined,
       message
from ops.load_batch;
comment on view serve.load_batches is 'One row per load of a source (ops.load_batch without anything personal).';

create view serve.quarantine_counts as
select source, kind, reason_code, field, count(*) as n, max(batch_id) as last_batch_id
from ops.quarantine
group by source, kind, reason_code, field;
comment on view serve.quarantine_counts is 'One row per source, reason and field of quarantined rows, with how many (never the raw rows).';

-- ------------------------------------------------------------------ indexes for the pages
create index if not exists incidents_time on core.incidents (reported_at);
create index if not exists incidents_grid on core.incidents (grid_code, reported_at);
create index if not exists incidents_zone on core.incidents (zone_code, reported_at);
create index if not exists incidents_station on core.incidents (station_code, reported_at);
create index if not exists grid_events_grid on core.grid_events (grid_code);
create index if not exists grid_events_zone on core.grid_events (zone_code);
create index if not exists grid_events_station on core.grid_events (station_code);
create index if not exists disputes_grid on core.disputes (grid_code);
create index if not exists disputes_station on core.disputes (station_code);
create index if not exists hazards_grid on core.hazards (grid_code);
create index if not exists hazards_station on core.hazards (station_code);
create index if not exists persons_grid on core.persons (grid_code);
create index if not exists persons_zone on core.persons (zone_code);
create index if not exists persons_station on core.persons (station_code);
create index if not exists persons_building on core.persons (building_code);
create index if not exists rental_units_grid on core.rental_units (grid_code);
create index if not exists rental_units_building on core.rental_units (building_code);
create index if not exists buildings_grid on core.buildings (grid_code);
create index if not exists buildings_zone on core.buildings (zone_code);
create index if not exists buildings_station on core.buildings (station_code);
create index if not exists alerts_grid on core.alerts (grid_code);
