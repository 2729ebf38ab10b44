-- The data contract's field names (etl/contract.py) into the warehouse, after every migration
-- (idempotent): core.contract_fields gets every (kind, field, label) and loses fields the
-- contract no longer has.
with contract as (
    select c.kind, c.field, c.label_zh
    from unnest(cast(:kinds as text[]), cast(:fields as text[]), cast(:labels as text[]))
         as c(kind, field, label_zh)
),
gone as (
    delete from core.contract_fields f
    where not exists (select 1 from contract c where c.kind = f.kind and c.field = f.field)
)
insert into core.contract_fields as t (kind, field, label_zh)
select kind, field, label_zh from contract
on conflict (kind, field) do update set label_zh = excluded.label_zh
    where t.label_zh is distinct from excluded.label_zh;
