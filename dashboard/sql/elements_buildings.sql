-- An area's buildings with their rental units, residents, migrants and open alerts; most units first.
-- Ranked from the counts kept after each load (core.building_counts, ops.refresh_building_counts:
-- an index scan of the area's first rows), so no building's units or people are counted here;
-- addresses and open alerts are read for the listed buildings only (the alerts in one pass).
with listed as (
    select k.building_code, k.units, k.residents, k.migrants
    from core.building_counts as k
    where {where}
    order by k.units desc, k.residents desc, k.building_code
    limit :limit
),
alerted as (
    select a.building_code, count(*) as alerts
    from serve.alerts as a
    where a.open_until is null and a.building_code in (select building_code from listed)
    group by a.building_code
)
select t.building_code, coalesce(b.full_address, b.name) as address, b.floors, b.grid_code, t.units,
       t.residents, t.migrants, coalesce(al.alerts, 0) as alerts
from listed as t
join serve.buildings as b using (building_code)
left join alerted as al using (building_code)
order by t.units desc, t.residents desc, t.building_code
