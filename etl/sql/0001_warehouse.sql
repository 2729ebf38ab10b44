-- 0001 warehouse: the four layers, the core entities of the one map, and load bookkeeping.
-- Geometry is EPSG:4326 (CGCS2000 treated as equal); codes, ID numbers and phones are text.

create schema if not exists staging;
create schema if not exists core;
create schema if not exists serve;
create schema if not exists ops;

comment on schema staging is 'One table per source, raw but typed; written by the loader only.';
comment on schema core is 'Clean, deduplicated, attributed entities of the one map.';
comment on schema serve is 'What the dashboard and reports read: views with security_invoker.';
comment on schema ops is 'Load batches, quarantine and audit.';

-- ------------------------------------------------------------------ codebooks
create table core.incident_categories (
    category text primary key,
    name_zh text not null unique
);
comment on table core.incident_categories is 'One row per police incident category (警情类别).';

insert into core.incident_categories (category, name_zh) values
    ('criminal', '刑事'), ('public_order', '治安'), ('fraud', '电信诈骗'),
    ('property', '侵财'), ('dispute', '纠纷'), ('traffic', '交通'),
    ('help', '求助'), ('fire', '火灾'), ('other', '其他');

create table core.grid_event_kinds (
    kind_code text primary key,
    event_class text not null check (event_class in ('police', 'governance', 'service')),
    name_zh text not null,
    unique (event_class, name_zh)
);
comment on table core.grid_event_kinds is
    'One row per kind of grid matter in the codebook (3 classes: 警务类, 综治类, 服务类).';

create table core.hazard_categories (
    category text primary key,
    name_zh text not null unique
);
comment on table core.hazard_categories is 'One row per risk-hazard category (风险隐患类别, 17 in the field).';

insert into core.hazard_categories (category, name_zh) values
    ('fire', '消防'), ('building', '房屋建筑'), ('traffic', '道路交通'),
    ('gas', '燃气'), ('electric', '用电'), ('hazmat', '危险化学品'),
    ('construction', '建筑施工'), ('special_equipment', '特种设备'), ('flood', '防汛'),
    ('geology', '地质灾害'), ('food', '食品药品'), ('public_place', '公共场所'),
    ('school', '校园周边'), ('rental', '出租屋'), ('ebike', '电动自行车'),
    ('public_order', '治安'), ('other', '其他');

create table core.deadline_rules (
    rule text primary key,
    hours integer not null check (hours > 0),
    description_zh text not null
);
comment on table core.deadline_rules is
    'One row per deadline rule for grid matters; the one configurable place for deadlines and cards.';

insert into core.deadline_rules (rule, hours, description_zh) values
    ('police_answer', 24, '警务类事项24小时内响应'),
    ('grid_close', 72, '网格事项3天内办结'),
    ('yellow_card', 72, '超过3天未办结亮黄牌'),
    ('red_card', 144, '超过6天未办结亮红牌');

-- ------------------------------------------------------------------ administrative areas
create table core.districts (
    district_code text primary key check (district_code ~ '^[0-9]{6}$'),
    name text not null,
    city_name text,
    geom geometry(MultiPolygon, 4326) not null check (st_isvalid(geom))
);
comment on table core.districts is 'One row per district or county (区/县), GB/T 2260 six-digit code.';

create table core.towns (
    town_code text primary key check (town_code ~ '^[0-9]{9}$'),
    district_code text not null references core.districts,
    name text not null,
    kind text not null default 'street' check (kind in ('town', 'street', 'township')),
    geom geometry(MultiPolygon, 4326) check (st_isvalid(geom))
);
comment on table core.towns is 'One row per town or street (镇/街道), nine-digit division code.';

create table core.villages (
    village_code text primary key check (village_code ~ '^[0-9]{12}$'),
    town_code text not null references core.towns,
    district_code text not null references core.districts,
    name text not null,
    kind text not null default 'community' check (kind in ('community', 'village')),
    geom geometry(MultiPolygon, 4326) check (st_isvalid(geom))
);
comment on table core.villages is
    'One row per residents'' or villagers'' committee (社区/村), twelve-digit division code.';

