-- 0012: gate-access events lose their indexes on grid, police zone and station code. Nothing
-- reads raw events by area (the map and the pages read the daily rollup, core.access_daily, which
-- keeps its own; the alerts read events by device and time), yet every event paid three B-tree
-- insertions, the larger part of the cost of copying it in.
drop index if exists core.access_events_grid_code_idx;
drop index if exists core.access_events_zone_code_idx;
drop index if exists core.access_events_station_code_idx;
