-- Share of buildings with standard address, grid and police zone.
select avg(case when b.three_codes then 1.0 else 0.0 end) as r
from serve.buildings as b
where {where}