-- ------------------------------------------------------------------ the two hierarchies
create table core.police_stations (
    station_code text primary key,
    district_code text not null references core.districts,
    name text not null,
    address text,
    duty_phone text,
    site geometry(Point, 4326),
    geom geometry(MultiPolygon, 4326) not null check (st_isvalid(geom))
);
comment on table core.police_stations is 'One row per police station (派出所) with its jurisdiction.';

create table core.police_zones (
    zone_code text primary key,
    station_code text not null references core.police_stations,
    district_code text not null references core.districts,
    name text not null,
    village_code text,
    officer_count integer not null default 1 check (officer_count >= 0),
    auxiliary_count integer not null default 0 check (auxiliary_count >= 0),
    geom geometry(MultiPolygon, 4326) not null check (st_isvalid(geom))
);
comment on table core.police_zones is 'One row per police zone (警务区/警格) served by community officers.';

create table core.grids (
    grid_code text primary key,
    district_code text not null references core.districts,
    town_code text,
    village_code text,
    name text not null,
    grid_kind text not null default 'basic' check (grid_kind in ('basic', 'dedicated')),
    worker_count integer not null default 1 check (worker_count >= 0),
    area_m2 double precision,
    geom geometry(MultiPolygon, 4326) not null check (st_isvalid(geom))
);
comment on table core.grids is
    'One row per governance grid (综治网格); zone_code/station_code name its largest-share police zone.';

create table core.zone_grids (
    zone_code text not null references core.police_zones,
    grid_code text not null references core.grids,
    district_code text not null references core.districts,
    overlap_m2 double precision not null check (overlap_m2 >= 0),
    share double precision not null check (share >= 0 and share <= 1.000001),
    primary key (zone_code, grid_code)
);
comment on table core.zone_grids is
    'One row per police zone and grid that overlap, with the share of the grid''s area in the zone.';
create index on core.zone_grids (grid_code);

-- ------------------------------------------------------------------ places and buildings
create table core.communities (
    community_code text primary key,
    district_code text not null references core.districts,
    village_code text,
    name text not null,
    kind text not null default 'estate'
        check (kind in ('estate', 'city_village', 'old_estate', 'dormitory', 'village')),
    households integer check (households >= 0),
    footprint geometry(MultiPolygon, 4326) check (st_isvalid(footprint)),
    geom geometry(Point, 4326) not null
);
comment on table core.communities is 'One row per residential compound (小区) or city village (城中村).';

create table core.smart_communities (
    smart_code text primary key,
    community_code text references core.communities,
    district_code text not null references core.districts,
    name text not null,
    built_on date,
    face_cameras integer not null default 0 check (face_cameras >= 0),
    vehicle_cameras integer not null default 0 check (vehicle_cameras >= 0),
    barriers integer not null default 0 check (barriers >= 0),
    access_controls integer not null default 0 check (access_controls >= 0),
    other_devices integer not null default 0 check (other_devices >= 0),
    devices_online integer not null default 0 check (devices_online >= 0),
    geom geometry(Point, 4326) not null
);
comment on table core.smart_communities is
    'One row per smart security community (智慧安防小区) with its front-end device counts.';

create table core.standard_addresses (
    address_code text primary key,
    district_code text not null references core.districts,
    town_code text,
    village_code text,
    road text not null,
    doorplate text not null,
    building_no text,
    full_address text not null,
    geom geometry(Point, 4326) not null
);
comment on table core.standard_addresses is 'One row per standard address (标准地址/门牌).';

create table core.buildings (
    building_code text primary key,
    address_code text not null references core.standard_addresses,
    district_code text not null references core.districts,
    community_code text references core.communities,
    name text,
    floors integer check (floors > 0),
    building_use text not null default 'residential'
        check (building_use in ('residential', 'mixed', 'commercial', 'industrial', 'public', 'other')),
    structure text,
    built_year integer check (built_year between 1900 and 2100),
    households integer check (households >= 0),
    is_city_village boolean not null default false,
    footprint geometry(MultiPolygon, 4326) check (st_isvalid(footprint)),
    geom geometry(Point, 4326) not null
);
comment on table core.buildings is
    'One row per building (楼栋), carrying its three codes: standard address, grid and police zone.';

