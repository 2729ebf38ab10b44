-- Communities with no incident within 150 m from :since until :until (the end of the period shown).
select c.community_code, c.name, c.kind
from serve.communities as c
where {where} and not exists (
    select 1
    from serve.incidents as i
    where i.reported_at >= :since and i.reported_at < :until
      and st_dwithin(i.geom, c.geom, 0.002)  -- the index narrows, geography decides
      and st_dwithin(i.geom::geography, c.geom::geography, 150)
)
order by c.community_code
