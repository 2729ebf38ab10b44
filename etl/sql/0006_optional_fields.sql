-- 0006: fields the contract calls optional may be empty. An empty cell is stored as null, meaning
-- "not stated by the agency" (not the old column default): a source with one empty 用途 or 是否分流
-- used to be refused whole. Defaults stay for rows written without the column.
alter table core.towns
    alter column kind drop not null;
alter table core.villages
    alter column kind drop not null;
alter table core.police_zones
    alter column officer_count drop not null,
    alter column auxiliary_count drop not null;
alter table core.grids
    alter column grid_kind drop not null,
    alter column worker_count drop not null;
alter table core.communities
    alter column kind drop not null;
alter table core.smart_communities
    alter column face_cameras drop not null,
    alter column vehicle_cameras drop not null,
    alter column barriers drop not null,
    alter column access_controls drop not null,
    alter column other_devices drop not null,
    alter column devices_online drop not null;
alter table core.buildings
    alter column building_use drop not null,
    alter column is_city_village drop not null;
alter table core.rental_units
    alter column rent_kind drop not null;
alter table core.persons
    alter column lives_alone drop not null;
alter table core.access_devices
    alter column device_kind drop not null,
    alter column online drop not null;
alter table core.access_events
    alter column method drop not null;
alter table core.cameras
    alter column online drop not null;
alter table core.workstations
    alter column staff_police drop not null,
    alter column staff_grid drop not null,
    alter column staff_other drop not null;
alter table core.incidents
    alter column is_diverted drop not null;
alter table core.disputes
    alter column risk_level drop not null,
    alter column is_violent drop not null,
    alter column is_repeated drop not null;
