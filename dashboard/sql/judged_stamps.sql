-- Per area of :level (every one when :codes is null), the verdicts its alerts were given, the
-- changes its supervisions saw and how many of its open supervisions are past their deadline's day
-- now (ops.judged_counts, counted by the database with each verdict and step): what the cached
-- pages showing alerts and supervisions are keyed by. The last changes with the clock alone (a
-- deadline's day ending), so a page shows a supervision turning overdue without a load or a step.
select j.code, j.verdicts, j.steps, j.overdue
from ops.judged_stamps(cast(:level as text), cast(:codes as text[])) as j
