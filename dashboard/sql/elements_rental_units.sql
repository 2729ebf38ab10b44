-- A building's rental units, masked, within the scope.
select u.unit_code, u.room_no, u.landlord_name, u.landlord_phone, u.registered_tenants, u.rent_kind
from serve.rental_units as u
where u.building_code = :code and {scope}
order by u.room_no, u.unit_code
