-- The map's place search, what the application role calls (its candidates by their plain texts:
-- 45_serve_search_narrow.sql, which says why the search reads them here only). Both functions
-- return masked labels, codes and shapes, of places of the signed scope only.
--
-- Re-applied after every migration (etl/migrate.py): functions/, then views/, each in file-name
-- order, then grants.sql. The one home of these definitions: change them here, never in a revision.
-- `create or replace` changes bodies and comments and appends view columns at the end; to drop,
-- rename, reorder or retype a view's column, change a function's arguments or return type, or
-- remove an object, add a revision that drops it (and what depends on it); this file then makes it
-- anew. Revisions run first, so none relies on these being current; a file uses tables and what
-- earlier files define.

-- Places of the signed scope by name or address, ranked on their labels as shown (masked): by how
-- many of the query's pairs of characters the label holds (plus 50 when it is the query), then the
-- shorter, then by code; a place holding fewer than half the pairs is no hit. At most p_limit.
--
-- Narrowed first on the plain text, a superset (masking only turns characters into *, and the
-- query holds none, so a pair found in the masked label is in the plain one). A place holding t of
-- the n pairs holds one of any n - t + 1 of them: the rarest n - t + 1 (by the address index's
-- statistics) find, through the indexes, every place holding t or more, and t falls from n (the
-- rarest 1, 2, 4 … pairs) until the pool (p_pool a hit asked for) is full or t is half of n. The pool's best are masked and
-- ranked on their masked labels alone, so a name masked away neither finds nor ranks its place.
-- A pool picked on the plain text holds the places whose hidden names were typed: the answer is
-- given only where no place outside the pool could outrank it (each has at most the plain rank of
-- the best one left out); otherwise the pool grows, up to p_pool_most a hit, and past that only
-- the hits outranking every place outside it are given.
create or replace function serve.search_places(p_query text, p_limit integer, p_pool integer, p_pool_most integer)
returns table (kind text, code text, label text, lon double precision, lat double precision,
               x0 double precision, y0 double precision, x1 double precision, y1 double precision, hits integer)
language plpgsql stable security definer
set search_path = pg_catalog, public
as $$
declare
    -- what the search reads of its text: a full standard address is about 25 characters; a longer
    -- text (a paste, a forged call) would only give more pairs to count in every candidate
    q constant text := left(replace(regexp_replace(coalesce(p_query, ''), '\s', '', 'g'), '*', ''), 40);
    lim constant integer := least(greatest(coalesce(p_limit, 10), 1), 50);
    pairs text[];
    n integer;
    at_least integer;
    all_stations constant boolean := ops.scope_all_stations();
    stations constant text[] := ops.scope_stations();
    all_grids constant boolean := ops.scope_all_grids();
    grids constant text[] := ops.scope_grids();
    pool integer := least(greatest(coalesce(p_pool, 5), 1), 40) * lim;
    pool_most constant integer := least(greatest(coalesce(p_pool_most, 40), 1), 40) * lim;
    freqs double precision[];
    rare integer;
    also text[];
    too text[];
    longest integer;
    narrowed jsonb;
    answer jsonb;
    beyond jsonb;
    sure jsonb;
