-- Count the people and rental units of every attribution again (ops.refresh_area_counts) unless the
-- kept counts are those of the newest loaded batch, as ops.people_counts requires to use them.
select ops.refresh_area_counts()
where not exists (
    select 1 from ops.area_counts as k
    where k.batch_id = (select coalesce(max(lb.batch_id), 0) from ops.load_batch as lb where lb.status = 'loaded')
);
