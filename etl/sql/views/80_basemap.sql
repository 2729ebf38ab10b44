-- serve: the surveying layers of the local basemap (roads, water, green areas, building outlines).
-- Roads, water and green areas are public ground; an outline comes with its building, so row-level
-- security on core.buildings decides which the viewer sees. Their names, and towns' and villages',
-- are a surveyor's or clerk's text from a file and may name a person (a lane in a city village after
-- its householder, 张三屋后巷, as the addresses along it do): a stored name in one is masked
-- (serve.mask_text), as in addresses, or the map's label would say what the address hides.
--
-- Re-applied after every migration (etl/migrate.py): functions/, then views/, each in file-name
-- order, then grants.sql. The one home of these definitions: change them here, never in a revision.
-- `create or replace` changes bodies and comments and appends view columns at the end; to drop,
-- rename, reorder or retype a view's column, or remove a view, add a revision that drops it.

create or replace view serve.roads with (security_invoker = true) as
select r.road_code, r.district_code, serve.mask_text(r.name) as name, r.road_class, r.geom
from core.roads r;
comment on view serve.roads is 'One row per road of the basemap, with its class and name.';

create or replace view serve.water_areas with (security_invoker = true) as
select w.water_code, w.district_code, serve.mask_text(w.name) as name, w.water_kind, w.geom
from core.water_areas w;
comment on view serve.water_areas is 'One row per water body of the basemap.';

create or replace view serve.green_areas with (security_invoker = true) as
select g.green_code, g.district_code, serve.mask_text(g.name) as name, g.green_kind, g.geom
from core.green_areas g;
comment on view serve.green_areas is 'One row per green area of the basemap.';

create or replace view serve.building_footprints with (security_invoker = true) as
select f.building_code, f.district_code, b.floors, b.building_use, b.station_code, b.grid_code, f.geom
from core.building_footprints f
join core.buildings b using (building_code);
comment on view serve.building_footprints is
    'One row per building outline, with the floors and use of its building (seen with the building).';

-- place names the basemap writes on the ground: towns (镇街) and villages (社区村) are public
-- divisions like the district itself
create or replace view serve.towns with (security_invoker = true) as
select t.town_code, t.district_code, serve.mask_text(t.name) as name, t.geom
from core.towns t;
comment on view serve.towns is 'One row per town or street (镇街), for the names on the basemap.';

create or replace view serve.villages with (security_invoker = true) as
select v.village_code, v.town_code, v.district_code, serve.mask_text(v.name) as name, v.geom
from core.villages v;
comment on view serve.villages is 'One row per community or village (社区村), for the names on the basemap.';
