-- Join clause: a person lives in a rental unit (whose building is authoritative) or a building.
left join core.rental_units u on u.unit_code = s.unit_code
join core.buildings p on p.building_code = coalesce(u.building_code, s.building_code)