begin
    if q = '' then
        return;
    end if;
    -- the distinct pairs, rarest first, with the share of addresses holding each (a pair the
    -- statistics do not list is rarer than those listed: 0)
    select array_agg(p.pair order by coalesce(f.freq, 0), p.pair), array_agg(coalesce(f.freq, 0) order by coalesce(f.freq, 0), p.pair)
    into pairs, freqs
    from (select distinct substr(q, i, 2) as pair from generate_series(1, greatest(char_length(q) - 1, 1)) as i) as p
    left join (
        select e.elem::text as elem, e.freq::double precision as freq
        from pg_stats as s,
             unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs[1:cardinality(s.most_common_elems::text::text[])]) as e(elem, freq)
        where s.schemaname = 'core' and s.tablename = 'standard_addresses_pairs_gin'
    ) as f on f.elem = p.pair;
    n := cardinality(pairs);
    at_least := greatest(1, ceil(n * 0.5)::integer);
    loop
        rare := 1;
        loop
            -- a place holding n - rare + 1 pairs or more holds one of any `rare` of them: of the
            -- rarest, and of the next, and of the next again (the next ones only where they narrow)
            also := case when n >= 2 * rare and (select sum(f) from unnest(freqs[rare + 1:2 * rare]) as f) < 0.5
                         then pairs[rare + 1:2 * rare] end;
            too := case when also is not null and n >= 3 * rare
                             and (select sum(f) from unnest(freqs[2 * rare + 1:3 * rare]) as f) < 0.5
                        then pairs[2 * rare + 1:3 * rare] end;
            -- every pair asked for, each held by most addresses (增城, 广州市): the index would give
            -- most addresses, all ranked alike, by length then code; the pool's shortest addresses
            -- holding them all bound the length of every place that can be in the pool (a place
            -- that is the query itself is as long as the query, and kept when this bound is shorter)
            longest := null;
            if rare = 1 and char_length(q) > 1
               and (select exp(sum(ln(greatest(f, 1e-9)))) from unnest(freqs) as f) > 0.02 then
                select max(x.l) into longest
                from (select char_length(a.full_address) as l
                      from core.standard_addresses as a
                      where not exists (select 1 from unnest(pairs) as x where strpos(a.full_address, x) = 0)
                        and (all_stations or a.station_code = any (stations))
                        and (all_grids or a.grid_code = any (grids))
                      order by char_length(a.full_address), a.address_code
                      limit pool + 1) as x
                having count(*) > pool;
                if longest < char_length(q) then
                    longest := null;
                end if;
            end if;
            select coalesce(jsonb_agg(jsonb_build_object('kind', c.kind, 'code', c.code, 'plain', c.plain,
                                                          'plain_hits', c.plain_hits, 'geom', c.geom::text)
                                       order by c.plain_hits desc, char_length(c.plain), c.code), '[]')
            into narrowed
            from serve.search_narrow(q, pairs, pairs[1:rare], also, too, longest,
                                     greatest(n - rare + 1, at_least), pool + 1,
                                     char_length(q) = 1, all_stations, stations, all_grids, grids) as c;
            exit when jsonb_array_length(narrowed) > pool or n - rare + 1 <= at_least;
            rare := least(rare * 2, n - at_least + 1);
        end loop;
        -- the pool's best masked (each once: materialized) and ranked on their masked labels alone
        with masked as materialized (
            select c.kind, c.code, serve.mask_text(c.plain) as label, c.geom
            from rows from (jsonb_to_recordset(narrowed) as (kind text, code text, plain text, geom text))
                 with ordinality as c(kind, code, plain, geom, n)
            where c.n <= pool
        ),
        ranked as (
            select m.kind, m.code, m.label, m.geom,
                   (m.label = q)::int * 50
                   + (select count(*) from unnest(pairs) as x where strpos(m.label, x) > 0)::int as hits
            from masked as m
        )
        select coalesce(jsonb_agg(to_jsonb(h) order by h.hits desc, char_length(h.label), h.code), '[]')
        into answer
        from ranked as h
        where h.hits >= at_least;
        beyond := narrowed -> pool;
        if beyond is null then
            sure := answer;  -- every place left out has too few pairs to be a hit
        else
            select coalesce(jsonb_agg(a.value order by a.n), '[]')
            into sure
            from jsonb_array_elements(answer) with ordinality as a(value, n)
            where (-(a.value ->> 'hits')::integer, char_length(a.value ->> 'label'), a.value ->> 'code')
                  < (-(beyond ->> 'plain_hits')::integer, char_length(beyond ->> 'plain'), beyond ->> 'code');
        end if;
        exit when beyond is null or jsonb_array_length(sure) >= lim or pool >= pool_most;
        pool := least(pool * 8, pool_most);
    end loop;
    return query
    select h.kind, h.code, h.label, st_x(st_centroid(h.geom::geometry)), st_y(st_centroid(h.geom::geometry)),
           st_xmin(h.geom::geometry), st_ymin(h.geom::geometry), st_xmax(h.geom::geometry), st_ymax(h.geom::geometry),
           h.hits
    from rows from (jsonb_to_recordset(sure) as (kind text, code text, label text, geom text, hits integer))
         with ordinality as h(kind, code, label, geom, hits, n)
    where h.n <= lim
    order by h.n;