create table core.rental_units (
    unit_code text primary key,
    building_code text not null references core.buildings,
    district_code text not null references core.districts,
    room_no text not null,
    landlord_name text,
    landlord_id_number text,
    landlord_phone text,
    area_m2 double precision check (area_m2 > 0),
    registered_tenants integer not null default 0 check (registered_tenants >= 0),
    rent_kind text not null default 'whole' check (rent_kind in ('whole', 'shared', 'dormitory')),
    registered_on date,
    geom geometry(Point, 4326) not null
);
comment on table core.rental_units is 'One row per rental unit (出租屋) inside a building.';

create table core.persons (
    person_id bigint generated always as identity primary key,
    id_number text not null unique check (id_number ~ '^[0-9]{17}[0-9X]$'),
    district_code text not null references core.districts,
    name text not null,
    gender text check (gender in ('M', 'F')),
    birth_date date,
    phone text,
    hukou_division_code text,
    hukou_address text,
    is_migrant boolean not null,
    residence_status text
        check (residence_status in ('registered', 'unregistered', 'expired')),
    residence_code text,
    residence_registered_on date,
    moved_in_on date,
    lives_alone boolean not null default false,
    building_code text references core.buildings,
    unit_code text references core.rental_units,
    geom geometry(Point, 4326) not null,
    check (not is_migrant or residence_status is not null)
);
comment on table core.persons is
    'One row per actual resident (实有人口), keyed by GB 11643 ID number; sensitive personal data.';
create index on core.persons (unit_code);
create index on core.persons (building_code);

-- ------------------------------------------------------------------ devices
create table core.access_devices (
    device_code text primary key,
    building_code text not null references core.buildings,
    district_code text not null references core.districts,
    device_kind text not null default 'card' check (device_kind in ('card', 'face', 'card_face')),
    installed_on date,
    online boolean not null default true,
    geom geometry(Point, 4326) not null
);
comment on table core.access_devices is 'One row per gate-access device (出租屋门禁) at a building door.';

create table core.sensor_devices (
    device_code text primary key,
    smart_code text not null references core.smart_communities,
    district_code text not null references core.districts,
    device_kind text not null
        check (device_kind in ('face_camera', 'vehicle_camera', 'barrier', 'access_control',
                               'smoke', 'other')),
    online boolean not null,
    last_seen_at timestamptz,
    geom geometry(Point, 4326) not null
);
comment on table core.sensor_devices is 'One row per front-end sensing device in a smart community.';

create table core.cameras (
    camera_code text primary key,
    district_code text not null references core.districts,
    name text not null,
    camera_kind text not null
        check (camera_kind in ('structured', 'vehicle_checkpoint', 'face', 'ordinary')),
    ring text not null check (ring in ('urban', 'urban_rural', 'county_border')),
    online boolean not null default true,
    installed_on date,
    geom geometry(Point, 4326) not null
);
comment on table core.cameras is
    'One row per camera or vehicle checkpoint (雪亮工程), in one of three rings.';

create table core.workstations (
    workstation_code text primary key,
    district_code text not null references core.districts,
    name text not null,
    theme text not null,
    staff_police integer not null default 0 check (staff_police >= 0),
    staff_grid integer not null default 0 check (staff_grid >= 0),
    staff_other integer not null default 0 check (staff_other >= 0),
    address text,
    opened_on date,
    geom geometry(Point, 4326) not null
);
comment on table core.workstations is 'One row per police-grid fusion workstation (警网融合工作站).';

-- ------------------------------------------------------------------ gate-access events (high volume)
create table core.access_events (
    device_code text not null,
    event_time timestamptz not null,
    card_no text not null,
    district_code text not null,
    unit_code text,
    building_code text not null,
    method text not null default 'card' check (method in ('card', 'face', 'password', 'app')),
    direction text check (direction in ('in', 'out')),
    batch_id bigint,
    primary key (device_code, event_time, card_no)
) partition by range (event_time);
comment on table core.access_events is
    'One row per gate-access event (card or face) at a device; partitioned by month.';

