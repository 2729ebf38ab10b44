-- A building's gate access per Beijing day from d0 (included) to d1 (excluded), counts only, in scope.
select a.day, sum(a.events)::int as events, sum(a.distinct_cards)::int as cards,
       count(distinct a.device_code)::int as devices
from serve.access_daily as a
where a.building_code = :code and a.day >= :d0 and a.day < :d1 and {scope}
group by a.day
order by a.day
