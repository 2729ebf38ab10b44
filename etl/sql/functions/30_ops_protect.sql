-- Row-level security for one table: enabled, forced, and the scope policy its columns call for.
-- One policy per table, for every command, with the same USING and WITH CHECK. Each scope call is
-- wrapped in (select …) so it runs once per statement (an InitPlan), not once per row. Tables of
-- rows about a person (and the partitions of gate events) also get the restrictive policy `people`
-- of revision 0015 (widened by 0016), with the same condition: only the roles that work with people
-- read them (the wall account does not).
--
-- Re-applied after every migration (etl/migrate.py): functions/, then views/, each in file-name
-- order, then grants.sql. The one home of these definitions: change them here, never in a revision.
-- `create or replace` changes bodies and comments and appends view columns at the end; to drop,
-- rename, reorder or retype a view's column, change a function's arguments or return type, or
-- remove an object, add a revision that drops it (and what depends on it); this file then makes it
-- anew. Revisions run first, so none relies on these being current; a file uses tables and what
-- earlier files define.

create or replace function ops.protect(tbl regclass) returns void
language plpgsql
as $$
declare
    has_station boolean;
    has_grid boolean;
    cond text;
    station_cond text := '((select ops.scope_all_stations()) or station_code = any ((select ops.scope_stations())::text[]))';
    people_cond constant text :=
        '((select ops.scope_role()) = any (array[''leadership'', ''station_chief'', ''grid_worker'', '
        '''town_leader'', ''village_officer'']))';
    grid_cond text := '((select ops.scope_all_grids()) or grid_code = any ((select ops.scope_grids())::text[]))';
begin
    select bool_or(attname = 'station_code'), bool_or(attname = 'grid_code')
      into has_station, has_grid
      from pg_attribute where attrelid = tbl and attnum > 0 and not attisdropped;
    execute format('alter table %s enable row level security', tbl);
    execute format('alter table %s force row level security', tbl);
    execute format('drop policy if exists scope on %s', tbl);
    cond := case
        when tbl = 'core.zone_grids'::regclass then
            -- a link is seen with its police zone (and, for a grid worker, only their grids)
            '(exists (select 1 from core.police_zones z where z.zone_code = zone_grids.zone_code) and ' || grid_cond || ')'
        when tbl = 'core.grids'::regclass then
            -- a grid is seen by its own station and by any station one of whose zones it overlaps
            '((' || station_cond || ' or grid_code in (select zg.grid_code from core.zone_grids zg)) and '
                || grid_cond || ')'
        when has_station and has_grid then '(' || station_cond || ' and ' || grid_cond || ')'
        when has_station then station_cond
        when has_grid then grid_cond
    end;
    if cond is not null and tbl::text like 'core.%' then
        execute format('create policy scope on %s for all to public using %s with check %s', tbl, cond, cond);
    end if;
    if tbl in ('core.persons'::regclass, 'core.rental_units'::regclass, 'core.access_events'::regclass,
               'core.access_daily'::regclass, 'core.alerts'::regclass)
       or tbl in (select inhrelid from pg_inherits where inhparent = 'core.access_events'::regclass) then
        execute format('drop policy if exists people on %s', tbl);
        execute format('create policy people on %s as restrictive for all to public using %s with check %s',
                       tbl, people_cond, people_cond);
    end if;
    -- staging and quarantine tables get no policy at all: nobody but the owner reads them
end
$$;
comment on function ops.protect(regclass) is
    'Enable and force row-level security on a table, with the scope policy its columns call for.';
revoke execute on function ops.protect(regclass) from public;
