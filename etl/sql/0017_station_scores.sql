-- 0017 stored standings: the parts of every station's score for a finished period,
-- counted once after each load (ops.store_station_scores) instead of on every page that shows one.
-- Only the owner writes it; ops.station_scores reads it and counts afresh what it does not hold.
create table ops.station_score_parts (
    w0 timestamptz not null,
    w1 timestamptz not null,
    p0 timestamptz not null,
    station_code text not null,
    name text,
    three_codes numeric,
    registration numeric,
    smart numeric,
    incidents_week bigint not null,
    incidents_prev bigint not null,
    on_time numeric,
    cleared numeric,
    primary key (w0, w1, p0, station_code)
);
comment on table ops.station_score_parts is
    'One row per finished period (w0, w1; p0 its comparison) and station: the parts of its assessment, over the whole station; rebuilt after each load (ops.store_station_scores).';
revoke all on ops.station_score_parts from public;

-- Each building's rental units, residents and migrants, counted once after each load
-- (ops.refresh_building_counts): a page lists an area's buildings with most units first from an
-- index, instead of counting the units and people of every building of the area on each visit.
-- Under the same scope policy as the buildings (station and grid columns).
create table core.building_counts (
    building_code text primary key,
    station_code text,
    zone_code text,
    grid_code text,
    units integer not null,
    residents integer not null,
    migrants integer not null
);
create index building_counts_rank on core.building_counts (units desc, residents desc, building_code);
create index building_counts_station on core.building_counts (station_code, units desc, residents desc, building_code);
create index building_counts_zone on core.building_counts (zone_code, units desc, residents desc, building_code);
create index building_counts_grid on core.building_counts (grid_code, units desc, residents desc, building_code);
comment on table core.building_counts is
    'One row per building: its rental units, residents and migrants, as of the last load (ops.refresh_building_counts).';
select ops.protect('core.building_counts');
