-- Communities with no incident within 150 m from :since until :until (the end of the period shown),
-- found by ops.quiet_communities (spatial indexes; the viewer's scope applied as the policies do).
select c.community_code, c.name, c.kind
from serve.communities as c
where {where}
  and c.community_code in (select ops.quiet_communities(:area_level, :area_code, :since, :until))
order by c.community_code
