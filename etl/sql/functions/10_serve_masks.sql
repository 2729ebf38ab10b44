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

-- A number typed in pieces or in other digits is masked whole: a chain of 7 or more digits with at
-- most three separators between two of them (138 1234 5678, 0756-8123456, 一三八〇〇一三八〇〇〇,
-- 壹叁捌…, ①③⑧…, full-width or not), an ID number's check letter X included, stand-ins for digits
-- after its first (138OO138OOO, 138****5678), or a mobile phone's head and four digits or more with
-- up to six characters of words between (138，尾号5678). A date, alone or in a range, with its time
-- or not (2026-12-05, 2026/12/05 10:30), or 3-5 stays readable. The strings below are those of
-- common/masking.py, verbatim (tests/common/test_masking.py): pages and what Python writes mask alike.
create or replace function serve.mask_digits(v text) returns text
language sql immutable parallel safe
return case
    -- most text holds no chain: the test without the lookbehinds first, the whole pattern only then
    when v ~
        replace(replace(replace(replace(replace(
            '<D>(?:<S>{0,3}(?:<D>|<T>)){6,}|<O><D><D>(?!<D>)[^\n\r]{1,6}?(?<!<D>)(?<!<D><S>)(?!<DATE>(?!<S>{0,3}<D>))<D>(?:<S>{0,3}(?:<D>|<T>)){3,}',
            '<DATE>', '<D>{4}[\u002d\u002e\u002f\uff0d\uff0e\uff0f]<D>{1,2}[\u002d\u002e\u002f\uff0d\uff0e\uff0f]<D>{1,2}(?:<S>{1,3}<D>{1,2}[\u003a\uff1a]<D>{2}(?:[\u003a\uff1a]<D>{2})?)?'),
            '<D>', '[\u0030-\u0039\u00b2-\u00b3\u00b9\u0660-\u0669\u06f0-\u06f9\u07c0-\u07c9\u0966-\u096f\u09e6-\u09ef\u0a66-\u0a6f\u0ae6-\u0aef\u0b66-\u0b6f\u0be6-\u0bef\u0c66-\u0c6f\u0ce6-\u0cef\u0d66-\u0d6f\u0de6-\u0def\u0e50-\u0e59\u0ed0-\u0ed9\u0f20-\u0f29\u1040-\u1049\u1090-\u1099\u1369-\u1371\u17e0-\u17e9\u1810-\u1819\u1946-\u194f\u19d0-\u19da\u1a80-\u1a89\u1a90-\u1a99\u1b50-\u1b59\u1bb0-\u1bb9\u1c40-\u1c49\u1c50-\u1c59\u2070\u2074-\u2079\u2080-\u2089\u2460-\u2468\u2474-\u247c\u2488-\u2490\u24ea\u24f5-\u24fd\u24ff\u25cb\u25ef\u2776-\u277e\u2780-\u2788\u278a-\u2792\u3007\u3021-\u3029\u3220-\u3228\u3280-\u3288\u4e00\u4e03\u4e09\u4e24\u4e5d\u4e8c\u4e94\u4f0d\u5169\u516b\u516d\u52fe\u53c1\u53c3-\u53c4\u56db\u58f9\u5e7a\u5f0c-\u5f0e\u62d0\u634c\u67d2\u6d1e\u7396\u8086\u8cb3\u8d30\u9646\u9678\u96f6\ua620-\ua629\ua8d0-\ua8d9\ua900-\ua909\ua9d0-\ua9d9\ua9f0-\ua9f9\uaa50-\uaa59\uabf0-\uabf9\uff10-\uff19\U000104a0-\U000104a9\U00010a40-\U00010a43\U00010d30-\U00010d39\U00010e60-\U00010e68\U00011052-\U0001105a\U00011066-\U0001106f\U000110f0-\U000110f9\U00011136-\U0001113f\U000111d0-\U000111d9\U000112f0-\U000112f9\U00011450-\U00011459\U000114d0-\U000114d9\U00011650-\U00011659\U000116c0-\U000116c9\U00011730-\U00011739\U000118e0-\U000118e9\U00011950-\U00011959\U00011c50-\U00011c59\U00011d50-\U00011d59\U00011da0-\U00011da9\U00016a60-\U00016a69\U00016ac0-\U00016ac9\U00016b50-\U00016b59\U0001d7ce-\U0001d7ff\U0001e140-\U0001e149\U0001e2f0-\U0001e2f9\U0001e950-\U0001e959\U0001f100-\U0001f10a\U0001fbf0-\U0001fbf9]'),
            '<S>', '[\u0009-\u000d\u0020\u0022-\u0023\u0027-\u002f\u003a-\u003b\u005b-\u005d\u005f\u007c\u007e\u00a0\u00b7\u1680\u2000-\u2015\u2018-\u2019\u201c-\u201d\u2022\u2028-\u202f\u205f-\u2064\u2212\u3000-\u3001\u3010-\u3011\u3014-\u3015\u301c\u30fb\ufeff\uff03\uff08-\uff0f\uff1a-\uff1b\uff3f\uff5c\uff5e\uff65]'),
            '<T>', '[\u002a\u003f\u0049\u004f\u0058\u006c\u006f\u0078\u00d7\u2026\u2217\u25cf\uff0a\uff1f\uff29\uff2f\uff38\uff4c\uff4f\uff58]'),
            '<O>', '[\u0031\u00b9\u0661\u06f1\u07c1\u0967\u09e7\u0a67\u0ae7\u0b67\u0be7\u0c67\u0ce7\u0d67\u0de7\u0e51\u0ed1\u0f21\u1041\u1091\u1369\u17e1\u1811\u1947\u19d1\u19da\u1a81\u1a91\u1b51\u1bb1\u1c41\u1c51\u2081\u2460\u2474\u2488\u24f5\u2776\u2780\u278a\u3021\u3220\u3280\u4e00\u58f9\u5e7a\u5f0c\ua621\ua8d1\ua901\ua9d1\ua9f1\uaa51\uabf1\uff11\U000104a1\U00010a40\U00010d31\U00010e60\U00011052\U00011067\U000110f1\U00011137\U000111d1\U000112f1\U00011451\U000114d1\U00011651\U000116c1\U00011731\U000118e1\U00011951\U00011c51\U00011d51\U00011da1\U00016a61\U00016ac1\U00016b51\U0001d7cf\U0001d7d9\U0001d7e3\U0001d7ed\U0001d7f7\U0001e141\U0001e2f1\U0001e951\U0001f102\U0001fbf1]')
    then regexp_replace(
        v,
        replace(replace(replace(replace(replace(
            '(?<!<D>)(?<!<D><S>)(?<!<D><S><S>)(?<!<D><S><S><S>)(?!<DATE>(?:<S>{1,3}<DATE>)*(?!<S>{0,3}<D>))(?:<D>(?:<S>{0,3}(?:<D>|<T>)){6,}|<O><D><D>(?!<D>)[^\n\r]{1,6}?(?<!<D>)(?<!<D><S>)(?!<DATE>(?!<S>{0,3}<D>))<D>(?:<S>{0,3}(?:<D>|<T>)){3,})[Xx]?',
            '<DATE>', '<D>{4}[\u002d\u002e\u002f\uff0d\uff0e\uff0f]<D>{1,2}[\u002d\u002e\u002f\uff0d\uff0e\uff0f]<D>{1,2}(?:<S>{1,3}<D>{1,2}[\u003a\uff1a]<D>{2}(?:[\u003a\uff1a]<D>{2})?)?'),
            '<D>', '[\u0030-\u0039\u00b2-\u00b3\u00b9\u0660-\u0669\u06f0-\u06f9\u07c0-\u07c9\u0966-\u096f\u09e6-\u09ef\u0a66-\u0a6f\u0ae6-\u0aef\u0b66-\u0b6f\u0be6-\u0bef\u0c66-\u0c6f\u0ce6-\u0cef\u0d66-\u0d6f\u0de6-\u0def\u0e50-\u0e59\u0ed0-\u0ed9\u0f20-\u0f29\u1040-\u1049\u1090-\u1099\u1369-\u1371\u17e0-\u17e9\u1810-\u1819\u1946-\u194f\u19d0-\u19da\u1a80-\u1a89\u1a90-\u1a99\u1b50-\u1b59\u1bb0-\u1bb9\u1c40-\u1c49\u1c50-\u1c59\u2070\u2074-\u2079\u2080-\u2089\u2460-\u2468\u2474-\u247c\u2488-\u2490\u24ea\u24f5-\u24fd\u24ff\u25cb\u25ef\u2776-\u277e\u2780-\u2788\u278a-\u2792\u3007\u3021-\u3029\u3220-\u3228\u3280-\u3288\u4e00\u4e03\u4e09\u4e24\u4e5d\u4e8c\u4e94\u4f0d\u5169\u516b\u516d\u52fe\u53c1\u53c3-\u53c4\u56db\u58f9\u5e7a\u5f0c-\u5f0e\u62d0\u634c\u67d2\u6d1e\u7396\u8086\u8cb3\u8d30\u9646\u9678\u96f6\ua620-\ua629\ua8d0-\ua8d9\ua900-\ua909\ua9d0-\ua9d9\ua9f0-\ua9f9\uaa50-\uaa59\uabf0-\uabf9\uff10-\uff19\U000104a0-\U000104a9\U00010a40-\U00010a43\U00010d30-\U00010d39\U00010e60-\U00010e68\U00011052-\U0001105a\U00011066-\U0001106f\U000110f0-\U000110f9\U00011136-\U0001113f\U000111d0-\U000111d9\U000112f0-\U000112f9\U00011450-\U00011459\U000114d0-\U000114d9\U00011650-\U00011659\U000116c0-\U000116c9\U00011730-\U00011739\U000118e0-\U000118e9\U00011950-\U00011959\U00011c50-\U00011c59\U00011d50-\U00011d59\U00011da0-\U00011da9\U00016a60-\U00016a69\U00016ac0-\U00016ac9\U00016b50-\U00016b59\U0001d7ce-\U0001d7ff\U0001e140-\U0001e149\U0001e2f0-\U0001e2f9\U0001e950-\U0001e959\U0001f100-\U0001f10a\U0001fbf0-\U0001fbf9]'),
            '<S>', '[\u0009-\u000d\u0020\u0022-\u0023\u0027-\u002f\u003a-\u003b\u005b-\u005d\u005f\u007c\u007e\u00a0\u00b7\u1680\u2000-\u2015\u2018-\u2019\u201c-\u201d\u2022\u2028-\u202f\u205f-\u2064\u2212\u3000-\u3001\u3010-\u3011\u3014-\u3015\u301c\u30fb\ufeff\uff03\uff08-\uff0f\uff1a-\uff1b\uff3f\uff5c\uff5e\uff65]'),
            '<T>', '[\u002a\u003f\u0049\u004f\u0058\u006c\u006f\u0078\u00d7\u2026\u2217\u25cf\uff0a\uff1f\uff29\uff2f\uff38\uff4c\uff4f\uff58]'),
            '<O>', '[\u0031\u00b9\u0661\u06f1\u07c1\u0967\u09e7\u0a67\u0ae7\u0b67\u0be7\u0c67\u0ce7\u0d67\u0de7\u0e51\u0ed1\u0f21\u1041\u1091\u1369\u17e1\u1811\u1947\u19d1\u19da\u1a81\u1a91\u1b51\u1bb1\u1c41\u1c51\u2081\u2460\u2474\u2488\u24f5\u2776\u2780\u278a\u3021\u3220\u3280\u4e00\u58f9\u5e7a\u5f0c\ua621\ua8d1\ua901\ua9d1\ua9f1\uaa51\uabf1\uff11\U000104a1\U00010a40\U00010d31\U00010e60\U00011052\U00011067\U000110f1\U00011137\U000111d1\U000112f1\U00011451\U000114d1\U00011651\U000116c1\U00011731\U000118e1\U00011951\U00011c51\U00011d51\U00011da1\U00016a61\U00016ac1\U00016b51\U0001d7cf\U0001d7d9\U0001d7e3\U0001d7ed\U0001d7f7\U0001e141\U0001e2f1\U0001e951\U0001f102\U0001fbf1]'),
        '*******', 'g')
    else v end;