create table core.access_daily (
    day date not null,
    device_code text not null references core.access_devices,
    unit_code text,
    district_code text not null,
    building_code text not null,
    events integer not null check (events >= 0),
    distinct_cards integer not null check (distinct_cards >= 0),
    first_at timestamptz not null,
    last_at timestamptz not null
);
comment on table core.access_daily is
    'One row per device, card unit and day: the rollup the map reads instead of raw access events.';
create unique index access_daily_key on core.access_daily (day, device_code, (coalesce(unit_code, '')));
create index on core.access_daily (unit_code, day);

-- ------------------------------------------------------------------ events
create table core.incidents (
    incident_no text primary key,
    district_code text not null references core.districts,
    reported_at timestamptz not null,
    category text not null references core.incident_categories,
    subcategory text,
    is_diverted boolean not null default false,
    diverted_to text,
    disposition text,
    summary text,
    address text,
    geom geometry(Point, 4326) not null
);
comment on table core.incidents is 'One row per police incident (警情), a call for service.';
create index on core.incidents (reported_at);

create table core.grid_events (
    event_no text primary key,
    district_code text not null references core.districts,
    kind_code text not null references core.grid_event_kinds,
    is_police_matter boolean not null,
    title text not null,
    description text,
    reporter_code text,
    registered_at timestamptz not null,
    reported_at timestamptz,
    dispatched_at timestamptz,
    responded_at timestamptz,
    closed_at timestamptz,
    status text not null
        check (status in ('registered', 'reported', 'dispatched', 'handling', 'closed')),
    handling_dept text,
    geom geometry(Point, 4326) not null,
    check (closed_at is null or closed_at >= registered_at),
    check ((status = 'closed') = (closed_at is not null))
);
comment on table core.grid_events is
    'One row per grid matter (网格事件) through its closed loop; deadlines and cards are derived.';
create index on core.grid_events (registered_at);

create table core.disputes (
    dispute_no text primary key,
    district_code text not null references core.districts,
    found_at timestamptz not null,
    dispute_type text not null,
    risk_level text not null default 'normal' check (risk_level in ('normal', 'high')),
    is_violent boolean not null default false,
    is_repeated boolean not null default false,
    parties integer check (parties >= 2),
    status text not null check (status in ('open', 'mediating', 'resolved', 'escalated')),
    resolved_at timestamptz,
    resolution text,
    geom geometry(Point, 4326) not null,
    check (resolved_at is null or resolved_at >= found_at)
);
comment on table core.disputes is 'One row per dispute clue (矛盾纠纷) until resolved.';
create index on core.disputes (found_at);

create table core.hazards (
    hazard_no text primary key,
    district_code text not null references core.districts,
    category text not null references core.hazard_categories,
    found_at timestamptz not null,
    description text,
    responsible_dept text,
    hint_batch text,
    hint_sent_on date,
    status text not null check (status in ('open', 'rectifying', 'cleared')),
    cleared_at timestamptz,
    geom geometry(Point, 4326) not null,
    check ((status = 'cleared') = (cleared_at is not null)),
    check (cleared_at is null or cleared_at >= found_at)
);
comment on table core.hazards is 'One row per risk hazard (风险隐患), tracked until cleared (销号).';
create index on core.hazards (found_at);

create table core.alerts (
    alert_id bigint generated always as identity primary key,
    alert_kind text not null
        check (alert_kind in ('group_rental', 'unregistered_occupants', 'elderly_no_access',
                              'sensor_offline')),
    subject_code text not null,
    district_code text not null references core.districts,
    detected_at timestamptz not null,
    reason text not null,
    metric double precision,
    threshold double precision,
    building_code text,
    unit_code text,
    geom geometry(Point, 4326) not null,
    unique (alert_kind, subject_code)
);
comment on table core.alerts is
    'One row per live derived alert and its subject (unit, person or device); rebuilt after loads.';

