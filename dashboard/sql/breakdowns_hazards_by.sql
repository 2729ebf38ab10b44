-- Hazards found before :at (the period's end, or now while it runs), those still open at it and
-- those cleared before it, by each of the three columns a page lists them by (by_column: its name),
-- from one reading of the area's hazards (a page read them three times, once per column).
with h as materialized (
    select h.category_zh, h.hint_batch, h.responsible_dept,
           h.open_until is null or h.open_until >= :at as is_open,
           h.open_until < :at as is_cleared
    from serve.hazards as h
    where {where} and h.found_at < :at
)
select 'category_zh' as by_column, category_zh as label, count(*) as found,
       count(*) filter (where is_open) as open, count(*) filter (where is_cleared) as cleared
from h
group by 2
union all
select 'hint_batch', hint_batch, count(*), count(*) filter (where is_open), count(*) filter (where is_cleared)
from h
group by 2
union all
select 'responsible_dept', responsible_dept, count(*), count(*) filter (where is_open),
       count(*) filter (where is_cleared)
from h
group by 2
order by by_column, found desc, label
