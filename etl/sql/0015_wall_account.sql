-- 0015 the wall account: a role that shows the wall (its aggregate figures) and nothing else.
-- A wall may be given stations (a station's own wall; none: the whole area), never grids.
alter table ops.users drop constraint users_role_check;
alter table ops.users add constraint users_role_check
    check (role in ('leadership', 'station_chief', 'grid_worker', 'wall'));
alter table ops.users add constraint users_wall_check check (role <> 'wall' or cardinality(grids) = 0);

-- Rows about a person (people, landlords, gate events, alerts on a person or unit) are read only by
-- the roles that work with people: a restrictive policy, so it narrows the scope policy and never
-- widens it. ops.protect (functions/30_ops_protect.sql) gives new gate-event partitions the same
-- policy, with the same condition. The counts the wall shows come from ops.people_counts.
do $$
declare
    t regclass;
    cond constant text := '((select ops.scope_role()) = any (array[''leadership'', ''station_chief'', ''grid_worker'']))';
begin
    for t in
        select c.oid::regclass from pg_class c
        where c.oid in ('core.persons'::regclass, 'core.rental_units'::regclass, 'core.access_events'::regclass,
                        'core.access_daily'::regclass, 'core.alerts'::regclass)
           or c.oid in (select inhrelid from pg_inherits where inhparent = 'core.access_events'::regclass)
        order by 1
    loop
        execute format('create policy people on %s as restrictive for all to public using %s with check %s',
                       t, cond, cond);
    end loop;
end
$$;
