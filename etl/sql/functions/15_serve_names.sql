-- Names as a person reads them, where a file's own name repeats: a grid's name with its village.
--
-- Re-applied after every migration (etl/migrate.py): functions/, then views/, each in file-name
-- order, then grants.sql. The one home of these definitions: change them here, never in a revision.
-- `create or replace` changes bodies and comments and appends view columns at the end; to drop,
-- rename, reorder or retype a view's column, change a function's arguments or return type, or
-- remove an object, add a revision that drops it (and what depends on it); this file then makes it
-- anew. Revisions run first, so none relies on these being current; a file uses tables and what
-- earlier files define.

-- A grid named after its worker (张三网格) names a person: a stored person's or landlord's name (or a
-- phone) in the grid's own name is masked (serve.mask_text), and in its village's name too (a clerk's
-- text from a file as well), as the village's own view masks it.
create or replace function serve.grid_name(village text, grid text) returns text
language sql stable parallel safe cost 1000
return case when village is null or village = '' or grid like village || '%' then serve.mask_text(grid)
            else serve.mask_text(village) || '·' || serve.mask_text(grid) end;
comment on function serve.grid_name(text, text) is
    'A grid''s name with its village (grids are numbered within villages), a stored name in it masked: 白石社区·第6网格, 白石社区·张*网格.';
