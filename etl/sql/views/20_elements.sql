-- serve: the base elements. Personal data leaves only masked (functions/10_serve_masks.sql);
-- free text that may name people is not exposed at all. A place's name is a clerk's text too and
-- names people (张三自建房, 李四便利店门口, a workstation after its officer): a phone or ID number or a
-- stored person's or landlord's name in it is masked (serve.mask_text), as in typed text; so is a
-- standard address, which in a city village names its householder (张三屋后巷3号).
-- Views run with security_invoker, so the reader's own privileges and row-level security apply
-- to the core rows beneath.
--
-- Re-applied after every migration (etl/migrate.py): functions/, then views/, each in file-name
-- order, then grants.sql. The one home of these definitions: change them here, never in a revision.
-- `create or replace` changes bodies and comments and appends view columns at the end; to drop,
-- rename, reorder or retype a view's column, change a function's arguments or return type, or
-- remove an object, add a revision that drops it (and what depends on it); this file then makes it
-- anew. Revisions run first, so none relies on these being current; a file uses tables and what
-- earlier files define.

create or replace view serve.buildings with (security_invoker = true) as
select b.building_code, b.address_code, serve.mask_text(a.full_address) as full_address,
       serve.mask_text(coalesce(nullif(regexp_replace(a.full_address, '^.*?(街道|镇)', ''), ''), b.name,
                                b.building_code)) as short_address,
       b.community_code, serve.mask_text(b.name) as name, b.floors, b.building_use,
       b.households, b.is_city_village, b.geom, b.grid_code, b.zone_code, b.station_code,
       (a.address_code is not null and b.grid_code is not null and b.zone_code is not null) as three_codes
from core.buildings b
left join core.standard_addresses a using (address_code);
comment on view serve.buildings is 'One row per building, with its standard address and whether its three codes are complete.';

create or replace view serve.rental_units with (security_invoker = true) as
select u.unit_code, u.building_code, serve.mask_text(u.room_no) as room_no, serve.mask_name(u.landlord_name) as landlord_name,
       serve.mask_phone(u.landlord_phone) as landlord_phone, u.area_m2, u.registered_tenants, u.rent_kind,
       u.registered_on, u.geom, u.grid_code, u.zone_code, u.station_code
from core.rental_units u;
comment on view serve.rental_units is 'One row per rental unit; the landlord masked.';

create or replace view serve.persons with (security_invoker = true) as
select p.person_id, serve.mask_name(p.name) as name, serve.mask_id(p.id_number) as id_number,
       serve.mask_phone(p.phone) as phone, p.gender, p.is_migrant, p.residence_status, p.lives_alone,
       p.building_code, p.unit_code, p.grid_code, p.zone_code, p.station_code
from core.persons p;
comment on view serve.persons is
    'One row per person, masked: name, ID number and phone never leave unmasked; no age or birth date beside them.';

create or replace view serve.communities with (security_invoker = true) as
select community_code, serve.mask_text(name) as name, kind, households, geom, grid_code, zone_code, station_code
from core.communities;
comment on view serve.communities is 'One row per residential compound or city village.';

create or replace view serve.smart_communities with (security_invoker = true) as
select s.smart_code, s.community_code, serve.mask_text(s.name) as name, s.built_on, s.face_cameras, s.vehicle_cameras, s.barriers,
       s.access_controls, s.other_devices, s.geom, s.grid_code, s.zone_code, s.station_code,
       coalesce(d.devices, 0) as sensors, coalesce(d.online, 0) as sensors_online
from core.smart_communities s
left join (
    select smart_code, count(*) as devices, count(*) filter (where online) as online
    from core.sensor_devices group by smart_code
) d using (smart_code);
comment on view serve.smart_communities is 'One row per smart community (智安小区) with its sensors and how many are online.';

create or replace view serve.cameras with (security_invoker = true) as
select camera_code, serve.mask_text(name) as name, camera_kind, ring, online, geom, grid_code, zone_code, station_code
from core.cameras;
comment on view serve.cameras is 'One row per camera or vehicle checkpoint, with its ring (urban, urban-rural, county border).';

create or replace view serve.workstations with (security_invoker = true) as
select workstation_code, serve.mask_text(name) as name, serve.mask_text(theme) as theme, staff_police, staff_grid, staff_other, opened_on, geom,
       grid_code, zone_code, station_code
from core.workstations;
comment on view serve.workstations is 'One row per police-grid workstation (警网融合工作站) with theme and staff.';

create or replace view serve.element_counts with (security_invoker = true) as
select 'police_stations' as element, '派出所' as name_zh, count(*) as n from core.police_stations
union all select 'police_zones', '警务区', count(*) from core.police_zones
union all select 'grids', '网格', count(*) from core.grids
union all select 'buildings', '楼栋', count(*) from core.buildings
union all select 'rental_units', '出租屋', count(*) from core.rental_units
union all select 'persons', '实有人口', count(*) from core.persons
union all select 'incidents', '警情', count(*) from core.incidents
union all select 'grid_events', '网格事件', count(*) from core.grid_events
union all select 'disputes', '矛盾纠纷', count(*) from core.disputes
union all select 'hazards', '风险隐患', count(*) from core.hazards;
comment on view serve.element_counts is 'One row per kind of base element with its count in core.';
