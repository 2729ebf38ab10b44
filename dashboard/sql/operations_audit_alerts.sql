-- Alerts: person searches locked for exceeding the hourly limits, newest first.
select au.at, au.username, au.role, au.params::text as params, au.client
from serve.audit as au
where au.action = 'person_search_locked'
  and au.at > now() - make_interval(days => :days)
order by au.audit_id desc
limit 100