end
$$;
comment on function serve.search_places(text, integer, integer, integer) is
    'Places of the signed scope whose masked name or address shares pairs of characters with a query, ranked on the masked labels alone; masked labels, codes and shapes only.';
revoke all on function serve.search_places(text, integer, integer, integer) from public;

-- Places of the signed scope whose code is the query or starts with it (whatever its case), the
-- exact one first, then the shorter code; their masked labels. `p_code` is upper case.
create or replace function serve.search_codes(p_code text, p_limit integer)
returns table (kind text, code text, label text, lon double precision, lat double precision,
               x0 double precision, y0 double precision, x1 double precision, y1 double precision, hits integer)
-- plpgsql with a plan made for each call's values: the pattern a constant, so the indexes of
-- upper(code) serve it (as SQL, its generic plan read every building and address)
language plpgsql stable security definer
set search_path = pg_catalog, public
set plan_cache_mode = force_custom_plan
as $$
#variable_conflict use_column
declare
    prefix constant text := replace(replace(replace(upper(p_code), '\', '\\'), '%', '\%'), '_', '\_') || '%';
    all_stations constant boolean := ops.scope_all_stations();
    stations constant text[] := ops.scope_stations();
    all_grids constant boolean := ops.scope_all_grids();
    grids constant text[] := ops.scope_grids();
begin
    return query
    with found as (
        select p.kind, p.code, p.plain, p.geom, (upper(p.code) = upper(p_code))::int as hits
        from (
            select 'station' as kind, s.station_code as code, s.name as plain, s.geom
            from core.police_stations as s
            where upper(s.station_code) like prefix and (all_stations or s.station_code = any (stations))
            union all
            select 'zone', z.zone_code, z.name, z.geom
            from core.police_zones as z
            where upper(z.zone_code) like prefix and (all_stations or z.station_code = any (stations))
            union all
            select 'grid', g.grid_code,
                   case when v.name is null or v.name = '' or g.name like v.name || '%' then g.name
                        else v.name || '·' || g.name end,
                   g.geom
            from core.grids as g left join core.villages as v using (village_code)
            where upper(g.grid_code) like prefix and (all_stations or g.station_code = any (stations))
              and (all_grids or g.grid_code = any (grids))
            union all
            select 'community', m.community_code, m.name, m.geom
            from core.communities as m
            where upper(m.community_code) like prefix and (all_stations or m.station_code = any (stations))
              and (all_grids or m.grid_code = any (grids))
            union all
            select 'workstation', w.workstation_code, w.name, w.geom
            from core.workstations as w
            where upper(w.workstation_code) like prefix and (all_stations or w.station_code = any (stations))
              and (all_grids or w.grid_code = any (grids))
            union all
            select 'smart_community', m.smart_code, m.name, m.geom
            from core.smart_communities as m
            where upper(m.smart_code) like prefix and (all_stations or m.station_code = any (stations))
              and (all_grids or m.grid_code = any (grids))
            union all
            select 'building', b.building_code,
                   coalesce((select a.full_address from core.standard_addresses as a
                             where a.address_code = b.address_code
                               and (all_stations or a.station_code = any (stations))
                               and (all_grids or a.grid_code = any (grids))),
                            b.name, b.building_code),
                   b.geom
            from core.buildings as b
            where upper(b.building_code) like prefix and (all_stations or b.station_code = any (stations))
              and (all_grids or b.grid_code = any (grids))
            union all
            select 'address', a.address_code, a.full_address, a.geom
            from core.standard_addresses as a
            where upper(a.address_code) like prefix and (all_stations or a.station_code = any (stations))
              and (all_grids or a.grid_code = any (grids))
        ) as p
        order by hits desc, char_length(p.code), p.code
        limit least(greatest(coalesce(p_limit, 10), 1), 50)
    )
    select f.kind, f.code, serve.mask_text(f.plain), st_x(st_centroid(f.geom)), st_y(st_centroid(f.geom)),
           st_xmin(f.geom), st_ymin(f.geom), st_xmax(f.geom), st_ymax(f.geom), f.hits
    from found as f
    order by f.hits desc, char_length(f.code), f.code;
end
$$;
comment on function serve.search_codes(text, integer) is
    'Places of the signed scope whose code is or starts with an upper-case query, the exact one first; masked labels, codes and shapes only.';
revoke all on function serve.search_codes(text, integer) from public;
