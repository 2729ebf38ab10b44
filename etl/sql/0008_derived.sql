-- Which loads each derived table was last built from: a derived table is stale (and rebuilt by the
-- next load or `onemap etl derive`) when a source loaded after the batch it records.
create table ops.derived (
    name text primary key,
    through_batch bigint not null,
    built_at timestamptz not null default now()
);
comment on table ops.derived is
    'One row per derived table (alerts): the newest loaded batch it was built from, and when.';

-- The district of the manifest a batch came from: with the source's name and kind it says which
-- rejects a re-sent file replaces (districts of a city use the same source names). Batches loaded
-- before this revision have none and count as every district's.
alter table ops.load_batch add column area_code text;
comment on column ops.load_batch.area_code is 'District code of the manifest''s area (null before 0008).';
