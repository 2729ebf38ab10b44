-- 0019: the page indexes of 0003 that repeat, column for column, an area-code index 0001 made
-- already. Two identical B-trees answer no query faster than one, yet every row loaded, updated or
-- attributed paid both insertions: four extra per person, three per building. Kept: 0001's
-- (``<table>_<column>_idx``). 0003's indexes over (code, time) and the rental units' building index
-- repeat nothing and stay.
drop index if exists core.incidents_time;
drop index if exists core.grid_events_grid;
drop index if exists core.grid_events_zone;
drop index if exists core.grid_events_station;
drop index if exists core.disputes_grid;
drop index if exists core.disputes_station;
drop index if exists core.hazards_grid;
drop index if exists core.hazards_station;
drop index if exists core.persons_grid;
drop index if exists core.persons_zone;
drop index if exists core.persons_station;
drop index if exists core.persons_building;
drop index if exists core.rental_units_grid;
drop index if exists core.buildings_grid;
drop index if exists core.buildings_zone;
drop index if exists core.buildings_station;
drop index if exists core.alerts_grid;
