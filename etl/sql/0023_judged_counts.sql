-- 0023 judged counts: per area (a station, police zone, grid, town or village), how many verdicts
-- its alerts were given and how many changes its supervisions (督办) saw, and the instants its open
-- supervisions turn overdue. Kept by the triggers of functions/86_ops_judged_counts.sql in the
-- transaction of the verdict or step; the dashboard keys a cached page by the rows of the areas it
-- shows (ops.judged_stamps), so a verdict in one station ends that station's pages and the
-- area-wide ones, not every station's. Only the owner writes it; the application role reads it
-- through ops.judged_stamps alone.
create table ops.judged_counts (
    level text not null,
    code text not null,
    verdicts bigint not null default 0,
    steps bigint not null default 0,
    due timestamptz[] not null default '{}',
    primary key (level, code)
);
comment on table ops.judged_counts is
    'One row per area (level station, zone, grid, town or village; a station code of '''' for items without one) whose alerts or supervised items changed: verdicts given, supervision changes, and when each open supervision turns overdue (the end of its deadline''s day).';
revoke all on ops.judged_counts from public;

-- the supervisions open now, counted into the areas of their items (what the triggers keep after)
insert into ops.judged_counts (level, code, due)
select t.level, t.code, array_agg((s.deadline + 1)::timestamp at time zone 'Asia/Shanghai' order by s.deadline)
from ops.supervisions as s
join core.grid_events as e on s.item_kind = 'grid_event' and e.event_no = s.item_no
left join core.grids as g on g.grid_code = e.grid_code
cross join lateral (values ('station', coalesce(e.station_code, '')), ('zone', e.zone_code),
                           ('grid', e.grid_code), ('town', g.town_code), ('village', g.village_code)) as t(level, code)
where s.state = 'open' and t.code is not null
group by t.level, t.code;
