-- The open alerts of each of the buildings :codes (those an area page lists), counted now: the only
-- column of an area page's buildings' table a verdict changes (elements_buildings.sql gives the
-- rest, kept per load). Row-level security keeps the viewer's alerts; a building without any has no row.
select a.building_code, count(*) as alerts
from serve.alerts as a
where a.open_until is null and a.building_code = any (cast(:codes as text[]))
group by a.building_code
