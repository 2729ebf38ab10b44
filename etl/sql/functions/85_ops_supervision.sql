-- 督办 (supervision) of a carded item, and only this way: the application role cannot write
-- ops.supervisions or ops.supervision_log itself (grants.sql). The roles of ops.supervision_roles
-- open and close; a station chief only inside the signed scope (the policies on core.grid_events
-- decide what is in it), a town leader (镇街领导) only on items whose grid lies in one of the towns
-- ops.users names for them (and inside the signed scope too); a village officer (村社区干部), a
-- grid worker and the wall read only: a village answers to its town, which supervises. Who acts is
-- taken from the scope, never from an argument; every attempt, refused or not, is an ops.audit row. Only an item open now with a yellow or red card may be
-- supervised, once at a time; the load closes a supervision when its item comes closed.
--
-- Re-applied after every migration (etl/migrate.py): functions/, then views/, each in file-name
-- order, then grants.sql. The one home of these definitions: change them here, never in a revision.
-- `create or replace` changes bodies and comments and appends view columns at the end; to drop,
-- rename, reorder or retype a view's column, change a function's arguments or return type, or
-- remove an object, add a revision that drops it (and what depends on it); this file then makes it
-- anew. Revisions run first, so none relies on these being current; a file uses tables and what
-- earlier files define.

create or replace function ops.supervision_roles() returns text[]
language sql immutable
as $$ select array['leadership', 'station_chief', 'town_leader'] $$;
comment on function ops.supervision_roles() is
    'The roles that may open and close a supervision (督办), each within its signed scope.';

-- the grid event in the signed scope, open now, with the card it has now (null: none yet); the
-- owner bypasses row-level security, so the scope is applied here as the policies do, and for a
-- town leader also by the towns their account names (the signed grids follow those towns; this
-- holds even when a delivery has moved a grid and the scopes are not yet refreshed)
create or replace function ops.supervision_item(p_kind text, p_item text)
returns table (event_no text, is_open boolean, card text)
language sql stable security definer
set search_path = pg_catalog, public
as $$
    select e.event_no, e.closed_at is null,
           case when now() - e.registered_at > make_interval(hours => red.hours) then 'red'
                when now() - e.registered_at > make_interval(hours => yellow.hours) then 'yellow' end
    from core.grid_events e
    cross join (select hours from core.deadline_rules where rule = 'yellow_card') yellow
    cross join (select hours from core.deadline_rules where rule = 'red_card') red
    where p_kind = 'grid_event' and e.event_no = p_item
      and (ops.scope_all_stations() or e.station_code = any (ops.scope_stations()))
      and (ops.scope_all_grids() or e.grid_code = any (ops.scope_grids()))
      and (coalesce(ops.scope_role(), '') <> 'town_leader'
           or exists (select 1 from core.grids g
                      join ops.users u on u.username = ops.scope_user()
                      where g.grid_code = e.grid_code and g.town_code = any (u.towns)))
$$;
comment on function ops.supervision_item(text, text) is
    'A carded item as the signed scope sees it: whether it is open now and its card now (none outside the scope).';

create or replace function ops.supervise(p_kind text, p_item text, p_note text, p_unit text, p_deadline date)
returns text
language plpgsql volatile security definer
set search_path = pg_catalog, public
as $$
declare
    who text := ops.scope_user();
    it record;
    today date := (now() at time zone 'Asia/Shanghai')::date;
    res text;
    new_id bigint;
