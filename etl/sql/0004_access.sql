-- Access control: users and sessions, the signed viewer scope, row-level security on every table
-- with station-attributed or personal data, and the append-only audit trail.
--
-- The scope. The dashboard signs the viewer's scope with a key only it and the owner know
-- (HMAC-SHA256; the key lives in ops.scope_key, which the application role cannot read) and sets
-- it per transaction:  select set_config('onemap.scope', '<payload>~<hex signature>', true).
-- Payload: '<expires, unix seconds>|<stations, comma-separated, or *>|<grids, or *>|<role>'.
-- A missing, expired, edited or forged setting is no scope at all: the policies return nothing.
-- The owner loads and migrates; it has BYPASSRLS (checked below), so the policies bind everyone
-- else, the application role above all.

do $$
begin
    if not exists (select 1 from pg_roles where rolname = current_user and (rolsuper or rolbypassrls)) then
        raise exception 'the owner role % needs BYPASSRLS to load tables under row-level security: '
            'as a superuser run  alter role % bypassrls', current_user, current_user;
    end if;
end
$$;

create extension if not exists pgcrypto;  -- hmac(); a trusted extension the database owner may create

-- ------------------------------------------------------------------ the scope key and functions
create table ops.scope_key (
    id boolean primary key default true check (id),
    key bytea not null check (length(key) >= 32),
    set_at timestamptz not null default now()
);
comment on table ops.scope_key is
    'One row per deployment: the key that signs viewer scopes (derived from the app''s secret key); the owner''s only.';

create function ops.scope_payload() returns text
-- plpgsql, not sql: its plan is cached for the session, and each scope check in a query (an
-- InitPlan, re-run whenever a correlated subquery is) costs microseconds
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

create function ops.scope_all_stations() returns boolean
language sql stable
as $$ select coalesce(split_part(ops.scope_payload(), '|', 2) = '*', false) $$;

create function ops.scope_stations() returns text[]
language sql stable
as $$ select coalesce(string_to_array(nullif(split_part(ops.scope_payload(), '|', 2), ''), ','), '{}') $$;

create function ops.scope_all_grids() returns boolean
language sql stable
as $$ select coalesce(split_part(ops.scope_payload(), '|', 3) = '*', false) $$;

create function ops.scope_grids() returns text[]
language sql stable
as $$ select coalesce(string_to_array(nullif(split_part(ops.scope_payload(), '|', 3), ''), ','), '{}') $$;

create function ops.scope_role() returns text
language sql stable
as $$ select nullif(split_part(ops.scope_payload(), '|', 4), '') $$;

-- ------------------------------------------------------------------ row-level security
-- One policy per table, for every command, with the same USING and WITH CHECK. Each scope call is
-- wrapped in (select …) so it runs once per statement (an InitPlan), not once per row.
create function ops.protect(tbl regclass) returns void
language plpgsql
as $$
declare
    has_station boolean;
    has_grid boolean;
    cond text;
    station_cond text := '((select ops.scope_all_stations()) or station_code = any ((select ops.scope_stations())::text[]))';
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
    -- staging and quarantine tables get no policy at all: nobody but the owner reads them
end
$$;
comment on function ops.protect(regclass) is
    'Enable and force row-level security on a table, with the scope policy its columns call for.';

do $$
declare
    t regclass;
begin
    -- every core table with a station or grid code or personal data, and every staging table
    for t in
        select c.oid::regclass
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p')
          and (n.nspname = 'staging' or (n.nspname = 'core' and exists (
                  select 1 from pg_attribute a
                  where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                    and a.attname in ('station_code', 'grid_code', 'id_number', 'phone', 'landlord_phone'))))
        order by 1
    loop
        perform ops.protect(t);
    end loop;
    perform ops.protect('ops.quarantine');  -- raw rejected rows: may hold anything personal
end
$$;
revoke execute on function ops.protect(regclass) from public;

-- new monthly partitions of gate events are protected like their parent
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

-- ------------------------------------------------------------------ users and sessions
create table ops.users (
    username text primary key check (username ~ '^[a-z0-9_.-]{2,40}$'),
    display_name text not null default '',
    role text not null check (role in ('leadership', 'station_chief', 'grid_worker')),
    stations text[] not null default '{}',
    grids text[] not null default '{}',
    password_hash text not null,
    disabled boolean not null default false,
    failed_logins integer not null default 0,
    locked_until timestamptz,
    last_login_at timestamptz,
    created_at timestamptz not null default now(),
    password_changed_at timestamptz not null default now(),
    check (role <> 'station_chief' or cardinality(stations) > 0),
    check (role <> 'grid_worker' or cardinality(grids) > 0)
);
comment on table ops.users is
    'One row per dashboard user: role, the stations or grids they may see, argon2 password hash, lockout state.';

create table ops.sessions (
    token_sha256 text primary key,
    username text not null references ops.users on delete cascade,
    mac text not null,
    created_at timestamptz not null default now(),
    last_seen timestamptz not null default now(),
    ended_at timestamptz,
    client text
);
comment on table ops.sessions is
    'One row per login session (the browser holds only a random token; its hash and a MAC are kept here).';
create index on ops.sessions (username);

-- ------------------------------------------------------------------ the audit trail
create table ops.audit (
    audit_id bigint generated always as identity primary key,
    at timestamptz not null default now(),
    username text not null,
    role text,
    action text not null,
    params jsonb not null default '{}',
    row_count bigint,
    result text not null,
    client text
);
comment on table ops.audit is
    'One row per audited act: logins, failed logins, person-level views, searches, exports, user changes. '
    'Rows are kept at least 180 days.';
create index on ops.audit (at);
create index on ops.audit (username, at);

create function ops.audit_guard() returns trigger
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
create trigger audit_append_only before update or delete on ops.audit
    for each row execute function ops.audit_guard();
create trigger audit_no_truncate before truncate on ops.audit
    for each statement execute function ops.audit_guard();

alter table ops.audit enable row level security;
alter table ops.audit force row level security;
create policy audit_write on ops.audit for insert to public
    with check (at > now() - interval '1 minute' and at <= now() + interval '1 minute');
create policy audit_read on ops.audit for select to public
    using ((select ops.scope_role()) = 'leadership');

create view serve.audit with (security_invoker = true) as
select audit_id, at, username, role, action, params, row_count, result, client from ops.audit;
comment on view serve.audit is 'One row per audited act, for the leadership''s audit page (rows visible to leadership only).';
