-- Building outlines in a box, for the signed scope: what the basemap draws at street zoom. Security
-- definer for the reason of 72_ops_quiet_communities.sql: under row-level security PostGIS's box
-- test (&&, not leakproof) may not probe the outlines' spatial index, so every outline of the
-- county was read and tested against the scope's buildings (0.5-1.2 s a grid page). Here the
-- scope is applied as the policies of 30_ops_protect.sql would (an outline is seen with its
-- building: the building's station and grid), so the answer is the one the viewer's own rows give.
--
-- Re-applied after every migration (etl/migrate.py), like every file of functions/.
create or replace function ops.box_footprints(
    p_x0 double precision, p_y0 double precision, p_x1 double precision, p_y1 double precision,
    p_tol double precision, p_limit integer
) returns table (building_code text, wkb bytea)
language sql stable security definer
set search_path = pg_catalog, public
-- a box holds a few thousand outlines at most: each building found by its key (a hash join read
-- every building of the county first, 0.4 s of 0.8)
set enable_hashjoin = off
set enable_mergejoin = off
as $$
    select f.building_code,
           st_asbinary(st_simplifypreservetopology(
               st_intersection(f.geom, st_makeenvelope(p_x0, p_y0, p_x1, p_y1, 4326)), p_tol))
    from core.building_footprints as f
    join core.buildings as b on b.building_code = f.building_code
    where f.geom && st_makeenvelope(p_x0, p_y0, p_x1, p_y1, 4326)
      and ((select ops.scope_all_stations()) or b.station_code = any ((select ops.scope_stations())::text[]))
      and ((select ops.scope_all_grids()) or b.grid_code = any ((select ops.scope_grids())::text[]))
    order by f.building_code
    limit p_limit
$$;
comment on function ops.box_footprints(double precision, double precision, double precision,
                                       double precision, double precision, integer) is
    'Outlines (clipped to a box, simplified) of the buildings in the signed scope that meet the box, by code, at most p_limit.';
revoke execute on function ops.box_footprints(double precision, double precision, double precision,
                                              double precision, double precision, integer) from public;
