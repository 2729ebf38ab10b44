-- The police-grid workstations of an area and their staff.
select w.workstation_code, w.name, w.theme, w.staff_police, w.staff_grid, w.staff_other
from serve.workstations as w
where {where}
order by w.workstation_code
