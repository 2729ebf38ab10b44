-- The map's place search (46_serve_search.sql): stations, police zones, grids, communities,
-- workstations, smart communities, buildings and standard addresses by name or address
-- (serve.search_places), or by code (serve.search_codes); here, its candidates by their plain texts. A name or address may name a person (a compound, a grid after its
-- worker, a doorplate after its householder): it is searched and shown masked as serve.mask_text
-- masks it, so typing a hidden name finds nothing and the search does not confirm it. The plain
-- texts are read here only, as the owner: the application role calls these functions and gets
-- masked labels, codes and shapes back, never a plain text (grants.sql; revision 0026 took the
-- plain column off serve.search_index), and cannot call serve.search_narrow. The signed scope is applied as the row-level security
-- policies apply it (30_ops_protect.sql), table by table, and by station to every kind as the
-- dashboard's own filter did: a chief finds only places of their station.
--
-- Re-applied after every migration (etl/migrate.py): functions/, then views/, each in file-name
-- order, then grants.sql. The one home of these definitions: change them here, never in a revision.
-- `create or replace` changes bodies and comments and appends view columns at the end; to drop,
-- rename, reorder or retype a view's column, change a function's arguments or return type, or
-- remove an object, add a revision that drops it (and what depends on it); this file then makes it
-- anew. Revisions run first, so none relies on these being current; a file uses tables and what
-- earlier files define.

-- A text's pairs of neighbouring characters (with repeats): what the search ranks by. Indexed
-- (GIN, below) on the standard addresses and the buildings' names, so the search reads only the
-- places holding one of a few of the query's pairs. The indexes depend on this body: changing it
-- needs a revision that drops them (they are made again below).
create or replace function serve.text_pairs(v text) returns text[]
language sql immutable parallel safe strict
return array(select substr(v, i, 2) from generate_series(1, char_length(v) - 1) as i);
comment on function serve.text_pairs(text) is
    'A text''s pairs of neighbouring characters, in order, with repeats: 白湖2路 → {白湖,湖2,2路}.';

