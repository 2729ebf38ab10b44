-- Alerts by kind, most first.
select al.alert_kind, count(*) as n
from serve.alerts as al
where {where}
group by 1
order by 2 desc, 1
