-- 0002: a BRIN index on the time of gate-access events. Events arrive in time order, so a block
-- range index answers "are there stored events in this interval?" for the loader's append fast
-- path at almost no cost per insert; every monthly partition inherits it.
create index access_events_time_brin on core.access_events using brin (event_time);
