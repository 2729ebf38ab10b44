-- Hazards found before :at (the period's end, or now while it runs), those still open at it and
-- those cleared before it, by one column of the hazards (label_column, from a whitelist).
select h.{label_column} as label, count(*) as found,
       count(*) filter (where h.open_until is null or h.open_until >= :at) as open,
       count(*) filter (where h.open_until < :at) as cleared
from serve.hazards as h
where {where} and h.found_at < :at
group by 1
order by found desc, label
