-- serve: load batches and quarantine counts, never the raw rows. These views aggregate ops, which
-- the application role may not read, so they run with their owner's rights (no security_invoker).
--
-- Re-applied after every migration (etl/migrate.py): functions/, then views/, each in file-name
-- order, then grants.sql. The one home of these definitions: change them here, never in a revision.
-- `create or replace` changes bodies and comments and appends view columns at the end; to drop,
-- rename, reorder or retype a view's column, change a function's arguments or return type, or
-- remove an object, add a revision that drops it (and what depends on it); this file then makes it
-- anew. Revisions run first, so none relies on these being current; a file uses tables and what
-- earlier files define.

create or replace view serve.load_batches as
select batch_id, source, kind, file_path, started_at, finished_at, status, rows_in, loaded, repaired, quarantined,
       message
from ops.load_batch;
comment on view serve.load_batches is 'One row per load of a source (ops.load_batch without anything personal).';

-- field_zh: the field's Chinese name from the contract (a key of several fields: each, joined by 、)
create or replace view serve.quarantine_counts as
select q.source, q.kind, q.reason_code, q.field, count(*) as n, max(q.batch_id) as last_batch_id,
       (select string_agg(coalesce(f.label_zh, p.part), '、' order by p.ord)
        from unnest(string_to_array(q.field, ',')) with ordinality as p(part, ord)
        left join core.contract_fields f on f.kind = q.kind and f.field = p.part) as field_zh
from ops.quarantine q
group by q.source, q.kind, q.reason_code, q.field;
comment on view serve.quarantine_counts is 'One row per source, reason and field of quarantined rows, with how many (never the raw rows).';