-- ------------------------------------------------------------------ attribution: the codes of both hierarchies
-- Every element located by a point (and every grid) carries its grid, police zone and station,
-- computed once at load by a spatial join, so KPIs roll up either hierarchy without double counts.
do $$
declare
    t text;
begin
    foreach t in array array[
        'grids', 'communities', 'smart_communities', 'standard_addresses', 'buildings',
        'rental_units', 'persons', 'access_devices', 'sensor_devices', 'cameras', 'workstations',
        'access_events', 'access_daily', 'incidents', 'grid_events', 'disputes', 'hazards', 'alerts'
    ] loop
        if t <> 'grids' then
            execute format('alter table core.%I add column grid_code text', t);
            execute format('create index on core.%I (grid_code)', t);
        end if;
        execute format('alter table core.%I add column zone_code text', t);
        execute format('alter table core.%I add column station_code text', t);
        execute format('create index on core.%I (zone_code)', t);
        execute format('create index on core.%I (station_code)', t);
    end loop;
end
$$;

comment on column core.buildings.address_code is 'Three codes (三码): standard address code.';
comment on column core.buildings.grid_code is 'Three codes (三码): governance grid code.';
comment on column core.buildings.zone_code is 'Three codes (三码): police zone (警格) code.';

-- ------------------------------------------------------------------ access-event partitions
create function core.ensure_access_event_partitions(first_day date, last_day date)
returns integer
language plpgsql
as $$
declare
    month date := date_trunc('month', first_day)::date;
    made integer := 0;
    part text;
begin
    while month <= last_day loop
        part := format('access_events_%s', to_char(month, 'YYYY_MM'));
        if to_regclass(format('core.%I', part)) is null then
            execute format(
                'create table core.%I partition of core.access_events for values from (%L) to (%L)',
                part, month, (month + interval '1 month')::date);
            execute format('comment on table core.%I is %L', part,
                'One row per gate-access event in ' || to_char(month, 'YYYY-MM') || '.');
            made := made + 1;
        end if;
        month := (month + interval '1 month')::date;
    end loop;
    return made;
end
$$;
comment on function core.ensure_access_event_partitions(date, date) is
    'Create the monthly partitions of core.access_events covering [first_day, last_day].';

-- ------------------------------------------------------------------ ops: load bookkeeping
create table ops.load_batch (
    batch_id bigint generated always as identity primary key,
    source text not null,
    kind text not null,
    file_path text not null,
    file_sha256 text,
    manifest_path text,
    started_at timestamptz not null default now(),
    finished_at timestamptz,
    status text not null default 'running'
        check (status in ('running', 'loaded', 'unchanged', 'failed')),
    rows_in bigint not null default 0,
    loaded bigint not null default 0,
    repaired bigint not null default 0,
    quarantined bigint not null default 0,
    message text,
    check (status <> 'loaded' or rows_in = loaded + quarantined)
);
comment on table ops.load_batch is 'One row per attempt to load one source file.';
create index on ops.load_batch (source, file_sha256);

create table ops.quarantine (
    quarantine_id bigint generated always as identity primary key,
    batch_id bigint not null references ops.load_batch on delete cascade,
    source text not null,
    kind text not null,
    file_path text not null,
    line_no bigint not null,
    reason_code text not null,
    field text,
    detail text,
    raw jsonb not null,
    created_at timestamptz not null default now()
);
comment on table ops.quarantine is
    'One row per rejected input row, with file, line, raw row and reason code (may hold personal data).';
create index on ops.quarantine (batch_id);
create index on ops.quarantine (source, reason_code);

-- ------------------------------------------------------------------ every geometry column: a GiST index
do $$
declare
    g record;
begin
    for g in
        select f_table_name as tbl, f_geometry_column as col
        from public.geometry_columns
        where f_table_schema = 'core'
    loop
        execute format('create index %I on core.%I using gist (%I)',
                       g.tbl || '_' || g.col || '_gist', g.tbl, g.col);
    end loop;
end
$$;

-- ------------------------------------------------------------------ serve: first view of the contract
create view serve.element_counts with (security_invoker = true) as
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
