-- Police zone <-> grid links with the share of each grid's area in each zone; only changed rows
-- are written, so a reload changes nothing. Agencies' zone polygons overlap and leave gaps, so the
-- part of the grid inside the police area is split among its zones in proportion to their
-- overlaps: shares then sum to exactly that part (1 for a grid wholly inside) and no ground is
-- counted twice. Slivers under 1 m² are digitising noise.
with pieces as (
    select z.zone_code, g.grid_code, g.district_code,
           st_area(st_intersection(z.geom, g.geom)::geography) as overlap_m2
    from core.grids g
    join core.police_zones z on st_intersects(z.geom, g.geom)
),
covered as (
    select g.grid_code,
           st_area(st_intersection(g.geom, st_union(z.geom))::geography) / st_area(g.geom::geography) as inside
    from core.grids g
    join core.police_zones z on st_intersects(z.geom, g.geom)
    group by g.grid_code, g.geom
),
kept as (
    select p.*, sum(p.overlap_m2) over (partition by p.grid_code) as total_m2
    from pieces p
    where p.overlap_m2 >= 1
),
shares as (
    select k.zone_code, k.grid_code, k.district_code, k.overlap_m2,
           least(1.0, k.overlap_m2 / k.total_m2 * c.inside) as share
    from kept k
    join covered c on c.grid_code = k.grid_code
),
gone as (
    delete from core.zone_grids zg
    where not exists (select 1 from shares s where s.zone_code = zg.zone_code and s.grid_code = zg.grid_code)
)
insert into core.zone_grids as t (zone_code, grid_code, district_code, overlap_m2, share)
select zone_code, grid_code, district_code, overlap_m2, share from shares
on conflict (zone_code, grid_code) do update
    set district_code = excluded.district_code, overlap_m2 = excluded.overlap_m2, share = excluded.share
    where (t.district_code, t.overlap_m2, t.share)
        is distinct from (excluded.district_code, excluded.overlap_m2, excluded.share);

-- Each grid's own zone and station: the zone holding the largest share of it.
with best as (
    select distinct on (zg.grid_code) zg.grid_code, zg.zone_code, z.station_code
    from core.zone_grids zg
    join core.police_zones z on z.zone_code = zg.zone_code
    order by zg.grid_code, zg.share desc, zg.zone_code
)
update core.grids g
set zone_code = b.zone_code, station_code = b.station_code, area_m2 = st_area(g.geom::geography)
from best b
where b.grid_code = g.grid_code
  and (g.zone_code, g.station_code, g.area_m2)
      is distinct from (b.zone_code, b.station_code, st_area(g.geom::geography));
