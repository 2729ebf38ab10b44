-- The newest audit rows, optionally of one user and one action.
select au.at, au.username, au.role, au.action, au.params::text as params, au.row_count, au.result, au.client
from serve.audit as au
where (cast(:u as text) is null or au.username = :u)
  and (cast(:a as text) is null or au.action = :a)
order by au.audit_id desc
limit :limit
