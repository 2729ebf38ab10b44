-- The surveying layers a county without a tile server draws its basemap from (道路, 水系, 绿地,
-- 房屋轮廓), delivered as GIS files like every other kind. Roads, water and green areas are public
-- ground: every viewer sees them. A building's outline is seen only with its building.
create table core.roads (
    road_code text primary key,
    district_code text not null references core.districts (district_code),
    name text,
    road_class text not null
        check (road_class in ('expressway', 'arterial', 'secondary', 'branch', 'lane')),
    geom geometry(MultiLineString, 4326) not null check (st_isvalid(geom))
);
comment on table core.roads is 'One row per road (centre line, one or more parts) with its class and name.';

create table core.water_areas (
    water_code text primary key,
    district_code text not null references core.districts (district_code),
    name text,
    water_kind text not null check (water_kind in ('river', 'lake', 'reservoir', 'pond')),
    geom geometry(MultiPolygon, 4326) not null check (st_isvalid(geom))
);
comment on table core.water_areas is 'One row per water body (river, lake, reservoir, pond).';

create table core.green_areas (
    green_code text primary key,
    district_code text not null references core.districts (district_code),
    name text,
    green_kind text not null check (green_kind in ('park', 'forest', 'farmland')),
    geom geometry(MultiPolygon, 4326) not null check (st_isvalid(geom))
);
comment on table core.green_areas is 'One row per green area (park, forest, farmland).';

create table core.building_footprints (
    building_code text primary key references core.buildings (building_code),
    district_code text not null references core.districts (district_code),
    geom geometry(MultiPolygon, 4326) not null check (st_isvalid(geom))
);
comment on table core.building_footprints is
    'One row per building with a surveyed outline (房屋轮廓), joined to the building by its code.';

create index roads_geom_gist on core.roads using gist (geom);
create index water_areas_geom_gist on core.water_areas using gist (geom);
create index green_areas_geom_gist on core.green_areas using gist (geom);
create index building_footprints_geom_gist on core.building_footprints using gist (geom);

-- an outline is seen with its building: core.buildings' own policy decides, once per statement
-- for the viewer's scope (the subquery runs under the reader's row-level security)
alter table core.building_footprints enable row level security;
alter table core.building_footprints force row level security;
create policy scope on core.building_footprints for all to public
    using (building_code in (select b.building_code from core.buildings b))
    with check (building_code in (select b.building_code from core.buildings b));
