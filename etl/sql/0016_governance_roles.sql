-- 0016 the governance roles: a town leader (镇街领导) sees their towns, a village or community
-- officer (村社区干部) their villages. Both are given the towns or villages they answer for; their
-- signed scope is the grids of those (refreshed after every delivery of grids) and the police
-- stations whose zones those grids overlap, so the policies of every table apply to them as to a
-- grid worker. They work with residents, so they read the rows about people (masked) too.
alter table ops.users add column towns text[] not null default '{}';
alter table ops.users add column villages text[] not null default '{}';
alter table ops.users drop constraint users_role_check;
alter table ops.users add constraint users_role_check
    check (role in ('leadership', 'station_chief', 'grid_worker', 'wall', 'town_leader', 'village_officer'));
alter table ops.users add constraint users_town_leader_check
    check (role <> 'town_leader' or cardinality(towns) > 0);
alter table ops.users add constraint users_village_officer_check
    check (role <> 'village_officer' or cardinality(villages) > 0);
comment on column ops.users.towns is 'A town leader''s towns (镇街); their grids follow (ops.users.grids).';
comment on column ops.users.villages is 'A village officer''s villages (村社区); their grids follow.';

-- the restrictive policy `people` of 0015, with the governance roles among those that work with people
do $$
declare
    t regclass;
    cond constant text := '((select ops.scope_role()) = any (array[''leadership'', ''station_chief'', '
        '''grid_worker'', ''town_leader'', ''village_officer'']))';
begin
    for t in select polrelid::regclass from pg_policy where polname = 'people' order by 1 loop
        execute format('alter policy people on %s using %s with check %s', t, cond, cond);
    end loop;
end
$$;
