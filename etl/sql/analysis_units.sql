-- The analysis units staged by the run (WKB in WGS-84), made valid polygons of one multi each.
insert into core.analysis_units (unit_kind, unit_code, district_code, area_m2, geom, station_code, grid_code)
select unit_kind, unit_code, district_code, area_m2,
       st_multi(st_collectionextract(st_makevalid(st_setsrid(st_geomfromwkb(decode(wkb, 'hex')), 4326)), 3)),
       station_code, grid_code
from analysis_units_in
