-- The headline figures of an area for a week: where keeps the area's rows, where_c the same on alias c.
select
  (select count(*) from serve.persons where {where}) as population,
  (select count(*) from serve.persons where {where} and is_migrant) as migrants,
  (select count(*) from serve.persons where {where} and is_migrant and residence_status = 'registered')
      as migrants_registered,
  (select count(*) from serve.rental_units where {where}) as rental_units,
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
  (select min(reported_at) <= :y0 from serve.incidents) as has_last_year,
  (select count(*) from serve.grid_events where {where} and status <> 'closed') as events_open,
  (select count(*) from serve.grid_events where {where} and status <> 'closed' and card = 'yellow')
      as yellow_cards,
  (select count(*) from serve.grid_events where {where} and status <> 'closed' and card = 'red') as red_cards,
  (select count(*) from serve.grid_events where {where} and closed_at >= :w0 and closed_at < :w1)
      as events_closed_week,
  (select count(*) from serve.grid_events where {where} and closed_at >= :w0 and closed_at < :w1
      and closed_on_time)
      as events_on_time_week,
  (select count(*) from serve.hazards where {where} and status <> 'cleared') as hazards_open,
  (select count(*) from serve.hazards where {where} and found_at >= :w0 and found_at < :w1) as hazards_found_week,
  (select count(*) from serve.hazards where {where} and cleared_at >= :w0 and cleared_at < :w1)
      as hazards_cleared_week,
  (select count(*) from serve.disputes where {where}) as disputes,
  (select count(*) from serve.disputes where {where} and status = 'resolved') as disputes_resolved,
  (select count(*) from serve.disputes where {where} and risk_level = 'high' and status <> 'resolved')
      as disputes_high_open,
  (select count(*) from serve.alerts where {where}) as alerts
