-- The station assessment of the stations in the viewer's scope (scope on alias s), each counted over the whole station
-- (ops.station_scores, security definer: a station's score is the same for every viewer of it).
select s.station_code, s.name, s.three_codes, s.registration, s.smart, s.incidents_week, s.incidents_prev,
       s.on_time, s.cleared, s.base_work, s.incident_control, s.daily_management, s.score, s.rank, s.ranked
from ops.station_scores(
    cast(:w0 as timestamptz), cast(:w1 as timestamptz), cast(:p0 as timestamptz),
    cast(:base as double precision), cast(:control as double precision), cast(:daily as double precision)
) as s
where {scope}
order by s.rank
