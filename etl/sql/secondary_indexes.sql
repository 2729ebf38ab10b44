-- The indexes of a plain (not partitioned) table that neither enforce uniqueness nor back a
-- constraint, with their definitions: what a first load may build after its rows are in.
select ic.relname, pg_get_indexdef(i.indexrelid)
from pg_index i
join pg_class ic on ic.oid = i.indexrelid
join pg_class t on t.oid = i.indrelid
where i.indrelid = %(table)s::regclass
  and t.relkind = 'r'
  and not i.indisunique
  and not i.indisprimary
  and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
order by ic.relname
