-- 0019 stored station assessments: the parts of every station's score for a finished period,
-- counted once after each load (ops.store_station_scores) instead of on every page that shows one.
-- Only the owner writes it; ops.station_scores reads it and counts afresh what it does not hold.
create table ops.station_score_parts (
    w0 timestamptz not null,
    w1 timestamptz not null,
    p0 timestamptz not null,
    station_code text not null,
    name text,
    three_codes numeric,
    registration numeric,
    smart numeric,
    incidents_week bigint not null,
    incidents_prev bigint not null,
    on_time numeric,
    cleared numeric,
    primary key (w0, w1, p0, station_code)
);
comment on table ops.station_score_parts is
    'The parts of each station''s assessment for finished periods, over the whole station; rebuilt after each load (ops.store_station_scores).';
revoke all on ops.station_score_parts from public;