-- made here, after the function they index; the first time only (a first load drops and makes them
-- again with the table's other secondary indexes, etl/bulk.py), with the statistics the search
-- reads each pair's frequency from
do $$
begin
    if to_regclass('core.standard_addresses_pairs_gin') is null then
        create index standard_addresses_pairs_gin on core.standard_addresses using gin (serve.text_pairs(full_address));
        analyze core.standard_addresses;
    end if;
    if to_regclass('core.buildings_pairs_gin') is null then
        create index buildings_pairs_gin on core.buildings using gin (serve.text_pairs(coalesce(name, building_code)));
        analyze core.buildings;
    end if;
end
$$;

-- The places in the given scope holding at least one of `p_some` of the query's pairs `p_pairs`,
-- with their plain text and how many of the pairs it holds (plus 50 when it is the query), those
-- holding `p_least` pairs or more, best first (more pairs, shorter text, code), at most `p_n`.
-- The big tables' places must also hold one of `p_also` and one of `p_and` when given (one index
-- scan finds those holding one of each), and be no longer than `p_longest` when given.
-- `p_scan`: the query is one character, in no pair of the index: the big tables are read whole.
-- A building is searched by its address when the scope shows that address (as the policies would
-- show the row), else by its own name. Called by serve.search_places only.
create or replace function serve.search_narrow(
    p_query text, p_pairs text[], p_some text[], p_also text[], p_and text[], p_longest integer,
    p_least integer, p_n integer, p_scan boolean,
    p_all boolean, p_stations text[], p_all_grids boolean, p_grids text[]
) returns table (kind text, code text, plain text, plain_hits integer, geom geometry)
-- plpgsql with a plan made for each call's values (a branch another call needs is left out, a
-- scope of the whole area is no filter): as SQL its one generic plan read every address (250 ms)
language plpgsql stable
set search_path = pg_catalog, public
set plan_cache_mode = force_custom_plan
as $$
#variable_conflict use_column
begin
    return query
    -- the addresses the scope shows holding one of the pairs (their buildings are shown by them)
    -- with their count of pairs, those holding enough only (their buildings share it)
    with addresses as (
        select a.address_code, a.full_address, a.geom, a.plain_hits
        from (select a.address_code, a.full_address, a.geom,
                     (a.full_address = p_query)::int * 50
                     + (select count(*) from unnest(p_pairs) as x where strpos(a.full_address, x) > 0)::int as plain_hits
              from core.standard_addresses as a
              where not p_scan and serve.text_pairs(a.full_address) && p_some
                and (p_also is null or serve.text_pairs(a.full_address) && p_also)
                and (p_and is null or serve.text_pairs(a.full_address) && p_and)
                and (p_longest is null or char_length(a.full_address) <= p_longest)
                and (p_all or a.station_code = any (p_stations)) and (p_all_grids or a.grid_code = any (p_grids))
              union all
              select a.address_code, a.full_address, a.geom,
                     (a.full_address = p_query)::int * 50 + (strpos(a.full_address, p_some[1]) > 0)::int
              from core.standard_addresses as a
              where p_scan and strpos(a.full_address, p_some[1]) > 0
                and (p_all or a.station_code = any (p_stations)) and (p_all_grids or a.grid_code = any (p_grids))
             ) as a
        where a.plain_hits >= p_least
    ),
    -- the buildings whose address the scope does not show, by their names (the whole area sees
    -- every address: a building's exists, its foreign key says, and a full address is never null);
    -- those holding enough pairs first, then whether the scope shows their address
    unaddressed as materialized (
        select b.building_code, b.plain, b.geom, b.address_code, b.plain_hits
        from (select b.building_code, b.plain, b.geom, b.address_code,
                     (b.plain = p_query)::int * 50
                     + (select count(*) from unnest(p_pairs) as x where strpos(b.plain, x) > 0)::int as plain_hits
              from (select b.building_code, coalesce(b.name, b.building_code) as plain, b.geom, b.address_code
                    from core.buildings as b
                    where not p_scan and not (p_all and p_all_grids)
                      and serve.text_pairs(coalesce(b.name, b.building_code)) && p_some
                      and (p_also is null or serve.text_pairs(coalesce(b.name, b.building_code)) && p_also)
                      and (p_and is null or serve.text_pairs(coalesce(b.name, b.building_code)) && p_and)
                      and (p_longest is null or char_length(coalesce(b.name, b.building_code)) <= p_longest)
                      and (p_all or b.station_code = any (p_stations))
                      and (p_all_grids or b.grid_code = any (p_grids))
                    union all
                    select b.building_code, coalesce(b.name, b.building_code), b.geom, b.address_code
                    from core.buildings as b
                    where p_scan and not (p_all and p_all_grids)
                      and strpos(coalesce(b.name, b.building_code), p_some[1]) > 0
                      and (p_all or b.station_code = any (p_stations))
                      and (p_all_grids or b.grid_code = any (p_grids))) as b
             ) as b
        where b.plain_hits >= p_least
    )
    select c.kind, c.code, c.plain, c.plain_hits, c.geom
    from (
        select p.kind, p.code, p.plain, p.geom,
               (p.plain = p_query)::int * 50
               + (select count(*) from unnest(p_pairs) as x where strpos(p.plain, x) > 0)::int as plain_hits
        from (
            select 'station' as kind, s.station_code as code, s.name as plain, s.geom
            from core.police_stations as s
            where (p_all or s.station_code = any (p_stations))
              and exists (select 1 from unnest(p_some) as x where strpos(s.name, x) > 0)
            union all
            select 'zone', z.zone_code, z.name, z.geom
            from core.police_zones as z
            where (p_all or z.station_code = any (p_stations))
              and exists (select 1 from unnest(p_some) as x where strpos(z.name, x) > 0)
            union all
            select 'grid', g.grid_code, g.plain, g.geom
            from (select g.grid_code, g.geom,
                         case when v.name is null or v.name = '' or g.name like v.name || '%' then g.name
                              else v.name || '·' || g.name end as plain
                  from core.grids as g left join core.villages as v using (village_code)
                  where (p_all or g.station_code = any (p_stations))
                    and (p_all_grids or g.grid_code = any (p_grids))) as g
            where exists (select 1 from unnest(p_some) as x where strpos(g.plain, x) > 0)
            union all
            select 'community', m.community_code, m.name, m.geom
            from core.communities as m
            where (p_all or m.station_code = any (p_stations)) and (p_all_grids or m.grid_code = any (p_grids))
              and exists (select 1 from unnest(p_some) as x where strpos(m.name, x) > 0)
            union all
            select 'workstation', w.workstation_code, w.name, w.geom
            from core.workstations as w
            where (p_all or w.station_code = any (p_stations)) and (p_all_grids or w.grid_code = any (p_grids))
              and exists (select 1 from unnest(p_some) as x where strpos(w.name, x) > 0)
            union all
            select 'smart_community', m.smart_code, m.name, m.geom
            from core.smart_communities as m
            where (p_all or m.station_code = any (p_stations)) and (p_all_grids or m.grid_code = any (p_grids))
              and exists (select 1 from unnest(p_some) as x where strpos(m.name, x) > 0)
        ) as p
        union all
        select 'address', a.address_code, a.full_address, a.geom, a.plain_hits
        from addresses as a
        union all
        select 'building', b.building_code, a.full_address, b.geom, a.plain_hits
        from addresses as a
        join core.buildings as b on b.address_code = a.address_code
        where (p_all or b.station_code = any (p_stations)) and (p_all_grids or b.grid_code = any (p_grids))
        union all
        select 'building', u.building_code, u.plain, u.geom, u.plain_hits
        from unaddressed as u
        where not exists (
            select 1 from core.standard_addresses as a
            where a.address_code = u.address_code
              and (p_all or a.station_code = any (p_stations)) and (p_all_grids or a.grid_code = any (p_grids)))
    ) as c
    where c.plain_hits >= p_least
    order by c.plain_hits desc, char_length(c.plain), c.code
    limit p_n;
end
$$;
comment on function serve.search_narrow(text, text[], text[], text[], text[], integer, integer, integer, boolean, boolean, text[], boolean, text[]) is
    'The place search''s candidates in a scope by their plain text: those holding one of some pairs and at least so many, best first. For serve.search_places only.';
revoke all on function serve.search_narrow(text, text[], text[], text[], text[], integer, integer, integer, boolean, boolean, text[], boolean, text[]) from public;

