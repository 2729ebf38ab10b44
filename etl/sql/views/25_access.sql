-- Gate access as counts only: a building's daily rollup of its access devices (no card, no person).
create or replace view serve.access_daily with (security_invoker = true) as
select d.day, d.building_code, d.unit_code, d.device_code, d.events, d.distinct_cards,
       d.grid_code, d.zone_code, d.station_code
from core.access_daily d;
comment on view serve.access_daily is
    'One row per access device, unit and day: how many passages and distinct cards, never which.';
