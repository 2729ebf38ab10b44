-- Incidents per category this week, last week and the same week last year.
select i.category_zh,
       count(*) filter (where i.reported_at >= :w0 and i.reported_at < :w1) as week,
       count(*) filter (where i.reported_at >= :p0 and i.reported_at < :p1) as prev,
       count(*) filter (where i.reported_at >= :y0 and i.reported_at < :y1) as last_year
from serve.incidents as i
where {where}
  and ((i.reported_at >= :p0 and i.reported_at < :w1) or (i.reported_at >= :y0 and i.reported_at < :y1))
group by i.category_zh
order by week desc, i.category_zh
