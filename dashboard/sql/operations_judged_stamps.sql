-- The latest verdict's and the latest supervision step's numbers (0: none yet), and how many open
-- supervisions in scope are past their deadline's day now, in one round trip: what the cached
-- pages showing alerts and supervisions are keyed by. The last changes with the clock alone (a
-- deadline's day ending), so a page shows a supervision turning overdue without a load or a step.
select ops.alert_verdicts_stamp() as verdict, ops.supervisions_stamp() as supervision,
       (select count(*) from serve.supervisions as s where s.overdue) as overdue
