-- What the dashboard keys its cached pages by between loads: per area, the verdicts its alerts were
-- given, the changes its supervisions (督办) saw, and when its open supervisions turn overdue
-- (ops.judged_counts, revision 0023). The triggers below count a verdict or a step into the areas
-- of its alert or item (its station, police zone and grid, and its grid's town and village: what
-- each page filters on, dashboard.queries.areas.Area.where) in the transaction that writes it, so
-- no page reads a log to know whether it is still current; ops.judged_stamps gives the sums for the
-- areas a page shows, one small indexed read.
--
-- The triggers are made here too (`create or replace trigger`), beside the functions they run.
-- Re-applied after every migration (etl/migrate.py): functions/, then views/, each in file-name
-- order, then grants.sql. The one home of these definitions: change them here, never in a revision.
-- `create or replace` changes bodies and comments and appends view columns at the end; to drop,
-- rename, reorder or retype a view's column, change a function's arguments or return type, or
-- remove an object, add a revision that drops it (and what depends on it); this file then makes it
-- anew. Revisions run first, so none relies on these being current; a file uses tables and what
-- earlier files define.

-- when the open supervisions of an area turn overdue: the end of each deadline's day (Beijing)
create or replace function ops.judged_due(p_level text, p_code text) returns timestamptz[]
language sql stable
set search_path = pg_catalog, public
as $$
    select coalesce(array_agg((s.deadline + 1)::timestamp at time zone 'Asia/Shanghai' order by s.deadline), '{}')
    from ops.supervisions as s
    join core.grid_events as e on s.item_kind = 'grid_event' and e.event_no = s.item_no
    left join core.grids as g on g.grid_code = e.grid_code
    where s.state = 'open'
      and case p_level when 'station' then coalesce(e.station_code, '') = p_code
                       when 'zone' then e.zone_code = p_code
                       when 'grid' then e.grid_code = p_code
                       when 'town' then g.town_code = p_code
                       when 'village' then g.village_code = p_code
                       else false end
$$;
comment on function ops.judged_due(text, text) is
    'When each open supervision of an area''s items turns overdue (the end of its deadline''s day).';

-- Count into the areas (p_levels[i], p_codes[i]): their rows are locked in one order (two writers
-- never wait for each other crosswise), then counted, and their deadlines read again after the
-- lock, so a supervision another transaction committed meanwhile is not lost.
create or replace function ops.judged_touch(p_levels text[], p_codes text[], p_verdicts integer, p_steps integer)
returns void
language plpgsql volatile security definer
set search_path = pg_catalog, public
as $$
begin
    insert into ops.judged_counts (level, code)
    select distinct t.level, t.code from unnest(p_levels, p_codes) as t(level, code)
    where t.code is not null
    order by 1, 2
    on conflict do nothing;
    perform 1 from ops.judged_counts as j
    where (j.level, j.code) in (select t.level, t.code from unnest(p_levels, p_codes) as t(level, code))
    order by j.level, j.code
    for update;
    update ops.judged_counts as j
    set verdicts = j.verdicts + p_verdicts, steps = j.steps + p_steps,
        due = case when p_steps > 0 then ops.judged_due(j.level, j.code) else j.due end
    where (j.level, j.code) in (select t.level, t.code from unnest(p_levels, p_codes) as t(level, code));
end
$$;
comment on function ops.judged_touch(text[], text[], integer, integer) is
    'Count verdicts and supervision changes into areas (level, code), their deadlines read again.';
revoke execute on function ops.judged_touch(text[], text[], integer, integer) from public;

-- the areas of the alerts or grid events in `changed` (a transition table), as two arrays
create or replace function ops.judged_verdicts_logged() returns trigger
language plpgsql security definer
set search_path = pg_catalog, public
as $$
declare
    levels text[];
    codes text[];
begin
    select array_agg(t.level), array_agg(t.code) into levels, codes
    from (select distinct a.station_code, a.zone_code, a.grid_code
          from changed as l join core.alerts as a using (alert_kind, subject_code)) as a
    left join core.grids as g on g.grid_code = a.grid_code
    cross join lateral (values ('station', coalesce(a.station_code, '')), ('zone', a.zone_code),
                               ('grid', a.grid_code), ('town', g.town_code), ('village', g.village_code)) as t(level, code);
    -- a verdict on an alert no longer stored still changes the whole area's pages
    perform ops.judged_touch(coalesce(levels, array['station']), coalesce(codes, array['']),
                             (select count(*) from changed)::integer, 0);
    return null;
end
$$;

