-- What the application role may do to users, sessions and the audit trail, and only this way:
-- security definer functions owned by the owner. The role reads no password hash, changes no lock
-- and writes no audit row itself (grants.sql); who acted is taken from the signed scope
-- (ops.scope_user, ops.scope_client) or from the session row, never from an argument.
--
-- Login: ops.login_settings gives the argon2 settings and salt of a name's hash (never the hash),
-- the dashboard hashes the typed password with them, ops.login_check compares. Unknown names get
-- settings with a salt derived from the name (stable) and go through the same steps, the same
-- failure counting and the same messages. Failures count per (name as typed, client address):
-- a stranger who types a name wrongly locks out only their own address.
--
-- Person search: ops.person_lookup finds people by exact full ID number, exact full mobile number
-- or exact full name, inside the signed scope, with a stated reason; every search, refused or
-- not, is audited with a keyed hash of the query (never the number) and the person keys found.
-- A search past 20 in an hour, or past 5 that found nobody in an hour or 10 in a day, is refused,
-- locks the user's searches for a day and writes an alert row (action person_search_locked) that
-- the leadership's audit page shows first. A refused query (a pattern, a part of a number)
-- counts as a search that found nobody.
--
-- Re-applied after every migration (etl/migrate.py): functions/, then views/, each in file-name
-- order, then grants.sql. The one home of these definitions: change them here, never in a revision.
-- `create or replace` changes bodies and comments and appends view columns at the end; to drop,
-- rename, reorder or retype a view's column, change a function's arguments or return type, or
-- remove an object, add a revision that drops it (and what depends on it); this file then makes it
-- anew. Revisions run first, so none relies on these being current; a file uses tables and what
-- earlier files define.

create or replace function ops.audit_write(p_action text, p_params jsonb, p_rows bigint, p_result text)
returns void
language plpgsql volatile security definer
set search_path = pg_catalog, public
as $$
begin
    if ops.scope_user() is null then
        raise exception 'no signed-in user in the scope: nothing is audited in another''s name'
            using errcode = 'insufficient_privilege';
    end if;
    insert into ops.audit (username, role, action, params, row_count, result, client)
    values (ops.scope_user(), ops.scope_role(), left(p_action, 40), coalesce(p_params, '{}'), p_rows,
            left(p_result, 40), ops.scope_client());
end
$$;
comment on function ops.audit_write(text, jsonb, bigint, text) is
    'Append an audit row for the user and client of the signed scope (the only way the app writes one).';

create or replace function ops.login_settings(p_username text, p_default text)
returns table (settings text, hash_len integer)
language plpgsql stable security definer
set search_path = pg_catalog, public
as $$
declare
    h text;
    k bytea;
begin
    if p_default !~ '^\$argon2id\$v=19\$m=[0-9]{1,8},t=[0-9]{1,3},p=[0-9]{1,3}$' then
        raise exception 'default argon2 settings malformed' using errcode = 'invalid_parameter_value';
    end if;
    select u.password_hash into h from ops.users u where u.username = left(p_username, 200);
    if h ~ '^\$argon2id\$v=[0-9]+\$[^$]+\$[^$]+\$[^$]+$' then
        return query select regexp_replace(h, '\$[^$]+$', ''),
                            (char_length(regexp_replace(h, '^.*\$', '')) * 3 / 4)::integer;
        return;
    end if;
    select s.key into k from ops.scope_key s;
    return query select p_default || '$' || rtrim(encode(substr(hmac(convert_to(
                            'login-salt|' || left(p_username, 200), 'UTF8'), k, 'sha256'), 1, 16), 'base64'), '='),
                        32;
end
$$;
comment on function ops.login_settings(text, text) is
    'The argon2 settings and salt of a name''s password hash, never the hash; made-up but stable ones for an unknown name.';

create or replace function ops.login_check(
    p_username text, p_candidate text, p_client text, p_max integer, p_minutes integer
)
returns table (result text, locked_until timestamptz, username text, display_name text, role text,
               stations text[], grids text[])