begin
    if who is null then
        raise exception 'no signed-in user in the scope' using errcode = 'insufficient_privilege';
    end if;
    select * into it from ops.supervision_item(p_kind, p_item);
    if not coalesce(ops.scope_role() = any (ops.supervision_roles()), false) then
        res := 'refused_role';
    elsif it.event_no is null then
        res := 'not_found';
    elsif not it.is_open or it.card is null then
        res := 'not_carded';
    elsif exists (select 1 from ops.supervisions s
                  where s.item_kind = p_kind and s.item_no = p_item and s.state = 'open') then
        res := 'already_open';
    elsif char_length(btrim(coalesce(p_note, ''))) < 4 then
        res := 'refused_reason';
    elsif char_length(btrim(coalesce(p_unit, ''))) < 2 then
        res := 'refused_unit';
    elsif p_deadline is null or p_deadline < today or p_deadline > today + 90 then
        res := 'refused_deadline';
    else
        insert into ops.supervisions (item_kind, item_no, card, note, unit, deadline, opened_by)
        values (p_kind, p_item, it.card, left(btrim(p_note), 500), left(btrim(p_unit), 100), p_deadline, who)
        returning supervision_id into new_id;
        insert into ops.supervision_log (supervision_id, action, detail, done_by)
        values (new_id, 'open', left(btrim(p_note), 500), who);
        res := 'ok';
    end if;
    insert into ops.audit (username, role, action, params, row_count, result, client)
    values (who, ops.scope_role(), 'supervise_open',
            jsonb_build_object('item', left(p_item, 40), 'unit', left(coalesce(p_unit, ''), 100),
                               'deadline', p_deadline, 'note', left(coalesce(p_note, ''), 200)),
            case when res = 'ok' then 1 else 0 end, res, ops.scope_client());
    return res;
end
$$;
comment on function ops.supervise(text, text, text, text, date) is
    'Open a supervision (督办) of a carded item in the signed scope (audited); returns ok or why not.';

create or replace function ops.supervise_close(p_kind text, p_item text, p_result text)
returns text
language plpgsql volatile security definer
set search_path = pg_catalog, public
as $$
declare
    who text := ops.scope_user();
    it record;
    sid bigint;
    res text;
begin
    if who is null then
        raise exception 'no signed-in user in the scope' using errcode = 'insufficient_privilege';
    end if;
    select * into it from ops.supervision_item(p_kind, p_item);
    select s.supervision_id into sid from ops.supervisions s
    where s.item_kind = p_kind and s.item_no = p_item and s.state = 'open';
    if not coalesce(ops.scope_role() = any (ops.supervision_roles()), false) then
        res := 'refused_role';
    elsif it.event_no is null or sid is null then
        res := 'not_found';
    elsif char_length(btrim(coalesce(p_result, ''))) < 4 then
        res := 'refused_reason';
    else
        update ops.supervisions
        set state = 'closed', closed_by = who, closed_at = now(), closed_reason = 'by_hand',
            result = left(btrim(p_result), 500)
        where supervision_id = sid;
        insert into ops.supervision_log (supervision_id, action, detail, done_by)
        values (sid, 'close', left(btrim(p_result), 500), who);
        res := 'ok';
    end if;
    insert into ops.audit (username, role, action, params, row_count, result, client)
    values (who, ops.scope_role(), 'supervise_close',
            jsonb_build_object('item', left(p_item, 40), 'result', left(coalesce(p_result, ''), 200)),
            case when res = 'ok' then 1 else 0 end, res, ops.scope_client());
    return res;
end
$$;
comment on function ops.supervise_close(text, text, text) is
    'Close an open supervision (督办) by hand with its result, in the signed scope (audited); returns ok or why not.';

-- run by the owner after a run's loads (etl/derive.py), never by the application role
create or replace function ops.supervisions_close_done(p_by text) returns integer
language plpgsql volatile
as $$
declare
    n integer;
begin
    with done as (
        update ops.supervisions s
        set state = 'closed', closed_by = p_by, closed_at = now(), closed_reason = 'item_closed'
        from core.grid_events e
        where s.state = 'open' and s.item_kind = 'grid_event' and e.event_no = s.item_no
          and e.closed_at is not null
        returning s.supervision_id, s.item_no, e.closed_at
    ), logged as (
        insert into ops.supervision_log (supervision_id, action, detail, done_by)
        select supervision_id, 'item_closed', to_char(closed_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), p_by
        from done
    )
    insert into ops.audit (username, role, action, params, row_count, result)
    select p_by, 'operator', 'supervise_item_closed', jsonb_build_object('item', item_no), 1, 'ok' from done;
    get diagnostics n = row_count;
    return n;
end
$$;
comment on function ops.supervisions_close_done(text) is
    'Close every open supervision whose item a delivery has closed (closed_reason item_closed, logged and audited); how many.';
