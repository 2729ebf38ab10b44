-- Communities of an area with no incident within 150 m in a period, for the signed scope: what the
-- zero-incident list of the drill pages shows. Security definer for one reason: under row-level
-- security PostGIS's distance tests (not leakproof) may not probe a spatial index, so the query
-- tested every community against every incident of the period. Here the scope is applied as the
-- policies of 30_ops_protect.sql would (station and grid of both the communities and the
-- incidents), so the answer is the one the viewer's own rows give.
--
-- Re-applied after every migration (etl/migrate.py), like every file of functions/.
create or replace function ops.quiet_communities(
    p_level text, p_code text, p_since timestamptz, p_until timestamptz
) returns setof text
language sql stable security definer
set search_path = pg_catalog, public
as $$
    select c.community_code
    from core.communities as c
    where case p_level
              when 'station' then c.station_code = p_code
              when 'zone' then c.zone_code = p_code
              when 'grid' then c.grid_code = p_code
              else true
          end
      and ((select ops.scope_all_stations()) or c.station_code = any ((select ops.scope_stations())::text[]))
      and ((select ops.scope_all_grids()) or c.grid_code = any ((select ops.scope_grids())::text[]))
      and not exists (
          select 1
          from core.incidents as i
          where st_dwithin(i.geom, c.geom, 0.002)  -- the index narrows, geography decides
            -- `is true`: tested on the rows the spatial probe found; as an index condition the
            -- period (a month of the county's incidents) was read again for each community
            and (i.reported_at >= p_since and i.reported_at < p_until) is true
            and st_dwithin(i.geom::geography, c.geom::geography, 150)
            and ((select ops.scope_all_stations()) or i.station_code = any ((select ops.scope_stations())::text[]))
            and ((select ops.scope_all_grids()) or i.grid_code = any ((select ops.scope_grids())::text[]))
      )
$$;
comment on function ops.quiet_communities(text, text, timestamptz, timestamptz) is
    'Communities of an area (in the signed scope) with no incident (in the scope) within 150 m in a period.';
revoke execute on function ops.quiet_communities(text, text, timestamptz, timestamptz) from public;
