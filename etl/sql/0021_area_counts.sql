-- 0021 stored people counts: the residents, migrants, registered migrants and rental units of every
-- (station, zone, grid) attribution, counted once after each load (ops.refresh_area_counts) with the
-- batch they count. ops.people_counts sums them for an area while that batch is still the newest
-- loaded one, and counts the rows afresh otherwise: the biggest county station's headline figures
-- counted 239,000 residents on every visit. Only the owner reads and writes it.
create table ops.area_counts (
    count_id bigint generated always as identity primary key,
    batch_id bigint not null,
    station_code text,
    zone_code text,
    grid_code text,
    population bigint not null,
    migrants bigint not null,
    migrants_registered bigint not null,
    rental_units bigint not null
);
comment on table ops.area_counts is
    'One row per attribution (station, zone, grid) of persons or rental units: their residents, migrants, registered migrants and rental units as of batch_id, the newest loaded batch when counted (ops.refresh_area_counts); ops.people_counts uses them only while no batch loaded since.';
revoke all on ops.area_counts from public;
