-- serve: how often each alert rule was right, over the officers' verdicts (for the leadership).
-- It aggregates ops.alert_verdicts, which the application role may not read: it runs as its owner
-- and shows counts only.
--
-- Re-applied after every migration (etl/migrate.py): functions/, then views/, each in file-name
-- order, then grants.sql. The one home of these definitions: change them here, never in a revision.
-- `create or replace` changes bodies and comments and appends view columns at the end; to drop,
-- rename, reorder or retype a view's column, change a function's arguments or return type, or
-- remove an object, add a revision that drops it (and what depends on it); this file then makes it
-- anew. Revisions run first, so none relies on these being current; a file uses tables and what
-- earlier files define.

create or replace view serve.alert_precision as
select alert_kind,
       count(*) filter (where state in ('confirmed', 'resolved')) as confirmed,
       count(*) filter (where state = 'false') as rejected,
       count(*) filter (where state = 'checking') as checking,
       round(count(*) filter (where state in ('confirmed', 'resolved'))::numeric
             / nullif(count(*) filter (where state in ('confirmed', 'resolved', 'false')), 0), 3) as precision
from ops.alert_verdicts
group by alert_kind;
comment on view serve.alert_precision is
    'One row per alert rule with verdicts: confirmed (or resolved), rejected (false), checking, and the precision.';
