-- serve: the areas of both hierarchies (districts, stations, zones, grids and their overlaps).
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

create or replace view serve.districts with (security_invoker = true) as
select district_code, serve.mask_text(name) as name, serve.mask_text(city_name) as city_name, geom from core.districts;
comment on view serve.districts is 'One row per district (区县) of the loaded area.';

-- An area's name and a station's address are a clerk's text from a file, and name people: a zone
-- after its community officer (老杨警务室), a grid after its worker (张三网格), a station's address in a
-- city village after a householder. A stored person's or landlord's name (or a phone) in them is
-- masked (serve.mask_text), as in place names; a grid's through serve.grid_name; a district's too.
-- A station's duty phone is shown as the number it is (值班电话, for calling the station): only a
-- stored name typed beside it is masked (serve.mask_names).
create or replace view serve.stations with (security_invoker = true) as
select s.station_code, serve.mask_text(s.name) as name, s.district_code, serve.mask_text(s.address) as address,
       serve.mask_names(s.duty_phone) as duty_phone, s.geom,
       st_x(s.site) as site_lon, st_y(s.site) as site_lat
from core.police_stations s;
comment on view serve.stations is 'One row per police station (派出所): its area and its site.';

create or replace view serve.zones with (security_invoker = true) as
select z.zone_code, z.station_code, z.district_code, serve.mask_text(z.name) as name, z.officer_count, z.auxiliary_count, z.geom
from core.police_zones z;
comment on view serve.zones is 'One row per police zone (警务区).';

-- A grid's name as a person reads it: agencies number grids within each village (第1网格 is in
-- every village), so the name says its village: 白石社区·第6网格.
create or replace view serve.grids with (security_invoker = true) as
select g.grid_code, g.station_code, g.zone_code, g.district_code, g.town_code, g.village_code,
       serve.grid_name(v.name, g.name) as name, g.grid_kind, g.worker_count, g.area_m2, g.geom
from core.grids g
left join core.villages v using (village_code);
comment on view serve.grids is
    'One row per governance grid (网格), named with its village, with the police zone holding most of it.';

create or replace view serve.zone_grids with (security_invoker = true) as
select zone_code, grid_code, share from core.zone_grids;
comment on view serve.zone_grids is 'One row per police zone and grid that overlap, with the share of the grid.';
