-- The back-test of every forecast model, week and flagged area share, for one unit kind, up to the
-- week asked (a figure of the whole model: the same for every viewer).
select b.model, b.week_start, b.week, b.area_pct, b.events, b.captured, b.pai, b.pei
from serve.backtest_scores as b
where b.unit_kind = :unit_kind and b.week_start <= cast(:until as date)
order by b.week_start, b.model, b.area_pct
