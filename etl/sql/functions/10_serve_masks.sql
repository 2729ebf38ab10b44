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

create or replace function serve.mask_digits(v text) returns text
language sql immutable parallel safe
return regexp_replace(v, '[0-9]{7,}[0-9Xx]?', '*******', 'g');
comment on function serve.mask_digits(text) is
    'Free text with every run of 7 or more digits (a phone or ID number someone typed) masked: 请联系*******.';
