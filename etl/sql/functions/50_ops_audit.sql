-- The guard that keeps ops.audit append-only (its triggers are made by revision 0004).
--
-- Re-applied after every migration (etl/migrate.py): functions/, then views/, each in file-name
-- order, then grants.sql. The one home of these definitions: change them here, never in a revision.
-- `create or replace` changes bodies and comments and appends view columns at the end; to drop,
-- rename, reorder or retype a view's column, change a function's arguments or return type, or
-- remove an object, add a revision that drops it (and what depends on it); this file then makes it
-- anew. Revisions run first, so none relies on these being current; a file uses tables and what
-- earlier files define.

create or replace function ops.audit_guard() returns trigger
language plpgsql
as $$
begin
    if tg_op = 'DELETE' and old.at < now() - interval '180 days' then
        return old;  -- only rows past the retention period may go (onemap audit prune)
    end if;
    raise exception 'ops.audit is append-only (% refused)', tg_op
        using errcode = 'insufficient_privilege';
end
$$;
