-- Recent loads of every source, newest first.
select lb.source, lb.kind, lb.status, lb.started_at, lb.finished_at, lb.rows_in, lb.loaded, lb.repaired,
       lb.quarantined
from serve.load_batches as lb
order by lb.batch_id desc
limit :limit