language plpgsql volatile security definer
set search_path = pg_catalog, public
as $$
declare
    n text := left(p_username, 200);
    c text := coalesce(left(nullif(p_client, ''), 100), '-');
    most integer := least(greatest(coalesce(p_max, 5), 1), 10);
    mins integer := least(greatest(coalesce(p_minutes, 15), 1), 1440);
    u ops.users;
    f ops.login_failures;
    res text;
begin
    select * into u from ops.users where ops.users.username = n;
    select * into f from ops.login_failures lf where lf.username = n and lf.client = c;
    if f.locked_until > now() then
        res := 'locked';
    elsif u.username is not null and p_candidate is not null and u.password_hash = p_candidate then
        res := case when u.disabled then 'disabled' else 'ok' end;
    end if;
    if res is null then
        -- a failure, counted alike for a real name and an unknown one; a lapsed lock starts anew
        insert into ops.login_failures as lf (username, client, failures) values (n, c, 1)
        on conflict on constraint login_failures_pkey do update
            set failures = case when lf.locked_until is not null then 1 else lf.failures + 1 end,
                locked_until = null, last_failed_at = now()
        returning lf.failures into f.failures;
        if f.failures >= most then
            update ops.login_failures lf set locked_until = now() + make_interval(mins => mins)
            where lf.username = n and lf.client = c
            returning lf.locked_until into f.locked_until;
            res := 'locked_now';
        else
            res := case when u.username is null then 'unknown_user' else 'wrong_password' end;
        end if;
    elsif res = 'ok' then
        delete from ops.login_failures lf where lf.username = n and lf.client = c;
        update ops.users set last_login_at = now() where ops.users.username = n;
    end if;
    insert into ops.audit (username, role, action, params, result, client)
    values (coalesce(u.username, '-'), u.role, 'login', jsonb_build_object('username', n), res, c);
    return query select res, f.locked_until,
                        case when res = 'ok' then u.username end, case when res = 'ok' then u.display_name end,
                        case when res = 'ok' then u.role end, case when res = 'ok' then u.stations end,
                        case when res = 'ok' then u.grids end;
end
$$;
comment on function ops.login_check(text, text, text, integer, integer) is
    'Check a login (the typed password hashed with ops.login_settings), count failures per (name, client), lock, audit.';

create or replace function ops.session_end(p_token_sha256 text, p_reason text, p_client text)
returns text
language plpgsql volatile security definer
set search_path = pg_catalog, public
as $$
declare
    who text;
begin
    if p_reason not in ('logout', 'idle_timeout', 'disabled', 'password_changed') then
        raise exception 'no such reason to end a session: %', p_reason using errcode = 'invalid_parameter_value';
    end if;
    update ops.sessions s set ended_at = now()
    where s.token_sha256 = p_token_sha256 and s.ended_at is null
    returning s.username into who;
    if who is not null then
        insert into ops.audit (username, role, action, params, result, client)
        select who, u.role, case when p_reason = 'logout' then 'logout' else 'session_end' end,
               case when p_reason = 'logout' then jsonb_build_object('username', who)
                    else jsonb_build_object('reason', p_reason) end,
               'ok', left(p_client, 100)
        from ops.users u where u.username = who;
    end if;
    return who;
end
$$;
comment on function ops.session_end(text, text, text) is
    'End a live session and audit it in the name of the session''s own user.';

create or replace function ops.person_lookup(p_kind text, p_q text, p_reason text)
returns table (result text, person_ids bigint[])
language plpgsql volatile security definer
set search_path = pg_catalog, public
as $$
declare
    searches_per_hour constant integer := 20;
    misses_per_hour constant integer := 5;
    misses_per_day constant integer := 10;  -- so that pacing under the hourly limit gains little
    lock_hours constant integer := 24;
    who text := ops.scope_user();
    k bytea;
    params jsonb;
    res text;
    searches integer;
    misses integer;
    misses_today integer;
    ids bigint[];
