-- serve: the analysis (研判) the job after each load computed (etl/analysis/): hot and cold spots
-- per week, their emerging classes, next week's risk with its inputs, and the back-test scores.
-- Rows of places are scoped by the row-level security of the core tables beneath (security_invoker);
-- the risk inputs and back-test scores are figures of the whole model, the same for every viewer.
--
-- Re-applied after every migration (etl/migrate.py): functions/, then views/, each in file-name
-- order, then grants.sql. The one home of these definitions: change them here, never in a revision.
-- `create or replace` changes bodies and comments and appends view columns at the end; to drop,
-- rename, reorder or retype a view's column, change a function's arguments or return type, or
-- remove an object, add a revision that drops it (and what depends on it); this file then makes it
-- anew. Revisions run first, so none relies on these being current; a file uses tables and what
-- earlier files define.

create or replace view serve.analysis_units with (security_invoker = true) as
select unit_kind, unit_code, district_code, station_code, grid_code, area_m2, geom
from core.analysis_units;
comment on view serve.analysis_units is 'One row per analysis unit: each grid and each 250 m cell.';

create or replace view serve.hotspot_weeks with (security_invoker = true) as
select scope_code, unit_kind, unit_code, week_start, to_char(week_start, 'IYYY-"W"IW') as week,
       events, gi_z, gi_p, level, station_code, grid_code
from core.hotspot_weeks;
comment on view serve.hotspot_weeks is
    'One row per scope, unit and week with incidents or a significant Gi* (level ±1/±2/±3 = 90/95/99 %).';

create or replace view serve.hotspot_trends with (security_invoker = true) as
select t.scope_code, t.unit_kind, t.unit_code, t.through_week,
       to_char(t.through_week, 'IYYY-"W"IW') as through_label, t.weeks, t.hotspot_class,
       t.hot_weeks, t.cold_weeks, t.since_week, to_char(t.since_week, 'IYYY-"W"IW') as since_label,
       t.gi_z, t.gi_p, t.level, t.trend, t.trend_tau, t.trend_z, t.trend_p,
       t.station_code, t.grid_code, u.geom
from core.hotspot_trends t
join core.analysis_units u using (unit_kind, unit_code);
comment on view serve.hotspot_trends is
    'One row per scope and unit with an emerging hot- or cold-spot class, its trend and its area.';

create or replace view serve.risk_scores with (security_invoker = true) as
select r.unit_kind, r.unit_code, r.for_week, to_char(r.for_week, 'IYYY-"W"IW') as for_label,
       r.score, r.rank, r.area_share, r.inputs, r.station_code, r.grid_code, u.geom
from core.risk_scores r
join core.analysis_units u using (unit_kind, unit_code);
comment on view serve.risk_scores is
    'One row per unit with next week''s risk score, its rank in the area and its inputs'' values.';

create or replace view serve.risk_inputs with (security_invoker = true) as
select input_code, position, weight, total from core.risk_inputs;
comment on view serve.risk_inputs is 'One row per input of the risk overlay, with its weight.';

create or replace view serve.backtest_scores with (security_invoker = true) as
select unit_kind, model, week_start, to_char(week_start, 'IYYY-"W"IW') as week, area_pct, events,
       captured, pai, pei, computed_at
from core.backtest_scores;
comment on view serve.backtest_scores is
    'One row per unit kind, model, back-tested week and flagged area share: capture share, PAI and PEI.';
