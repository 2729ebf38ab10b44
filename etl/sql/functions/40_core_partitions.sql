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
