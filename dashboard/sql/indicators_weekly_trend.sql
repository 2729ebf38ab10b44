-- Per week from first to last: incidents, grid events registered, hazards found, disputes found;
-- nothing from :upto on (the end of the period shown, which may cut its week short).
with weeks as (
    select generate_series(cast(:first as timestamptz), cast(:last as timestamptz), interval '7 days')
        as week_start
)
select w.week_start,
  (select count(*) from serve.incidents where {where} and reported_at >= w.week_start
      and reported_at < least(w.week_start + interval '7 days', cast(:upto as timestamptz))) as incidents,
  (select count(*) from serve.grid_events where {where} and registered_at >= w.week_start
      and registered_at < least(w.week_start + interval '7 days', cast(:upto as timestamptz))) as grid_events,
  (select count(*) from serve.hazards where {where} and found_at >= w.week_start
      and found_at < least(w.week_start + interval '7 days', cast(:upto as timestamptz))) as hazards,
  (select count(*) from serve.disputes where {where} and found_at >= w.week_start
      and found_at < least(w.week_start + interval '7 days', cast(:upto as timestamptz))) as disputes
from weeks as w
order by w.week_start
