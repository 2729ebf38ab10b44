-- Every station, police zone and grid in scope: its level, code and the name a person reads beside it.
select 'station' as level, a.station_code as code, a.name from serve.stations as a where {stations}
union all
select 'zone', a.zone_code, a.name from serve.zones as a where {zones}
union all
select 'grid', a.grid_code, a.name from serve.grids as a where {grids}
