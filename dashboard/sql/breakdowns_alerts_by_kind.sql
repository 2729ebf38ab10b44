-- Alerts open at :at (the period's end, or now while it runs: detected before it and not judged
-- false or resolved by then) by kind, most first.
select al.alert_kind, count(*) as n
from serve.alerts as al
where {where} and al.detected_at < :at and (al.open_until is null or al.open_until >= :at)
group by 1
order by 2 desc, 1
