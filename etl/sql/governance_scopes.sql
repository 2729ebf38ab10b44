-- The scope of every town leader and village officer, from what is loaded: the grids of their
-- towns or villages, and the police stations that hold those grids or whose zones overlap them (an
-- element in a grid is attributed to the station of the zone it lies in), so the scope policies
-- show them every element of those grids and nothing else. Run when such a user is added and
-- after every delivery of grids or zones; only changed rows are written.
with wanted as (
    select u.username,
           array(select g.grid_code from core.grids g
                 where g.town_code = any (u.towns) or g.village_code = any (u.villages)
                 order by 1) as grids
    from ops.users u
    where u.role in ('town_leader', 'village_officer')
),
scoped as (
    select w.username, w.grids,
           array(select distinct x.station_code from (
                     select g.station_code from core.grids g where g.grid_code = any (w.grids)
                     union
                     select z.station_code from core.zone_grids zg
                     join core.police_zones z using (zone_code)
                     where zg.grid_code = any (w.grids)
                 ) x
                 where x.station_code is not null
                 order by 1) as stations
    from wanted w
)
update ops.users u set grids = s.grids, stations = s.stations
from scoped s
where u.username = s.username and (u.grids, u.stations) is distinct from (s.grids, s.stations)
