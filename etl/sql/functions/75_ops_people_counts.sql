-- Counts of rows about people (residents, migrants and their registration, rental units, alerts)
-- in an area, for the headline figures. Every role sees the same count it would count itself; the
-- wall account, which may read no person's row (the restrictive policy `people` of revision 0015),
-- gets the counts and nothing else. Security definer (the owner bypasses row-level security): the
-- signed scope (20_ops_scope.sql) is applied here as the policies of 30_ops_protect.sql apply it.
-- The application role passes an area and an instant, never a scope.
--
-- Re-applied after every migration (etl/migrate.py): functions/, then views/, each in file-name
-- order, then grants.sql. The one home of these definitions: change them here, never in a revision.
-- `create or replace` changes bodies and comments and appends view columns at the end; to drop,
-- rename, reorder or retype a view's column, change a function's arguments or return type, or
-- remove an object, add a revision that drops it (and what depends on it); this file then makes it
-- anew. Revisions run first, so none relies on these being current; a file uses tables and what
-- earlier files define.

create or replace function ops.people_counts(p_level text, p_code text, p_at timestamptz)
returns table (population bigint, migrants bigint, migrants_registered bigint, rental_units bigint,
               alerts bigint)
language plpgsql stable security definer
set search_path = pg_catalog, public
as $$
declare
    v_all_stations constant boolean := ops.scope_all_stations();
    v_stations constant text[] := ops.scope_stations();
    v_all_grids constant boolean := ops.scope_all_grids();
    v_grids constant text[] := ops.scope_grids();
    v_area_grids text[];
    v_population bigint;
    v_migrants bigint;
    v_registered bigint;
    v_units bigint;
begin
    if p_level is null or p_level not in ('all', 'station', 'zone', 'grid', 'town', 'village')
       or (p_level = 'all') <> (p_code is null) then
        raise exception 'an area is all (no code) or a station, zone, grid, town or village with its code'
            using errcode = 'invalid_parameter_value';
    end if;
    -- a town's or village's rows are those of its grids (each grid lies in one village of one town)
    if p_level in ('town', 'village') then
        v_area_grids := array(select g.grid_code from core.grids as g
                              where (p_level = 'town' and g.town_code = p_code)
                                 or (p_level = 'village' and g.village_code = p_code));
    end if;
    -- the counts kept after the newest load (ops.refresh_area_counts), summed over the attributions
    -- the same conditions keep (each is on the station, zone or grid alone); counted afresh while a
    -- batch loaded since has not been counted yet (or nothing was: an empty table)
    if exists (select 1 from ops.area_counts as k
               where k.batch_id = (select coalesce(max(lb.batch_id), 0) from ops.load_batch as lb
                                   where lb.status = 'loaded')) then
        select coalesce(sum(k.population), 0), coalesce(sum(k.migrants), 0),
               coalesce(sum(k.migrants_registered), 0), coalesce(sum(k.rental_units), 0)
          into v_population, v_migrants, v_registered, v_units
        from ops.area_counts as k
        where (v_all_stations or k.station_code = any (v_stations)) and (v_all_grids or k.grid_code = any (v_grids))
          and (p_level <> 'station' or k.station_code = p_code) and (p_level <> 'zone' or k.zone_code = p_code)
          and (p_level <> 'grid' or k.grid_code = p_code)
          and (v_area_grids is null or k.grid_code = any (v_area_grids));
    else
        select count(*), count(*) filter (where p.is_migrant),
               count(*) filter (where p.is_migrant and p.residence_status = 'registered')
          into v_population, v_migrants, v_registered
        from core.persons as p
        where (v_all_stations or p.station_code = any (v_stations)) and (v_all_grids or p.grid_code = any (v_grids))
          and (p_level <> 'station' or p.station_code = p_code) and (p_level <> 'zone' or p.zone_code = p_code)
          and (p_level <> 'grid' or p.grid_code = p_code)
          and (v_area_grids is null or p.grid_code = any (v_area_grids));
        select count(*) into v_units
        from core.rental_units as u
        where (v_all_stations or u.station_code = any (v_stations)) and (v_all_grids or u.grid_code = any (v_grids))
          and (p_level <> 'station' or u.station_code = p_code) and (p_level <> 'zone' or u.zone_code = p_code)
          and (p_level <> 'grid' or u.grid_code = p_code)
          and (v_area_grids is null or u.grid_code = any (v_area_grids));
    end if;
    return query
    select v_population, v_migrants, v_registered, v_units,
        (select count(*) from core.alerts as a
          -- open at p_at as serve.alerts says: no verdict on this evidence closed it (false, resolved) before
          left join ops.alert_verdicts as v
            on v.alert_kind = a.alert_kind and v.subject_code = a.subject_code
           and ops.alert_same_evidence(a.alert_kind, a.metric, v.metric)
          where a.detected_at < p_at
            and (v.state is null or v.state not in ('false', 'resolved') or v.decided_at >= p_at)
            and (v_all_stations or a.station_code = any (v_stations)) and (v_all_grids or a.grid_code = any (v_grids))
            and (p_level <> 'station' or a.station_code = p_code) and (p_level <> 'zone' or a.zone_code = p_code)
            and (p_level <> 'grid' or a.grid_code = p_code)
            and (v_area_grids is null or a.grid_code = any (v_area_grids)));
end
$$;
comment on function ops.people_counts(text, text, timestamptz) is
    'Residents, migrants, registered migrants, rental units and alerts open at p_at of an area, counted in the signed scope: counts only.';
revoke execute on function ops.people_counts(text, text, timestamptz) from public;

-- The counts ops.people_counts sums, per attribution, as of the newest loaded batch (after a load).
create or replace function ops.refresh_area_counts() returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, public
as $$
declare
    v_n integer;
begin
    delete from ops.area_counts;
    insert into ops.area_counts (batch_id, station_code, zone_code, grid_code, population, migrants,
                                 migrants_registered, rental_units)
    select (select coalesce(max(lb.batch_id), 0) from ops.load_batch as lb where lb.status = 'loaded'),
           x.station_code, x.zone_code, x.grid_code, sum(x.population), sum(x.migrants),
           sum(x.registered), sum(x.units)
    from (
        select p.station_code, p.zone_code, p.grid_code, count(*) as population,
               count(*) filter (where p.is_migrant) as migrants,
               count(*) filter (where p.is_migrant and p.residence_status = 'registered') as registered,
               0 as units
        from core.persons as p group by 1, 2, 3
        union all
        select u.station_code, u.zone_code, u.grid_code, 0, 0, 0, count(*)
        from core.rental_units as u group by 1, 2, 3
    ) as x
    group by x.station_code, x.zone_code, x.grid_code;
    get diagnostics v_n = row_count;
    analyze ops.area_counts;
    return v_n;
end
$$;
comment on function ops.refresh_area_counts() is
    'Count again the persons and rental units of every attribution (after a load) for ops.people_counts; returns the rows kept.';
revoke execute on function ops.refresh_area_counts() from public;
