-- The data's stamp: what changes whenever a load or a derivation commits. The dashboard keys its
-- cache by it (dashboard/cache.py), so nothing computed from older data is served after a load.
-- Security definer: the application role reads no load records of its own (ops.derived).
create or replace function ops.data_stamp() returns text
language sql stable security definer
set search_path = pg_catalog, public
as $$
    select concat_ws(':',
        (select coalesce(max(lb.batch_id), 0) from ops.load_batch as lb where lb.status = 'loaded'),
        (select coalesce(extract(epoch from max(d.built_at)), 0) from ops.derived as d))
$$;
comment on function ops.data_stamp() is
    'Changes whenever a load or a derivation commits (the newest loaded batch and derivation): the dashboard''s cache key.';
revoke execute on function ops.data_stamp() from public;