begin
    if who is null then
        raise exception 'no signed-in user in the scope' using errcode = 'insufficient_privilege';
    end if;
    select s.key into k from ops.scope_key s;
    -- the query is kept as a keyed hash: the same guess twice is seen, the number never
    params := jsonb_build_object(
        'by', left(p_kind, 20),
        'query_key', left(encode(hmac(convert_to(coalesce(p_kind, '') || '|' || coalesce(p_q, ''), 'UTF8'),
                                      k, 'sha256'), 'hex'), 16),
        'reason', left(coalesce(p_reason, ''), 200));
    select count(*) filter (where a.at > now() - interval '1 hour'),
           count(*) filter (where a.row_count = 0 and a.at > now() - interval '1 hour'),
           count(*) filter (where a.row_count = 0)
      into searches, misses, misses_today
    from ops.audit a
    where a.username = who and a.action = 'search_persons' and a.result in ('ok', 'refused_query')
      and a.at > now() - interval '1 day';
    if coalesce(ops.scope_role(), '') not in ('leadership', 'station_chief') then
        res := 'refused_role';
    elsif exists (select 1 from ops.audit a where a.username = who and a.action = 'person_search_locked'
                  and a.at > now() - make_interval(hours => lock_hours)) then
        res := 'locked';
    elsif searches >= searches_per_hour or misses >= misses_per_hour or misses_today >= misses_per_day then
        res := 'rate_limited';
        insert into ops.audit (username, role, action, params, row_count, result, client)
        values (who, ops.scope_role(), 'person_search_locked',
                jsonb_build_object('searches_last_hour', searches, 'misses_last_hour', misses,
                                   'misses_last_day', misses_today, 'locked_hours', lock_hours),
                null, 'alert', ops.scope_client());
    elsif char_length(btrim(coalesce(p_reason, ''))) < 4 then
        res := 'refused_reason';
    elsif not coalesce(
            (p_kind = 'id_number' and p_q ~ '^[0-9]{17}[0-9X]$')
            or (p_kind = 'phone' and p_q ~ '^1[3-9][0-9]{9}$')
            or (p_kind = 'name' and char_length(p_q) between 2 and 20 and p_q !~ '[0-9%_\\[:space:]]'),
            false) then
        res := 'refused_query';  -- counts as a search that found nobody
    else
        res := 'ok';
    end if;
    if res = 'ok' then
        -- the owner bypasses row-level security: the signed scope is applied here, as the policies do
        select coalesce(array_agg(x.person_id), '{}') into ids from (
            select c.person_id from core.persons c
            where case p_kind when 'id_number' then c.id_number = p_q
                              when 'phone' then c.phone = p_q
                              else c.name = p_q end
              and ((select ops.scope_all_stations()) or c.station_code = any ((select ops.scope_stations())::text[]))
              and ((select ops.scope_all_grids()) or c.grid_code = any ((select ops.scope_grids())::text[]))
            order by c.station_code, c.building_code, c.person_id
            limit 50) x;
        params := params || jsonb_build_object('persons', to_jsonb(ids));
    end if;
    insert into ops.audit (username, role, action, params, row_count, result, client)
    values (who, ops.scope_role(), 'search_persons', params,
            case when res in ('ok', 'refused_query') then coalesce(cardinality(ids), 0) end, res,
            ops.scope_client());
    return query select res, coalesce(ids, '{}'::bigint[]);
end
$$;
comment on function ops.person_lookup(text, text, text) is
    'Person keys matching an exact full ID number, mobile or name in the signed scope; limited, locked, audited.';

revoke execute on function ops.audit_write(text, jsonb, bigint, text), ops.login_settings(text, text),
    ops.login_check(text, text, text, integer, integer), ops.session_end(text, text, text),
    ops.person_lookup(text, text, text) from public;
