-- Cameras by ring and kind, and how many are online.
select c.ring, c.camera_kind, count(*) as n, count(*) filter (where c.online) as online
from serve.cameras as c
where {where}
group by c.ring, c.camera_kind
order by c.ring, c.camera_kind
