-- 0025 the whole warehouse's verdict and supervision stamps dropped: ops.alert_verdicts_stamp and
-- ops.supervisions_stamp gave the number of the newest verdict or supervision step anywhere, and the
-- dashboard keyed every cached page by them until revision 0023 counted verdicts and steps per area
-- (ops.judged_counts, read through ops.judged_stamps). Nothing has read them since; their re-applied
-- files no longer make them, and a database migrated before keeps them until they are dropped here.
drop function if exists ops.alert_verdicts_stamp();
drop function if exists ops.supervisions_stamp();
