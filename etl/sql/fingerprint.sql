-- One text digest of everything a migration can change in our schemas: relations, columns,
-- constraints, indexes, views, functions, comments, privileges and the alembic revision.
with rels as (
    select n.nspname || '.' || c.relname || ':' || c.relkind::text || ':' || coalesce(c.relacl::text, '')
           || ':' || coalesce(obj_description(c.oid, 'pg_class'), '')
           || ':' || c.relrowsecurity::text || c.relforcerowsecurity::text as item
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('staging', 'core', 'serve', 'ops')
),
cols as (
    select n.nspname || '.' || c.relname || '.' || a.attname || ':' || format_type(a.atttypid, a.atttypmod)
           || ':' || a.attnotnull::text || ':' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') as item
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    join pg_namespace n on n.oid = c.relnamespace
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where n.nspname in ('staging', 'core', 'serve', 'ops') and a.attnum > 0 and not a.attisdropped
),
cons as (
    select n.nspname || '.' || con.conname || ':' || pg_get_constraintdef(con.oid) as item
    from pg_constraint con
    join pg_namespace n on n.oid = con.connamespace
    where n.nspname in ('staging', 'core', 'serve', 'ops')
),
idx as (
    select schemaname || '.' || indexname || ':' || indexdef as item
    from pg_indexes
    where schemaname in ('staging', 'core', 'serve', 'ops')
),
views as (
    select schemaname || '.' || viewname || ':' || definition as item
    from pg_views
    where schemaname in ('staging', 'core', 'serve', 'ops')
),
funcs as (
    select n.nspname || '.' || p.proname || ':' || md5(p.prosrc) || ':' || coalesce(p.proacl::text, '') as item
    from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('staging', 'core', 'serve', 'ops')
),
schemas as (
    select n.nspname || ':' || coalesce(n.nspacl::text, '') as item
    from pg_namespace n
    where n.nspname in ('staging', 'core', 'serve', 'ops', 'public')
),
policies as (
    select schemaname || '.' || tablename || '.' || policyname || ':' || cmd::text || ':' || roles::text
           || ':' || coalesce(qual, '') || ':' || coalesce(with_check, '') as item
    from pg_policies
    where schemaname in ('staging', 'core', 'serve', 'ops')
),
everything as (
    select item from rels
    union all select item from cols
    union all select item from cons
    union all select item from idx
    union all select item from views
    union all select item from funcs
    union all select item from schemas
    union all select item from policies
)
select md5(string_agg(item, E'\n' order by item)) as digest, count(*) as items
from everything;
