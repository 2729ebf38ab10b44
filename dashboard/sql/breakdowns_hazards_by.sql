-- Hazards found, open and cleared by one column of the hazards (label_column, from a whitelist).
select h.{label_column} as label, count(*) as found,
       count(*) filter (where h.status <> 'cleared') as open,
       count(*) filter (where h.status = 'cleared') as cleared
from serve.hazards as h
where {where}
group by 1
order by found desc, label
