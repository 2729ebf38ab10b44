-- Buildings and building outlines in a box, for the signed scope: what the maps draw at street zoom.
-- Security definer for the reason of 72_ops_quiet_communities.sql: under row-level security
-- PostGIS's box test (&&, not leakproof) may not probe a spatial index, so every outline of the
-- county, or every building of the scope, was read and tested against the box (0.2-1.2 s a grid
-- page). Here the scope is applied as the policies of 30_ops_protect.sql would (a building by its
-- station and grid; an outline is seen with its building), so the answer is the one the viewer's
-- own rows give.
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

-- The codes of the buildings in the signed scope whose point meets a box: a query over
-- serve.buildings adds `building_code = any(...)` of these (a key the policies let an index find)
-- to its own box test, and gets the same rows.
create or replace function ops.box_buildings(
    p_x0 double precision, p_y0 double precision, p_x1 double precision, p_y1 double precision
) returns setof text
language sql stable security definer
set search_path = pg_catalog, public
as $$
    select b.building_code
    from core.buildings as b
    where b.geom && st_makeenvelope(p_x0, p_y0, p_x1, p_y1, 4326)
      and ((select ops.scope_all_stations()) or b.station_code = any ((select ops.scope_stations())::text[]))
      and ((select ops.scope_all_grids()) or b.grid_code = any ((select ops.scope_grids())::text[]))
$$;
comment on function ops.box_buildings(double precision, double precision, double precision, double precision) is
    'Codes of the buildings in the signed scope whose point meets a box.';
revoke execute on function ops.box_buildings(double precision, double precision, double precision,
                                             double precision) from public;
