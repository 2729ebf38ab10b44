-- Join clause: the grid and police zone a point lies in (nearest one for a point in a sliver gap
-- between polygons; the loader has already refused points outside the area), and the zone's station.
cross join lateral (
    select
        coalesce(
            (select g.grid_code from core.grids g where st_intersects(g.geom, s.geom) order by g.grid_code limit 1),
            (select g.grid_code from core.grids g order by g.geom <-> s.geom limit 1)
        ) as grid_code,
        coalesce(
            (select z.zone_code from core.police_zones z where st_intersects(z.geom, s.geom) order by z.zone_code limit 1),
            (select z.zone_code from core.police_zones z order by z.geom <-> s.geom limit 1)
        ) as zone_code
) as a0
cross join lateral (
    select a0.grid_code, a0.zone_code, z.station_code
    from (select 1) as one
    left join core.police_zones z on z.zone_code = a0.zone_code
) as a
