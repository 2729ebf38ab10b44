-- 0006 undone: an empty optional field becomes its column's default again, and the columns NOT NULL.
update core.towns set
    kind = coalesce(kind, 'street');
alter table core.towns
    alter column kind set not null;
update core.villages set
    kind = coalesce(kind, 'community');
alter table core.villages
    alter column kind set not null;
update core.police_zones set
    officer_count = coalesce(officer_count, 1),
    auxiliary_count = coalesce(auxiliary_count, 0);
alter table core.police_zones
    alter column officer_count set not null,
    alter column auxiliary_count set not null;
update core.grids set
    grid_kind = coalesce(grid_kind, 'basic'),
    worker_count = coalesce(worker_count, 1);
alter table core.grids
    alter column grid_kind set not null,
    alter column worker_count set not null;
update core.communities set
    kind = coalesce(kind, 'estate');
alter table core.communities
    alter column kind set not null;
update core.smart_communities set
    face_cameras = coalesce(face_cameras, 0),
    vehicle_cameras = coalesce(vehicle_cameras, 0),
    barriers = coalesce(barriers, 0),
    access_controls = coalesce(access_controls, 0),
    other_devices = coalesce(other_devices, 0),
    devices_online = coalesce(devices_online, 0);
alter table core.smart_communities
    alter column face_cameras set not null,
    alter column vehicle_cameras set not null,
    alter column barriers set not null,
    alter column access_controls set not null,
    alter column other_devices set not null,
    alter column devices_online set not null;
update core.buildings set
    building_use = coalesce(building_use, 'residential'),
    is_city_village = coalesce(is_city_village, false);
alter table core.buildings
    alter column building_use set not null,
    alter column is_city_village set not null;
update core.rental_units set
    rent_kind = coalesce(rent_kind, 'whole');
alter table core.rental_units
    alter column rent_kind set not null;
update core.persons set
    lives_alone = coalesce(lives_alone, false);
alter table core.persons
    alter column lives_alone set not null;
update core.access_devices set
    device_kind = coalesce(device_kind, 'card'),
    online = coalesce(online, true);
alter table core.access_devices
    alter column device_kind set not null,
    alter column online set not null;
update core.access_events set
    method = coalesce(method, 'card');
alter table core.access_events
    alter column method set not null;
update core.cameras set
    online = coalesce(online, true);
alter table core.cameras
    alter column online set not null;
update core.workstations set
    staff_police = coalesce(staff_police, 0),
    staff_grid = coalesce(staff_grid, 0),
    staff_other = coalesce(staff_other, 0);
alter table core.workstations
    alter column staff_police set not null,
    alter column staff_grid set not null,
    alter column staff_other set not null;
update core.incidents set
    is_diverted = coalesce(is_diverted, false);
alter table core.incidents
    alter column is_diverted set not null;
update core.disputes set
    risk_level = coalesce(risk_level, 'normal'),
    is_violent = coalesce(is_violent, false),
    is_repeated = coalesce(is_repeated, false);
alter table core.disputes
    alter column risk_level set not null,
    alter column is_violent set not null,
    alter column is_repeated set not null;