-- the areas of grid events (their station, police zone and grid, and their grid's town and
-- village), a supervision's items: what its triggers below and ops.refresh_judged_due count into
create or replace function ops.judged_event_areas(p_event_nos text[])
returns table (level text, code text)
language sql stable
set search_path = pg_catalog, public
as $$
    select t.level, t.code
    from (select distinct e.station_code, e.zone_code, e.grid_code
          from core.grid_events as e where e.event_no = any (p_event_nos)) as e
    left join core.grids as g on g.grid_code = e.grid_code
    cross join lateral (values ('station', coalesce(e.station_code, '')), ('zone', e.zone_code),
                               ('grid', e.grid_code), ('town', g.town_code), ('village', g.village_code)) as t(level, code)
$$;
comment on function ops.judged_event_areas(text[]) is
    'The areas (level, code) of grid events: station, police zone, grid, and the grid''s town and village.';
revoke execute on function ops.judged_event_areas(text[]) from public;

-- a supervision of grid events changed: one step into each of their areas (into the whole
-- station level's '' when none of its events is stored any more)
create or replace function ops.judged_events_stepped(p_event_nos text[]) returns void
language plpgsql volatile
set search_path = pg_catalog, public
as $$
declare
    levels text[];
    codes text[];
begin
    select array_agg(a.level), array_agg(a.code) into levels, codes from ops.judged_event_areas(p_event_nos) as a;
    perform ops.judged_touch(coalesce(levels, array['station']), coalesce(codes, array['']), 0, 1);
end
$$;
comment on function ops.judged_events_stepped(text[]) is
    'Count one supervision change into the areas of grid events (ops.judged_event_areas).';
revoke execute on function ops.judged_events_stepped(text[]) from public;

create or replace function ops.judged_supervisions_changed() returns trigger
language plpgsql security definer
set search_path = pg_catalog, public
as $$
begin
    perform ops.judged_events_stepped(array(select c.item_no from changed as c where c.item_kind = 'grid_event'));
    return null;
end
$$;

create or replace function ops.judged_steps_logged() returns trigger
language plpgsql security definer
set search_path = pg_catalog, public
as $$
begin
    perform ops.judged_events_stepped(array(select s.item_no from changed as c
                                            join ops.supervisions as s using (supervision_id)
                                            where s.item_kind = 'grid_event'));
    return null;
end
$$;

create or replace trigger judged_verdicts after insert on ops.alert_verdict_log
    referencing new table as changed for each statement execute function ops.judged_verdicts_logged();
create or replace trigger judged_steps after insert on ops.supervision_log
    referencing new table as changed for each statement execute function ops.judged_steps_logged();
create or replace trigger judged_supervisions_insert after insert on ops.supervisions
    referencing new table as changed for each statement execute function ops.judged_supervisions_changed();
create or replace trigger judged_supervisions_update after update on ops.supervisions
    referencing new table as changed for each statement execute function ops.judged_supervisions_changed();
create or replace trigger judged_supervisions_delete after delete on ops.supervisions
    referencing old table as changed for each statement execute function ops.judged_supervisions_changed();

-- the deadlines of every area again (after a load, which may move an item to another area)
create or replace function ops.refresh_judged_due() returns void
language sql volatile
set search_path = pg_catalog, public
as $$
    update ops.judged_counts as j set due = ops.judged_due(j.level, j.code)
    where j.due <> '{}' or ops.judged_due(j.level, j.code) <> '{}';
    insert into ops.judged_counts (level, code, due)
    select t.level, t.code, ops.judged_due(t.level, t.code)
    from ops.judged_event_areas(array(select s.item_no from ops.supervisions as s
                                      where s.state = 'open' and s.item_kind = 'grid_event')) as t
    where t.code is not null
    group by t.level, t.code
    on conflict do nothing;
$$;
comment on function ops.refresh_judged_due() is
    'Read every area''s overdue instants again from the open supervisions (after a load, which may move an item).';
revoke execute on function ops.refresh_judged_due() from public;

-- what the dashboard reads: per area of p_level (all of them when p_codes is null) with a row,
-- its counts and how many of its open supervisions are overdue now
create or replace function ops.judged_stamps(p_level text, p_codes text[])
returns table (code text, verdicts bigint, steps bigint, overdue bigint)
language sql stable security definer
set search_path = pg_catalog, public
as $$
    select j.code, j.verdicts, j.steps, (select count(*) from unnest(j.due) as d where d < now())
    from ops.judged_counts as j
    where j.level = p_level and (p_codes is null or j.code = any (p_codes))
$$;
comment on function ops.judged_stamps(text, text[]) is
    'Per area of a level (all when codes are null): verdicts given, supervision changes, supervisions overdue now: what the dashboard keys its cached pages by.';
revoke execute on function ops.judged_stamps(text, text[]) from public;
