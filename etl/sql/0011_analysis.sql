-- 研判 (analysis): what the job after each load computes (etl/analysis/), kept as tables so that no
-- page computes a statistic. Rows tied to a place carry its station and grid (a 250 m cell takes
-- the grid its centre lies in), and row-level security scopes them like the elements.

create table core.analysis_units (
    unit_kind text not null check (unit_kind in ('grid', 'cell')),
    unit_code text not null,
    district_code text not null references core.districts (district_code),
    area_m2 double precision not null check (area_m2 > 0),
    geom geometry(MultiPolygon, 4326) not null check (st_isvalid(geom)),
    station_code text,
    grid_code text,
    primary key (unit_kind, unit_code)
);
comment on table core.analysis_units is
    'One row per unit the analysis counts on: each grid, and each 250 m cell of the area''s lattice.';
create index analysis_units_geom_gist on core.analysis_units using gist (geom);

create table core.hotspot_weeks (
    scope_code text not null,
    unit_kind text not null,
    unit_code text not null,
    week_start date not null,
    events integer not null,
    gi_z double precision not null,
    gi_p double precision not null,
    level smallint not null check (level between -3 and 3),
    station_code text,
    grid_code text,
    primary key (scope_code, unit_kind, unit_code, week_start)
);
comment on table core.hotspot_weeks is
    'One row per analysis scope (all or a station), unit and ISO week with incidents or a significant '
    'Gi*: the count, Gi* z and p, and the FDR-corrected level (±3 = 99 %, ±2 = 95 %, ±1 = 90 %).';
create index on core.hotspot_weeks (week_start);

create table core.hotspot_trends (
    scope_code text not null,
    unit_kind text not null,
    unit_code text not null,
    through_week date not null,
    weeks integer not null,
    hotspot_class text not null,
    hot_weeks integer not null,
    cold_weeks integer not null,
    since_week date,
    gi_z double precision not null,
    gi_p double precision not null,
    level smallint not null check (level between -3 and 3),
    trend text not null check (trend in ('rising', 'falling', 'no_trend')),
    trend_tau double precision not null,
    trend_z double precision not null,
    trend_p double precision not null,
    station_code text,
    grid_code text,
    primary key (scope_code, unit_kind, unit_code)
);
comment on table core.hotspot_trends is
    'One row per analysis scope and unit with an emerging hot- or cold-spot class over the weeks '
    'ending with through_week (every grid, and each cell with a class): the class, the Mann-Kendall '
    'trend of its weekly Gi* z, and since when it has been hot or cold without a break.';

create table core.risk_scores (
    unit_kind text not null,
    unit_code text not null,
    for_week date not null,
    score double precision not null,
    rank integer not null,
    area_share double precision not null,
    inputs jsonb not null,
    station_code text,
    grid_code text,
    primary key (unit_kind, unit_code)
);
comment on table core.risk_scores is
    'One row per unit with a next-week risk score (every grid, each cell above zero): the score, its rank '
    'in the area, the area share flagged down to it, and each input''s value.';

create table core.risk_inputs (
    input_code text primary key,
    position integer not null,
    weight double precision not null,
    total double precision not null default 0
);
comment on table core.risk_inputs is
    'One row per input of the risk overlay: its weight and its total over the area in the last run.';

create table core.backtest_scores (
    unit_kind text not null,
    model text not null,
    week_start date not null,
    area_pct double precision not null,
    events integer not null,
    captured double precision not null,
    pai double precision,
    pei double precision,
    computed_at timestamptz not null default now(),
    primary key (unit_kind, model, week_start, area_pct)
);
comment on table core.backtest_scores is
    'One row per unit kind, forecast model, back-tested week and flagged area share: the events of '
    'that week, the share captured by the forecast made before it, PAI and PEI.';

select ops.protect(t) from unnest(array['core.analysis_units', 'core.hotspot_weeks',
                                       'core.hotspot_trends', 'core.risk_scores']::regclass[]) t;
