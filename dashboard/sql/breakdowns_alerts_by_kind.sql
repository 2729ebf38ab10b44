-- Alerts detected before :at (the period's end, or now while it runs) by kind, most first.
select al.alert_kind, count(*) as n
from serve.alerts as al
where {where} and al.detected_at < :at
group by 1
order by 2 desc, 1
