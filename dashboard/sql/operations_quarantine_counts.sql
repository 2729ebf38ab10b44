-- Quarantined rows per source and reason, most first.
select qc.source, qc.kind, qc.reason_code, qc.field, qc.field_zh, qc.n
from serve.quarantine_counts as qc
order by qc.n desc, qc.source
