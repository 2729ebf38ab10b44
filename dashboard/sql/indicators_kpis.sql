-- The headline figures of an area for a week: where keeps the area's rows, where_c the same on alias c.
-- Counts of the week run from :w0 to :w1; what is open, carded, resolved or alerted is as it stood
-- at :at (the week's end, or now while the week runs), read from the items' own timestamps (an item
-- is open at T when registered or found before T and open_until is null or >= T). Population,
-- rental units, buildings, communities and the smart ones have no history: they are as they are now.
select
  -- rows about people are counted by the owner's function, in the signed scope: the same counts for
  -- every role, and the only ones the wall account gets (it may read no person's row)
  people.population, people.migrants, people.migrants_registered, people.rental_units, people.alerts,
  (select count(*) from serve.buildings where {where}) as buildings,
  (select count(*) from serve.communities where {where}) as communities,
  (select count(*) from serve.communities as c where {where_c}
      and exists (select 1 from serve.smart_communities as s where s.community_code = c.community_code))
      as smart_covered,
  (select count(*) from serve.smart_communities where {where}) as smart_communities,
  (select count(*) from serve.incidents where {where} and reported_at >= :w0 and reported_at < :w1)
      as incidents_week,
  (select count(*) from serve.incidents where {where} and reported_at >= :p0 and reported_at < :p1)
      as incidents_prev,
  (select count(*) from serve.incidents where {where} and reported_at >= :y0 and reported_at < :y1)
      as incidents_last_year,
  -- the earliest incident by the time index (min() through the view read every incident in scope,
  -- whatever the area: half of a grid page's headline figures)
  (select reported_at from serve.incidents where reported_at is not null order by reported_at limit 1) <= :y0
      as has_last_year,
  (select count(*) from serve.grid_events where {where} and registered_at < :at
      and (open_until is null or open_until >= :at)) as events_open,
  (select count(*) from serve.grid_events where {where} and registered_at < :at
      and (open_until is null or open_until >= :at) and yellow_at < :at and red_at >= :at) as yellow_cards,
  (select count(*) from serve.grid_events where {where} and registered_at < :at
      and (open_until is null or open_until >= :at) and red_at < :at) as red_cards,
  (select count(*) from serve.grid_events where {where} and closed_at >= :w0 and closed_at < :w1)
      as events_closed_week,
  (select count(*) from serve.grid_events where {where} and closed_at >= :w0 and closed_at < :w1
      and closed_on_time)
      as events_on_time_week,
  (select count(*) from serve.hazards where {where} and found_at < :at
      and (open_until is null or open_until >= :at)) as hazards_open,
  (select count(*) from serve.hazards where {where} and found_at >= :w0 and found_at < :w1) as hazards_found_week,
  (select count(*) from serve.hazards where {where} and cleared_at >= :w0 and cleared_at < :w1)
      as hazards_cleared_week,
  (select count(*) from serve.disputes where {where} and found_at < :at) as disputes,
  (select count(*) from serve.disputes where {where} and found_at < :at and open_until < :at)
      as disputes_resolved,
  (select count(*) from serve.disputes where {where} and risk_level = 'high' and found_at < :at
      and (open_until is null or open_until >= :at)) as disputes_high_open,
  -- disputes whose status says resolved without a time (counted resolved from when they were found)
  (select count(*) from serve.disputes where {where} and status = 'resolved' and resolved_at is null)
      as disputes_undated
from ops.people_counts(:area_level, :area_code, :at) as people
