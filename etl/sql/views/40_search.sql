-- serve: every searchable place in one view.
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

-- A place's name or address may name a person (a compound, a workstation, a grid after its worker,
-- a city village's doorplate after its householder): it is shown masked as serve.mask_text masks it.
-- The search itself runs in serve.search_places and serve.search_codes
-- (functions/46_serve_search.sql), which read the plain texts as the owner and return masked labels
-- only; this view gives what a place is called as shown, never the plain text (revision 0026).
create or replace view serve.search_index with (security_invoker = true) as
select p.kind, p.code, serve.mask_text(p.plain) as label, p.station_code, p.geom
from (
    select 'station' as kind, station_code as code, name as plain, station_code, geom from core.police_stations
    union all select 'zone', zone_code, name, station_code, geom from core.police_zones
    union all select 'grid', g.grid_code,
                     case when v.name is null or v.name = '' or g.name like v.name || '%' then g.name
                          else v.name || '·' || g.name end,
                     g.station_code, g.geom
        from core.grids g left join core.villages v using (village_code)
    union all select 'community', community_code, name, station_code, geom from core.communities
    union all select 'workstation', workstation_code, name, station_code, geom from core.workstations
    union all select 'smart_community', smart_code, name, station_code, geom from core.smart_communities
    union all select 'building', b.building_code, coalesce(a.full_address, b.name, b.building_code), b.station_code, b.geom
        from core.buildings b left join core.standard_addresses a using (address_code)
    union all select 'address', address_code, full_address, station_code, geom from core.standard_addresses
) as p;
comment on view serve.search_index is
    'One row per searchable place: station, zone, grid, community, workstation, building or address, with its label as shown (masked).';
