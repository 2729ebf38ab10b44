-- The last week the analysis covers (its emerging classes end with it), none before any run.
select max(through_week) as through_week from serve.hotspot_trends where scope_code = 'all'
