-- serve: the audit trail for the leadership's audit page; ops.audit's policies show rows to the
-- leadership only.
--
-- Re-applied after every migration (etl/migrate.py): functions/, then views/, each in file-name
-- order, then grants.sql. The one home of these definitions: change them here, never in a revision.
-- `create or replace` changes bodies and comments and appends view columns at the end; to drop,
-- rename, reorder or retype a view's column, change a function's arguments or return type, or
-- remove an object, add a revision that drops it (and what depends on it); this file then makes it
-- anew. Revisions run first, so none relies on these being current; a file uses tables and what
-- earlier files define.

create or replace view serve.audit with (security_invoker = true) as
-- params hold what people typed (a supervision's note, a verdict's note): masked like any typed text
select audit_id, at, username, role, action, serve.mask_params(params) as params, row_count, result, client
from ops.audit;
comment on view serve.audit is 'One row per audited act, for the leadership''s audit page (rows visible to leadership only).';
