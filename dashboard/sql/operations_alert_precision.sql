-- Each alert rule's precision over the officers' verdicts (counts only), for the leadership.
select p.alert_kind, p.confirmed, p.rejected, p.checking, p.precision
from serve.alert_precision as p
order by p.alert_kind
