-- Masking of personal data on its way into serve: name 张*, ID 440***********0014, phone 138****5678.
--
-- Re-applied after every migration (etl/migrate.py): functions/, then views/, each in file-name
-- order, then grants.sql. The one home of these definitions: change them here, never in a revision.
-- `create or replace` changes bodies and comments and appends view columns at the end; to drop,
-- rename, reorder or retype a view's column, change a function's arguments or return type, or
-- remove an object, add a revision that drops it (and what depends on it); this file then makes it
-- anew. Revisions run first, so none relies on these being current; a file uses tables and what
-- earlier files define.

create or replace function serve.mask_name(v text) returns text
language sql immutable parallel safe
return case when v is null or v = '' then v else left(v, 1) || repeat('*', greatest(char_length(v) - 1, 1)) end;
comment on function serve.mask_name(text) is 'A personal name masked to its first character: 张三丰 → 张**.';

create or replace function serve.mask_id(v text) returns text
language sql immutable parallel safe
return case when v is null then null
            when char_length(v) < 8 then repeat('*', char_length(v))
            else left(v, 3) || repeat('*', char_length(v) - 7) || right(v, 4) end;
comment on function serve.mask_id(text) is 'An ID number masked to its first 3 and last 4 characters.';

create or replace function serve.mask_phone(v text) returns text
language sql immutable parallel safe
return case when v is null then null
            when char_length(v) < 8 then repeat('*', char_length(v))
            else left(v, 3) || repeat('*', char_length(v) - 7) || right(v, 4) end;
comment on function serve.mask_phone(text) is 'A phone number masked to its first 3 and last 4 digits: 138****5678.';

-- A number typed in pieces is masked whole: a run of 7 or more digits, or groups of 3 or more
-- split by a space or dash that end in 4 or more (138 1234 5678, 0756-8123456, an ID number in
-- three groups); full-width digits count as digits. A date (2026-12-05) or 3-5 stays readable.
create or replace function serve.mask_digits(v text) returns text
language sql immutable parallel safe
return regexp_replace(
    v,
    '[0-9０-９]{7,}[Xx]?|[0-9０-９]{3,}([ 　－-][0-9０-９]{3,})*[ 　－-]([0-9０-９]{4,}|[0-9０-９]{3}[Xx])[Xx]?',
    '*******', 'g');
comment on function serve.mask_digits(text) is
    'Free text with every phone or ID number someone typed masked, in one run of 7 or more digits or in groups split by spaces or dashes, full-width or not: 请联系*******.';

-- what an audited act was asked with holds typed text too (a note, a unit, a search): its string
-- values are masked like any typed text; numbers, codes and dates read as they were
create or replace function serve.mask_params(p jsonb) returns jsonb
language sql immutable parallel safe
return case when jsonb_typeof(p) = 'object' then coalesce(
    (select jsonb_object_agg(e.key, case when jsonb_typeof(e.value) = 'string'
                                         then to_jsonb(serve.mask_digits(e.value #>> '{}'))
                                         else e.value end)
     from jsonb_each(p) as e), '{}'::jsonb) else p end;
comment on function serve.mask_params(jsonb) is
    'An audited act''s parameters with every phone or ID number in their text values masked (serve.mask_digits).';
