-- Incident categories that occur, with their Chinese names, most frequent first.
select i.category, min(i.category_zh) as name_zh, count(*) as n
from serve.incidents as i
group by 1
order by 3 desc
