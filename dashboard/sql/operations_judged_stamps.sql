-- The latest verdict's and the latest supervision step's numbers (0: none yet), in one round
-- trip: what the cached pages showing alerts and supervisions are keyed by.
select ops.alert_verdicts_stamp() as verdict, ops.supervisions_stamp() as supervision
