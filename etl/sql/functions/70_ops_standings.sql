-- Standings: the station assessment score and the grid ranking, properties of a station or a grid.
-- Every viewer allowed to see a station (or grid) sees the same score, rank and count; a viewer sees
-- fewer rows, never a different number. So the figures are counted over every row of the station or
-- grid, not over the rows the viewer's row-level security lets through: these functions are
-- security definer (owned by the owner, which bypasses row-level security) and return only the
-- stations and grids the signed scope (20_ops_scope.sql) may see, as the policies of
-- 30_ops_protect.sql would. The application role passes periods and weights, never a scope.
--
-- plpgsql, not sql: its body names serve views, which views/ (re-applied after functions/) defines.
--
-- Re-applied after every migration (etl/migrate.py): functions/, then views/, each in file-name
-- order, then grants.sql. The one home of these definitions: change them here, never in a revision.
-- `create or replace` changes bodies and comments and appends view columns at the end; to drop,
-- rename, reorder or retype a view's column, change a function's arguments or return type, or
-- remove an object, add a revision that drops it (and what depends on it); this file then makes it
-- anew. Revisions run first, so none relies on these being current; a file uses tables and what
-- earlier files define.

-- Periods begin at a midnight (Asia/Shanghai) and end at a later one or now: counts over the whole
-- station are shown for whole days, so the windows cannot be narrowed to find out when a single
-- incident of the station happened (which the viewer's own rows may not show).
create or replace function ops.period_end(p_start timestamptz, p_end timestamptz) returns timestamptz
language plpgsql stable
set search_path = pg_catalog, public
as $$
begin
    if p_start is null or p_end is null or p_end <= p_start
       or (p_start at time zone 'Asia/Shanghai')::time <> time '00:00'
       or ((p_end at time zone 'Asia/Shanghai')::time <> time '00:00' and p_end < now() - interval '5 minutes')
    then
        raise exception 'a period runs from a midnight (Asia/Shanghai) to a later midnight or to now'
            using errcode = 'invalid_parameter_value';
    end if;
    return least(p_end, now());
end
$$;
comment on function ops.period_end(timestamptz, timestamptz) is
    'The end of a period, or now while it runs; refuses a period not running from a midnight (Asia/Shanghai) to a later one or to now.';

-- The parts of every station's assessment for a period, counted now over the whole station: what
-- ops.station_scores scores, and what ops.store_station_scores keeps for finished periods. Not
-- granted to the application role (it returns every station, whatever the scope).
create or replace function ops.station_score_parts_live(p_w0 timestamptz, p_w1 timestamptz, p_p0 timestamptz)
returns table (station_code text, name text, three_codes numeric, registration numeric, smart numeric,
               incidents_week bigint, incidents_prev bigint, on_time numeric, cleared numeric)
language plpgsql stable security definer
set search_path = pg_catalog, public
as $$
#variable_conflict use_column
declare
    -- what stands at a moment (events closed, hazards cleared) as it stood at the period's end
    v_at constant timestamptz := ops.period_end(p_w0, p_w1);
    -- the week before runs from p_p0 for as long as the week (the same days when the week is partial)
    v_p1 constant timestamptz := p_p0 + (p_w1 - p_w0);
begin
    perform ops.period_end(p_p0, p_w0);
    return query
    with buildings_by_station as (
        select b.station_code, avg(case when b.three_codes then 1.0 else 0.0 end) as three_codes
        from serve.buildings as b
        group by b.station_code
    ),
    registration_by_station as (
        select p.station_code,
               avg(case when p.residence_status = 'registered' then 1.0 else 0.0 end) as registration
        from serve.persons as p
        where p.is_migrant
        group by p.station_code
    ),
    smart_by_station as (
        select c.station_code, avg(case when exists (
                   select 1 from serve.smart_communities as sm where sm.community_code = c.community_code
               ) then 1.0 else 0.0 end) as smart
        from serve.communities as c
        group by c.station_code
    ),
    incidents_by_station as (
        select i.station_code, count(*) filter (where i.reported_at >= p_w0) as week,
               count(*) filter (where i.reported_at < v_p1) as prev
        from serve.incidents as i
        where i.reported_at >= p_p0 and i.reported_at < p_w1
        group by i.station_code
    ),
    -- daily management as it stood at v_at: events closed before it, hazards found before it
    events_by_station as (
        select e.station_code, avg(case when e.closed_on_time then 1.0 else 0.0 end) as on_time
        from serve.grid_events as e
        where e.closed_at < v_at
        group by e.station_code
    ),
    hazards_by_station as (
        select h.station_code, avg(case when h.open_until < v_at then 1.0 else 0.0 end) as cleared
        from serve.hazards as h
        where h.found_at < v_at
        group by h.station_code
    ),
    parts as (
        select s.station_code, s.name, b.three_codes, r.registration, m.smart,
               coalesce(i.week, 0) as week, coalesce(i.prev, 0) as prev, e.on_time, h.cleared
        from serve.stations as s
        left join buildings_by_station as b using (station_code)
        left join registration_by_station as r using (station_code)
        left join smart_by_station as m using (station_code)
        left join incidents_by_station as i using (station_code)
        left join events_by_station as e using (station_code)
        left join hazards_by_station as h using (station_code)
    )
    select x.station_code, x.name, x.three_codes, x.registration, x.smart, x.week, x.prev, x.on_time, x.cleared
    from parts as x;
end
$$;
comment on function ops.station_score_parts_live(timestamptz, timestamptz, timestamptz) is
    'The parts of every station''s assessment for a period, counted now over the whole station.';

-- A finished period's parts depend on the data only (everything is counted as it stood at the
-- period's end), so they are counted once per load and kept; a running period is always counted.
create or replace function ops.store_station_scores(p_w0 timestamptz, p_w1 timestamptz, p_p0 timestamptz)
returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, public
as $$
declare
    v_n integer;
begin
    if p_w1 > now() then
        return 0;  -- still running: its figures move with the clock
    end if;
    delete from ops.station_score_parts as sp where sp.w0 = p_w0 and sp.w1 = p_w1 and sp.p0 = p_p0;
    insert into ops.station_score_parts (w0, w1, p0, station_code, name, three_codes, registration, smart,
                                         incidents_week, incidents_prev, on_time, cleared)
    select p_w0, p_w1, p_p0, l.*
    from ops.station_score_parts_live(p_w0, p_w1, p_p0) as l;
    get diagnostics v_n = row_count;
    return v_n;
end
$$;
comment on function ops.store_station_scores(timestamptz, timestamptz, timestamptz) is
    'Count and keep the parts of every station''s assessment for a finished period (none for a running one).';

-- After a load: what was kept describes the old data, so all of it goes; the last p_weeks whole ISO
-- weeks (Asia/Shanghai) up to the newest incident's week, each against the week before, are kept anew
-- (the weeks the pages and the weekly reports show by default). Returns the periods kept.
create or replace function ops.refresh_station_scores(p_weeks integer default 8)
returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, public
as $$
declare
    v_last timestamptz;
    v_w0 timestamptz;
    v_n integer := 0;
begin
    delete from ops.station_score_parts;
    -- the Monday after the newest incident's week, at midnight in Beijing (the weeks end there)
    select ((date_trunc('week', max(i.reported_at) at time zone 'Asia/Shanghai') + interval '7 days')
            at time zone 'Asia/Shanghai')
    into v_last from core.incidents as i;
    if v_last is null then
        return 0;
    end if;
    for k in 1 .. p_weeks loop
        v_w0 := ((v_last at time zone 'Asia/Shanghai') - make_interval(days => 7 * k)) at time zone 'Asia/Shanghai';
        if v_w0 + interval '7 days' <= now() then
            perform ops.store_station_scores(
                v_w0,
                ((v_w0 at time zone 'Asia/Shanghai') + interval '7 days') at time zone 'Asia/Shanghai',
                ((v_w0 at time zone 'Asia/Shanghai') - interval '7 days') at time zone 'Asia/Shanghai');
            v_n := v_n + 1;
        end if;
    end loop;
    return v_n;
end
$$;
comment on function ops.refresh_station_scores(integer) is
    'Forget every kept station assessment and keep those of the last whole weeks of the data (after a load).';

-- Each building's units, residents and migrants, counted in one grouped pass per table after a load
-- (what a page's list of buildings is ranked by); the building's area as the building has it.
create or replace function ops.refresh_building_counts() returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, public
as $$
declare
    v_n integer;
begin
    delete from core.building_counts as c
    where not exists (select 1 from core.buildings as b where b.building_code = c.building_code);
    -- only the buildings whose counts or areas changed are written (each row carries five indexes)
    insert into core.building_counts as c (building_code, station_code, zone_code, grid_code, units,
                                           residents, migrants)
    select b.building_code, b.station_code, b.zone_code, b.grid_code, coalesce(u.n, 0), coalesce(p.n, 0),
           coalesce(p.migrants, 0)
    from core.buildings as b
    left join (select building_code, count(*) as n from core.rental_units group by building_code) as u
        using (building_code)
    left join (select building_code, count(*) as n, count(*) filter (where is_migrant) as migrants
               from core.persons group by building_code) as p
        using (building_code)
    on conflict (building_code) do update
        set station_code = excluded.station_code, zone_code = excluded.zone_code,
            grid_code = excluded.grid_code, units = excluded.units, residents = excluded.residents,
            migrants = excluded.migrants
        where (c.station_code, c.zone_code, c.grid_code, c.units, c.residents, c.migrants)
            is distinct from (excluded.station_code, excluded.zone_code, excluded.grid_code, excluded.units,
                              excluded.residents, excluded.migrants);
    get diagnostics v_n = row_count;
    if v_n > 0 then
        analyze core.building_counts;
    end if;
    return v_n;
end
$$;
comment on function ops.refresh_building_counts() is
    'Count again every building''s rental units, residents and migrants (after a load); writes only '
    'the buildings whose counts or areas changed and returns how many.';

create or replace function ops.station_scores(
    p_w0 timestamptz, p_w1 timestamptz, p_p0 timestamptz,
    p_base double precision, p_control double precision, p_daily double precision
)
returns table (station_code text, name text, three_codes numeric, registration numeric, smart numeric,
               incidents_week bigint, incidents_prev bigint, on_time numeric, cleared numeric,
               base_work double precision, incident_control double precision,
               daily_management double precision, score double precision, rank bigint, ranked bigint)
language plpgsql stable security definer
set search_path = pg_catalog, public
as $$
#variable_conflict use_column
begin
    perform ops.period_end(p_w0, p_w1);
    perform ops.period_end(p_p0, p_w0);
    return query
    with stored as (
        select sp.station_code, sp.name, sp.three_codes, sp.registration, sp.smart,
               sp.incidents_week as week, sp.incidents_prev as prev, sp.on_time, sp.cleared
        from ops.station_score_parts as sp
        where sp.w0 = p_w0 and sp.w1 = p_w1 and sp.p0 = p_p0
    ),
    -- kept after the last load, or counted now (the live count runs only when nothing was kept)
    parts as (
        select * from stored
        union all
        select l.station_code, l.name, l.three_codes, l.registration, l.smart, l.incidents_week,
               l.incidents_prev, l.on_time, l.cleared
        from ops.station_score_parts_live(p_w0, p_w1, p_p0) as l
        where not exists (select 1 from stored)
    ),
    -- each part the mean of its present measures (0 with none); incident control 1 with no incident
    scored as (
        select x.*,
               coalesce((coalesce(x.three_codes, 0) + coalesce(x.registration, 0) + coalesce(x.smart, 0))
                   / nullif(num_nonnulls(x.three_codes, x.registration, x.smart), 0), 0)::float8 as base,
               case when x.week + x.prev > 0 then 1 - x.week::float8 / (x.week + x.prev) else 1.0 end
                   as control,
               coalesce((coalesce(x.on_time, 0) + coalesce(x.cleared, 0))
                   / nullif(num_nonnulls(x.on_time, x.cleared), 0), 0)::float8 as daily
        from parts as x
    ),
    ranked as (
        select y.*, v.score,
               row_number() over (order by v.score desc, y.station_code) as rank,
               count(*) over () as ranked
        from scored as y
        cross join lateral (
            select round((100 * (p_base * y.base + p_control * y.control + p_daily * y.daily)
                   / coalesce(nullif(p_base + p_control + p_daily, 0), 1))::numeric, 1)::float8 as score
        ) as v
    )
    -- cut to the scope after ranking: rank and count are over every station
    select z.station_code, z.name, z.three_codes, z.registration, z.smart, z.week, z.prev, z.on_time,
           z.cleared, z.base, z.control, z.daily, z.score, z.rank, z.ranked
    from ranked as z
    where (select ops.scope_all_stations()) or z.station_code = any ((select ops.scope_stations())::text[])
    order by z.rank;
end
$$;
comment on function ops.station_scores(timestamptz, timestamptz, timestamptz,
                                       double precision, double precision, double precision) is
    'The assessment (parts, score, rank among all and of how many) of the stations the signed scope may see, each counted over the whole station.';

-- the week before runs from p_p0 for as long as the week (the same days when the week is partial)
create or replace function ops.grid_ranking(
    p_w0 timestamptz, p_w1 timestamptz, p_p0 timestamptz, p_station text
)
returns table (grid_code text, name text, station_code text, incidents_week bigint, incidents_prev bigint,
               rank bigint)
language plpgsql stable security definer
set search_path = pg_catalog, public
as $$
#variable_conflict use_column
declare
    v_p1 constant timestamptz := p_p0 + (p_w1 - p_w0);
begin
    perform ops.period_end(p_w0, p_w1);
    if v_p1 > p_w0 then
        raise exception 'the week before ends after the week begins' using errcode = 'invalid_parameter_value';
    end if;
    perform ops.period_end(p_p0, p_w0);
    return query
    with counted as (
        -- the grid's name as serve.grids says it: with its village (第1网格 is in every village)
        select g.grid_code, serve.grid_name(v.name, g.name) as name, g.station_code,
               count(*) filter (where i.reported_at >= p_w0 and i.reported_at < p_w1) as week,
               count(*) filter (where i.reported_at >= p_p0 and i.reported_at < v_p1) as prev
        from core.grids as g
        left join core.villages as v on v.village_code = g.village_code
        join core.incidents as i on i.grid_code = g.grid_code
        where (p_station is null or g.station_code = p_station)
          and ((i.reported_at >= p_p0 and i.reported_at < v_p1) or (i.reported_at >= p_w0 and i.reported_at < p_w1))
        group by g.grid_code, v.name, g.name, g.station_code
    ),
    ranked as (
        select c.*, row_number() over (order by c.week desc, c.grid_code) as rank
        from counted as c
    )
    select r.grid_code, r.name, r.station_code, r.week, r.prev, r.rank
    from ranked as r
    -- the grids the scope sees, as core.grids' policy has it: a grid of one of its stations or
    -- overlapping one of their police zones, and for a grid worker one of their grids
    where ((select ops.scope_all_stations())
           or r.station_code = any ((select ops.scope_stations())::text[])
           or exists (select 1
                      from core.zone_grids as zg
                      join core.police_zones as z on z.zone_code = zg.zone_code
                      where zg.grid_code = r.grid_code
                        and z.station_code = any ((select ops.scope_stations())::text[])))
      and ((select ops.scope_all_grids()) or r.grid_code = any ((select ops.scope_grids())::text[]))
    order by r.rank;
end
$$;
comment on function ops.grid_ranking(timestamptz, timestamptz, timestamptz, text) is
    'Grids by incidents in a week (with the week before), each counted over the whole grid and ranked among all; only the grids the signed scope may see.';
revoke execute on function ops.station_scores(timestamptz, timestamptz, timestamptz,
                                              double precision, double precision, double precision),
    ops.grid_ranking(timestamptz, timestamptz, timestamptz, text),
    ops.station_score_parts_live(timestamptz, timestamptz, timestamptz),
    ops.store_station_scores(timestamptz, timestamptz, timestamptz),
    ops.refresh_station_scores(integer), ops.refresh_building_counts() from public;
