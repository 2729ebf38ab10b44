-- The codebook (common/codebook.py) into the warehouse, after every migration (idempotent):
-- core.codes gets every (field, code, label) and loses codes the book no longer has; the two
-- category tables the facts reference get new codes and changed labels (never a delete: a
-- category still referenced by a loaded incident or hazard must stay).
with book as (
    select b.field, b.code, b.label_zh
    from unnest(cast(:fields as text[]), cast(:codes as text[]), cast(:labels as text[]))
         as b(field, code, label_zh)
),
incident_categories as (
    insert into core.incident_categories as t (category, name_zh)
    select code, label_zh from book where field = 'incident_category'
    on conflict (category) do update set name_zh = excluded.name_zh
        where t.name_zh is distinct from excluded.name_zh
),
hazard_categories as (
    insert into core.hazard_categories as t (category, name_zh)
    select code, label_zh from book where field = 'hazard_category'
    on conflict (category) do update set name_zh = excluded.name_zh
        where t.name_zh is distinct from excluded.name_zh
),
gone as (
    delete from core.codes c
    where not exists (select 1 from book b where b.field = c.field and b.code = c.code)
)
insert into core.codes as t (field, code, label_zh)
select field, code, label_zh from book
on conflict (field, code) do update set label_zh = excluded.label_zh
    where t.label_zh is distinct from excluded.label_zh;
