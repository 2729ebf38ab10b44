-- An officer's verdict on an alert, and only this way: the application role cannot write
-- ops.alert_verdicts or ops.alert_verdict_log itself (grants.sql). Only a station chief or a grid
-- worker judges (the leadership reads); the alert must lie in the signed scope (as the policies on
-- core.alerts decide); who decided is taken from the scope, never from an argument; every attempt,
-- refused or not, is an ops.audit row. A verdict of false needs a note saying why.
--
-- Re-applied after every migration (etl/migrate.py): functions/, then views/, each in file-name
-- order, then grants.sql. The one home of these definitions: change them here, never in a revision.
-- `create or replace` changes bodies and comments and appends view columns at the end; to drop,
-- rename, reorder or retype a view's column, change a function's arguments or return type, or
-- remove an object, add a revision that drops it (and what depends on it); this file then makes it
-- anew. Revisions run first, so none relies on these being current; a file uses tables and what
-- earlier files define.

create or replace function ops.alert_same_evidence(p_kind text, p_now double precision, p_then double precision)
returns boolean
language sql immutable
as $$
    -- counted kinds (credentials, occupants): no more than when judged; silences: the same silence
    -- still running (it only grows until a new event or heartbeat ends it)
    select case when p_kind in ('group_rental', 'unregistered_occupants') then p_now <= p_then
                else p_now >= p_then or (p_now is null and p_then is null) end
$$;
comment on function ops.alert_same_evidence(text, double precision, double precision) is
    'Whether an alert''s figure now is the evidence a verdict was given on (then): the verdict still holds.';

create or replace function ops.alert_verdict(p_kind text, p_subject text, p_state text, p_note text)
returns text
language plpgsql volatile security definer
set search_path = pg_catalog, public
as $$
declare
    who text := ops.scope_user();
    a record;
    res text;
begin
    if who is null then
        raise exception 'no signed-in user in the scope' using errcode = 'insufficient_privilege';
    end if;
    if ops.scope_role() is distinct from 'station_chief' and ops.scope_role() is distinct from 'grid_worker' then
        res := 'refused_role';
    end if;
    -- the owner bypasses row-level security: the signed scope is applied here, as the policies do
    select al.reason, al.metric into a
    from core.alerts al
    where al.alert_kind = p_kind and al.subject_code = p_subject
      and (ops.scope_all_stations() or al.station_code = any (ops.scope_stations()))
      and (ops.scope_all_grids() or al.grid_code = any (ops.scope_grids()));
    if res is not null then
        null;  -- refused whatever the alert
    elsif not found then
        res := 'not_found';
    elsif p_state is null or p_state not in ('checking', 'confirmed', 'false', 'resolved') then
        res := 'refused_state';
    elsif p_state = 'false' and char_length(btrim(coalesce(p_note, ''))) < 4 then
        res := 'refused_reason';
    else
        insert into ops.alert_verdicts as v (alert_kind, subject_code, state, note, metric, reason, decided_by)
        values (p_kind, p_subject, p_state, left(coalesce(p_note, ''), 500), a.metric, a.reason, who)
        on conflict (alert_kind, subject_code) do update
            set state = excluded.state, note = excluded.note, metric = excluded.metric,
                reason = excluded.reason, decided_by = excluded.decided_by, decided_at = now();
        insert into ops.alert_verdict_log (alert_kind, subject_code, state, note, metric, decided_by)
        values (p_kind, p_subject, p_state, left(coalesce(p_note, ''), 500), a.metric, who);
        res := 'ok';
    end if;
    insert into ops.audit (username, role, action, params, row_count, result, client)
    values (who, ops.scope_role(), 'alert_verdict',
            jsonb_build_object('kind', left(p_kind, 40), 'subject', left(p_subject, 40),
                               'state', left(p_state, 20), 'note', left(coalesce(p_note, ''), 200)),
            case when res = 'ok' then 1 else 0 end, res, ops.scope_client());
    return res;
end
$$;
comment on function ops.alert_verdict(text, text, text, text) is
    'Record an officer''s verdict on an alert in the signed scope (audited); returns ok or why not.';
