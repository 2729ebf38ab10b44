-- The monthly partitions of gate-access events, each protected like its parent (ops.protect).
--
-- Re-applied after every migration (etl/migrate.py): functions/, then views/, each in file-name
-- order, then grants.sql. The one home of these definitions: change them here, never in a revision.
-- `create or replace` changes bodies and comments and appends view columns at the end; to drop,
-- rename, reorder or retype a view's column, change a function's arguments or return type, or
-- remove an object, add a revision that drops it (and what depends on it); this file then makes it
-- anew. Revisions run first, so none relies on these being current; a file uses tables and what
-- earlier files define.

create or replace function core.ensure_access_event_partitions(first_day date, last_day date)
returns integer
language plpgsql
as $$
declare
    month date := date_trunc('month', first_day)::date;
    made integer := 0;
    part text;
begin
    while month <= last_day loop
        part := format('access_events_%s', to_char(month, 'YYYY_MM'));
        if to_regclass(format('core.%I', part)) is null then
            execute format(
                'create table core.%I partition of core.access_events for values from (%L) to (%L)',
                part, month, (month + interval '1 month')::date);
            execute format('comment on table core.%I is %L', part,
                'One row per gate-access event in ' || to_char(month, 'YYYY-MM') || '.');
            perform ops.protect(format('core.%I', part)::regclass);
            made := made + 1;
        end if;
        month := (month + interval '1 month')::date;
    end loop;
    return made;
end
$$;
comment on function core.ensure_access_event_partitions(date, date) is
    'Create the monthly partitions of core.access_events covering [first_day, last_day].';

-- A month no partition held when a load began is loaded apart, then attached: rows copied into a
-- table without indexes and its index built once, sorted, cost a third of rows inserted one by
-- one into a B-tree larger than the shared buffers (10.3 M events: 50 s + 48 s against 234 s).
create or replace function core.access_event_month(month date, out part text, out lo timestamptz,
                                                  out hi timestamptz)
language sql
stable
as $$
    select format('access_events_%s', to_char(month, 'YYYY_MM')),
           date_trunc('month', month)::date::timestamptz,
           (date_trunc('month', month) + interval '1 month')::date::timestamptz
$$;
comment on function core.access_event_month(date) is
    'The name of the partition of gate-access events holding a month, and its bounds (in the session''s time zone).';

create or replace function core.access_event_month_table(month date)
returns text
language plpgsql
as $$
declare
    part text;
    lo timestamptz;
    hi timestamptz;
begin
    select m.part, m.lo, m.hi into part, lo, hi from core.access_event_month(month) m;
    execute format(
        'create table core.%I (like core.access_events including defaults including constraints)', part);
    -- no policy yet: the table lives inside the load's transaction, seen by no one else until it
    -- is attached and protected. The bounds, checked as rows arrive, spare the attachment a scan
    execute format('alter table core.%I add constraint %I check (event_time >= %L and event_time < %L)',
        part, part || '_bounds', lo, hi);
    return part;
end
$$;
comment on function core.access_event_month_table(date) is
    'Create the table a month of gate-access events is loaded into before it becomes a partition.';
revoke execute on function core.access_event_month_table(date) from public;

create or replace function core.attach_access_event_month(month date)
returns void
language plpgsql
as $$
declare
    part text;
    lo timestamptz;
    hi timestamptz;
begin
    select m.part, m.lo, m.hi into part, lo, hi from core.access_event_month(month) m;
    -- attaching builds the partition's share of each index of core.access_events, sorted
    execute format('alter table core.access_events attach partition core.%I for values from (%L) to (%L)',
        part, lo, hi);
    execute format('alter table core.%I drop constraint %I', part, part || '_bounds');
    -- protected once a partition: its policies are those of a month of core.access_events
    perform ops.protect(format('core.%I', part)::regclass);
    execute format('comment on table core.%I is %L', part,
        'One row per gate-access event in ' || to_char(month, 'YYYY-MM') || '.');
end
$$;
comment on function core.attach_access_event_month(date) is
    'Attach a month of gate-access events loaded by core.access_event_month_table as its partition.';
revoke execute on function core.attach_access_event_month(date) from public;
