-- The districts the whole area is made of, their names for the area's title.
select d.name, d.city_name
from serve.districts as d
order by d.district_code
