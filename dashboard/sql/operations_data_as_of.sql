-- When the data was last brought up to date: the end of the latest load that finished loaded.
select max(lb.finished_at) as finished_at
from serve.load_batches as lb
where lb.status = 'loaded'
