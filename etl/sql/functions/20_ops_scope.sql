-- The signed viewer scope, read by the row-level security policies (30_ops_protect.sql).
--
-- The dashboard signs the viewer's scope with a key only it and the owner know
-- (HMAC-SHA256; the key lives in ops.scope_key, which the application role cannot read) and sets
-- it per transaction:  select set_config('onemap.scope', '<payload>~<hex signature>', true).
-- Payload: '<expires, unix seconds>|<stations, comma-separated, or *>|<grids, or *>|<role>|<username>|<client>'.
-- The username and client address are those of the signed-in session: the audit functions
-- (60_ops_guard.sql) take who acted from here, never from their arguments.
-- A missing, expired, edited or forged setting is no scope at all: the policies return nothing.
-- The owner loads and migrates; it has BYPASSRLS (revision 0004 checks it), so the policies bind
-- everyone else, the application role above all.
--
-- Re-applied after every migration (etl/migrate.py): functions/, then views/, each in file-name
-- order, then grants.sql. The one home of these definitions: change them here, never in a revision.
-- `create or replace` changes bodies and comments and appends view columns at the end; to drop,
-- rename, reorder or retype a view's column, change a function's arguments or return type, or
-- remove an object, add a revision that drops it (and what depends on it); this file then makes it
-- anew. Revisions run first, so none relies on these being current; a file uses tables and what
-- earlier files define.

-- plpgsql, not sql: its plan is cached for the session, and each scope check in a query (an
-- InitPlan, re-run whenever a correlated subquery is) costs microseconds
create or replace function ops.scope_payload() returns text
language plpgsql stable security definer
set search_path = pg_catalog, public
as $$
declare
    t text := coalesce(current_setting('onemap.scope', true), '');
    payload text := split_part(t, '~', 1);
    k bytea;
begin
    select key into k from ops.scope_key;
    if k is null or encode(hmac(convert_to(payload, 'UTF8'), k, 'sha256'), 'hex') <> split_part(t, '~', 2) then
        return null;
    end if;
    -- only a signed payload is parsed, so its first field is a number
    if payload !~ '^[0-9]{1,12}[|]' or split_part(payload, '|', 1)::bigint < extract(epoch from now()) then
        return null;
    end if;
    return payload;
end
$$;
comment on function ops.scope_payload() is
    'The viewer scope set for this transaction if its signature holds and it has not expired, else null.';

create or replace function ops.scope_all_stations() returns boolean
language sql stable
as $$ select coalesce(split_part(ops.scope_payload(), '|', 2) = '*', false) $$;

create or replace function ops.scope_stations() returns text[]
language sql stable
as $$ select coalesce(string_to_array(nullif(split_part(ops.scope_payload(), '|', 2), ''), ','), '{}') $$;

create or replace function ops.scope_all_grids() returns boolean
language sql stable
as $$ select coalesce(split_part(ops.scope_payload(), '|', 3) = '*', false) $$;

create or replace function ops.scope_grids() returns text[]
language sql stable
as $$ select coalesce(string_to_array(nullif(split_part(ops.scope_payload(), '|', 3), ''), ','), '{}') $$;

create or replace function ops.scope_role() returns text
language sql stable
as $$ select nullif(split_part(ops.scope_payload(), '|', 4), '') $$;

create or replace function ops.scope_user() returns text
language sql stable
as $$ select nullif(split_part(ops.scope_payload(), '|', 5), '') $$;
comment on function ops.scope_user() is 'The signed-in user the signed scope was made for, or null.';

create or replace function ops.scope_client() returns text
language sql stable
as $$ select nullif(split_part(ops.scope_payload(), '|', 6), '') $$;
comment on function ops.scope_client() is 'The client address of the signed-in session, or null.';