comment on function serve.mask_digits(text) is
    'Free text with every phone or ID number in it masked, however written: a chain of 7 or more digits (any script, Chinese numerals included) split by at most three spaces, dashes or other separators, with stand-ins (O, *, x) after its first digit, or a mobile phone''s head and four digits with a few words between: 请联系*******.';

-- what an audited act was asked with holds typed text too (a note, a unit, a search), at any depth
-- (a list of units, an object inside): every string value is masked like any typed text; keys,
-- numbers, codes and dates read as they were
create or replace function serve.mask_json(p jsonb) returns jsonb
language plpgsql immutable parallel safe
as $$
begin
    return case jsonb_typeof(p)
        when 'string' then to_jsonb(serve.mask_digits(p #>> '{}'))
        when 'object' then coalesce((select jsonb_object_agg(e.key, serve.mask_json(e.value))
                                     from jsonb_each(p) as e), '{}'::jsonb)
        when 'array' then coalesce((select jsonb_agg(serve.mask_json(e.value) order by e.n)
                                    from jsonb_array_elements(p) with ordinality as e(value, n)), '[]'::jsonb)
        else p end;
end
$$;
comment on function serve.mask_json(jsonb) is
    'A JSON value with every phone or ID number in its strings, at any depth, masked (serve.mask_digits).';

-- an audit row's parameters are mostly an object of strings and numbers: that case in plain SQL
-- (ten times cheaper a row than the recursion), anything nested through serve.mask_json
create or replace function serve.mask_params(p jsonb) returns jsonb
language sql immutable parallel safe
return case when jsonb_typeof(p) = 'object' then coalesce(
    (select jsonb_object_agg(e.key, case jsonb_typeof(e.value)
                                        when 'string' then to_jsonb(serve.mask_digits(e.value #>> '{}'))
                                        when 'object' then serve.mask_json(e.value)
                                        when 'array' then serve.mask_json(e.value)
                                        else e.value end)
     from jsonb_each(p) as e), '{}'::jsonb) else serve.mask_json(p) end;
comment on function serve.mask_params(jsonb) is
    'An audited act''s parameters with every phone or ID number in their text values, at any depth, masked (serve.mask_digits).';
