-- The base elements of the risk overlay, each with the span it counts over: from (null: always)
-- until (null: still). A dispute marked resolved with no time counts as resolved when found.
select 'rental_units' as input, st_x(geom) as lon, st_y(geom) as lat, grid_code,
       null::timestamptz as since, null::timestamptz as until
from core.rental_units where geom is not null
union all
select 'unregistered_migrants', st_x(geom), st_y(geom), grid_code, null, null
from core.persons
where geom is not null and is_migrant and residence_status in ('unregistered', 'expired')
union all
select 'open_hazards', st_x(geom), st_y(geom), grid_code, found_at, cleared_at
from core.hazards where geom is not null
union all
select 'open_disputes', st_x(geom), st_y(geom), grid_code, found_at,
       coalesce(resolved_at, case when status = 'resolved' then found_at end)
from core.disputes where geom is not null
