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
        replace(replace(replace(replace(replace(replace(
            '<D>(?:<M>*(?:<S><M>*){0,3}(?:<D>|<T>)){6,}|<O>(?:<M>*(?:<S><M>*){0,2}<D>){2}(?!<M>*(?:<S><M>*){0,3}<D>)[^\n\r]{1,6}?(?<!<D>)(?<!<D><S>)(?!<DATE>(?!<M>*(?:<S><M>*){0,3}<D>))<D>(?:<M>*(?:<S><M>*){0,3}(?:<D>|<T>)){3,}',
            '<DATE>', '<D>{4}[\u002d\u002e\u002f\uff0d\uff0e\uff0f]<D>{1,2}[\u002d\u002e\u002f\uff0d\uff0e\uff0f]<D>{1,2}(?:<S>{1,3}<D>{1,2}[\u003a\uff1a]<D>{2}(?:[\u003a\uff1a]<D>{2})?)?'),
            '<D>', '[\u0030-\u0039\u00b2\u00b3\u00b9\u0660-\u0669\u06f0-\u06f9\u07c0-\u07c9\u0966-\u096f\u09e6-\u09ef\u0a66-\u0a6f\u0ae6-\u0aef\u0b66-\u0b6f\u0be6-\u0bef\u0c66-\u0c6f\u0ce6-\u0cef\u0d66-\u0d6f\u0de6-\u0def\u0e50-\u0e59\u0ed0-\u0ed9\u0f20-\u0f29\u1040-\u1049\u1090-\u1099\u1369-\u1371\u17e0-\u17e9\u1810-\u1819\u1946-\u194f\u19d0-\u19da\u1a80-\u1a89\u1a90-\u1a99\u1b50-\u1b59\u1bb0-\u1bb9\u1c40-\u1c49\u1c50-\u1c59\u2070\u2074-\u2079\u2080-\u2089\u2160-\u2168\u2170-\u2178\u2460-\u2468\u2474-\u247c\u2488-\u2490\u24ea\u24f5-\u24fd\u24ff\u25cb\u25ef\u2776-\u277e\u2780-\u2788\u278a-\u2792\u3007\u3021-\u3029\u3220-\u3228\u3280-\u3288\u4e00\u4e03\u4e09\u4e24\u4e48\u4e5d\u4e8c\u4e94\u4f0d\u5169\u516b\u516d\u52fe\u53c1\u53c3\u53c4\u56db\u58f9\u5e7a\u5f0c-\u5f0e\u62d0\u634c\u67d2\u6d1e\u7396\u8086\u8cae\u8cb3\u8d30\u9646\u9678\u96f6\ua620-\ua629\ua8d0-\ua8d9\ua900-\ua909\ua9d0-\ua9d9\ua9f0-\ua9f9\uaa50-\uaa59\uabf0-\uabf9\uff10-\uff19\U000104a0-\U000104a9\U00010a40-\U00010a43\U00010d30-\U00010d39\U00010e60-\U00010e68\U00011052-\U0001105a\U00011066-\U0001106f\U000110f0-\U000110f9\U00011136-\U0001113f\U000111d0-\U000111d9\U000112f0-\U000112f9\U00011450-\U00011459\U000114d0-\U000114d9\U00011650-\U00011659\U000116c0-\U000116c9\U00011730-\U00011739\U000118e0-\U000118e9\U00011950-\U00011959\U00011c50-\U00011c59\U00011d50-\U00011d59\U00011da0-\U00011da9\U00016a60-\U00016a69\U00016ac0-\U00016ac9\U00016b50-\U00016b59\U0001d7ce-\U0001d7ff\U0001e140-\U0001e149\U0001e2f0-\U0001e2f9\U0001e950-\U0001e959\U0001f100-\U0001f10a\U0001fbf0-\U0001fbf9]'),
            '<S>', '[\u0000-\u002f\u003a-\u0040\u005b-\u0060\u007b-\u00a9\u00ab-\u00b1\u00b4\u00b6-\u00b8\u00bb\u00bf\u00d7\u00f7\u01c0-\u01c3\u02b0-\u02ff\u0374\u0375\u037a\u037e\u0384\u0385\u0387\u03f6\u0482\u0559-\u055f\u0589\u058a\u058d-\u058f\u05be\u05c0\u05c3\u05c6\u05d5\u05df\u05f3\u05f4\u0600-\u060f\u061b-\u061f\u0627\u0640\u066a-\u066d\u06d4\u06dd\u06de\u06e5\u06e6\u06e9\u06fd\u06fe\u0700-\u070d\u070f\u07f4-\u07fa\u07fe\u07ff\u081a\u0824\u0828\u0830-\u083e\u085e\u0888\u0890\u0891\u08c9\u08e2\u0964\u0965\u0970\u0971\u09f2\u09f3\u09fa\u09fb\u09fd\u0a76\u0af0\u0af1\u0b70\u0bf3-\u0bfa\u0c77\u0c7f\u0c84\u0d4f\u0d79\u0df4\u0e3f\u0e46\u0e4f\u0e5a\u0e5b\u0ec6\u0f01-\u0f17\u0f1a-\u0f1f\u0f34\u0f36\u0f38\u0f3a-\u0f3d\u0f85\u0fbe-\u0fc5\u0fc7-\u0fcc\u0fce-\u0fda\u104a-\u104f\u109e\u109f\u10fb\u10fc\u1173\u1175\u119e\u1360-\u1368\u1390-\u1399\u1400\u166d\u166e\u1680\u169b\u169c\u16c1\u16eb-\u16ed\u1735\u1736\u17d4-\u17db\u1800-\u180a\u180e\u1843\u1940\u1944\u1945\u19de-\u19ff\u1a1e\u1a1f\u1aa0-\u1aad\u1b5a-\u1b6a\u1b74-\u1b7e\u1bfc-\u1bff\u1c3b-\u1c3f\u1c78-\u1c7f\u1cc0-\u1cc7\u1cd3\u1d2c-\u1d6a\u1d78\u1d9b-\u1dbf\u1fbd\u1fbf-\u1fc1\u1fcd-\u1fcf\u1fdd-\u1fdf\u1fed-\u1fef\u1ffd\u1ffe\u2000-\u2064\u2066-\u206f\u2071\u207a-\u207f\u208a-\u208e\u2090-\u209c\u20a0-\u20c0\u2100\u2101\u2103-\u2106\u2108\u2109\u2114\u2116-\u2118\u211e-\u2123\u2125\u2127\u2129\u212e\u213a\u213b\u2140-\u2144\u214a-\u214d\u214f\u218a\u218b\u2190-\u2426\u2440-\u244a\u249c-\u24e9\u2500-\u25ca\u25cc-\u25ee\u25f0-\u2775\u2794-\u2b73\u2b76-\u2b95\u2b97-\u2bff\u2c7c\u2c7d\u2ce5-\u2cea\u2cf9-\u2cfc\u2cfe\u2cff\u2d4f\u2d6f\u2d70\u2e00-\u2e5d\u2e80-\u2e99\u2e9b-\u2ef3\u2f00-\u2fd5\u2ff0-\u2ffb\u3000-\u3005\u3008-\u3020\u3030-\u3037\u303b\u303d-\u303f\u309b-\u309e\u30a0\u30ce\u30fb-\u30fe\u3127\u3161\u3163\u318d\u3190\u3191\u3196-\u319f\u31c0-\u31e3\u3200-\u321e\u322a-\u3247\u3250\u3260-\u327f\u328a-\u32b0\u32c0-\u33ff\u4dc0-\u4dff\u4e28\u4e36\u4e3f-\u4e41\u4e59\u4e5a\u4e85\u4ea0\u5182\u5196\u51f5\u531a\ua015\ua490-\ua4c6\ua4f2\ua4f8-\ua4ff\ua60c-\ua60f\ua673\ua67e\ua67f\ua69c\ua69d\ua6f2-\ua6f7\ua700-\ua721\ua770\ua788-\ua78a\ua78f\ua7f2-\ua7f4\ua7f8\ua7f9\ua828-\ua82b\ua836-\ua839\ua874-\ua877\ua8ce\ua8cf\ua8f8-\ua8fa\ua8fc\ua92e\ua92f\ua95f\ua9c1-\ua9cd\ua9cf\ua9de\ua9df\ua9e6\uaa5c-\uaa5f\uaa70\uaa77-\uaa79\uaadd-\uaadf\uaaf0\uaaf1\uaaf3\uaaf4\uab5b-\uab5f\uab69-\uab6b\uabeb\ufb29\ufbb2-\ufbc2\ufd3e-\ufd4f\ufdcf\ufdfc-\ufdff\ufe10-\ufe19\ufe30-\ufe52\ufe54-\ufe66\ufe68-\ufe6b\ufeff\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\uff70\uff9e\uff9f\uffda\uffdc\uffe0-\uffe6\uffe8-\uffee\ufff9-\ufffd\U00010100-\U00010102\U00010137-\U0001013f\U00010179-\U00010189\U0001018c-\U0001018e\U00010190-\U0001019c\U000101a0\U000101d0-\U000101fc\U0001039f\U000103d0\U0001056f\U00010780-\U00010785\U00010787-\U000107b0\U000107b2-\U000107ba\U00010857\U00010877\U00010878\U0001091f\U0001093f\U00010a50-\U00010a58\U00010a7f\U00010ac8\U00010af0-\U00010af6\U00010b39-\U00010b3f\U00010b99-\U00010b9c\U00010ead\U00010f55-\U00010f59\U00010f86-\U00010f89\U00011047-\U0001104d\U000110bb-\U000110c1\U000110cd\U00011140-\U00011143\U00011174\U00011175\U000111c5-\U000111c8\U000111cd\U000111db\U000111dd-\U000111df\U00011238-\U0001123d\U000112a9\U0001144b-\U0001144f\U0001145a\U0001145b\U0001145d\U000114c6\U000115c1-\U000115d7\U00011641-\U00011643\U00011660-\U0001166c\U000116b9\U0001173c-\U0001173f\U0001183b\U00011944-\U00011946\U000119e2\U00011a3f-\U00011a46\U00011a9a-\U00011a9c\U00011a9e-\U00011aa2\U00011c41-\U00011c45\U00011c70\U00011c71\U00011ef7\U00011ef8\U00011fd5-\U00011ff1\U00011fff\U00012470-\U00012474\U00012ff1\U00012ff2\U00013430-\U00013438\U00016a6e\U00016a6f\U00016af5\U00016b37-\U00016b45\U00016e97-\U00016e9a\U00016f93-\U00016f9f\U00016fe0-\U00016fe3\U0001aff0-\U0001aff3\U0001aff5-\U0001affb\U0001affd\U0001affe\U0001bc9c\U0001bc9f-\U0001bca3\U0001cf50-\U0001cfc3\U0001d000-\U0001d0f5\U0001d100-\U0001d126\U0001d129-\U0001d164\U0001d16a-\U0001d16c\U0001d173-\U0001d17a\U0001d183\U0001d184\U0001d18c-\U0001d1a9\U0001d1ae-\U0001d1ea\U0001d200-\U0001d241\U0001d245\U0001d300-\U0001d356\U0001d6c1\U0001d6db\U0001d6fb\U0001d715\U0001d735\U0001d74f\U0001d76f\U0001d789\U0001d7a9\U0001d7c3\U0001d800-\U0001d9ff\U0001da37-\U0001da3a\U0001da6d-\U0001da74\U0001da76-\U0001da83\U0001da85-\U0001da8b\U0001e137-\U0001e13d\U0001e14f\U0001e2ff\U0001e94b\U0001e95e\U0001e95f\U0001ecac\U0001ecb0\U0001ed2e\U0001eef0\U0001eef1\U0001f000-\U0001f02b\U0001f030-\U0001f093\U0001f0a0-\U0001f0ae\U0001f0b1-\U0001f0bf\U0001f0c1-\U0001f0cf\U0001f0d1-\U0001f0f5\U0001f10d-\U0001f1ad\U0001f1e6-\U0001f202\U0001f210-\U0001f23b\U0001f240-\U0001f248\U0001f250\U0001f251\U0001f260-\U0001f265\U0001f300-\U0001f6d7\U0001f6dd-\U0001f6ec\U0001f6f0-\U0001f6fc\U0001f700-\U0001f773\U0001f780-\U0001f7d8\U0001f7e0-\U0001f7eb\U0001f7f0\U0001f800-\U0001f80b\U0001f810-\U0001f847\U0001f850-\U0001f859\U0001f860-\U0001f887\U0001f890-\U0001f8ad\U0001f8b0\U0001f8b1\U0001f900-\U0001fa53\U0001fa60-\U0001fa6d\U0001fa70-\U0001fa74\U0001fa78-\U0001fa7c\U0001fa80-\U0001fa86\U0001fa90-\U0001faac\U0001fab0-\U0001faba\U0001fac0-\U0001fac5\U0001fad0-\U0001fad9\U0001fae0-\U0001fae7\U0001faf0-\U0001faf6\U0001fb00-\U0001fb92\U0001fb94-\U0001fbca\U000e0001\U000e0020-\U000e007f]'),
            '<T>', '[\u002a\u003f\u0049\u004f\u0058\u006c\u006f\u0078\u00d7\u2026\u2217\u25cf\uff0a\uff1f\uff29\uff2f\uff38\uff4c\uff4f\uff58]'),
            '<O>', '[\u0031\u00b9\u0661\u06f1\u07c1\u0967\u09e7\u0a67\u0ae7\u0b67\u0be7\u0c67\u0ce7\u0d67\u0de7\u0e51\u0ed1\u0f21\u1041\u1091\u1369\u17e1\u1811\u1947\u19d1\u19da\u1a81\u1a91\u1b51\u1bb1\u1c41\u1c51\u2081\u2160\u2170\u2460\u2474\u2488\u24f5\u2776\u2780\u278a\u3021\u3220\u3280\u4e00\u4e48\u58f9\u5e7a\u5f0c\ua621\ua8d1\ua901\ua9d1\ua9f1\uaa51\uabf1\uff11\U000104a1\U00010a40\U00010d31\U00010e60\U00011052\U00011067\U000110f1\U00011137\U000111d1\U000112f1\U00011451\U000114d1\U00011651\U000116c1\U00011731\U000118e1\U00011951\U00011c51\U00011d51\U00011da1\U00016a61\U00016ac1\U00016b51\U0001d7cf\U0001d7d9\U0001d7e3\U0001d7ed\U0001d7f7\U0001e141\U0001e2f1\U0001e951\U0001f102\U0001fbf1]'),
            '<M>', '[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed\u0711\u0730-\u074a\u07a6-\u07b0\u07eb-\u07f3\u07fd\u0816-\u0819\u081b-\u0823\u0825-\u0827\u0829-\u082d\u0859-\u085b\u0898-\u089f\u08ca-\u08e1\u08e3-\u0903\u093a-\u093c\u093e-\u094f\u0951-\u0957\u0962\u0963\u0981-\u0983\u09bc\u09be-\u09c4\u09c7\u09c8\u09cb-\u09cd\u09d7\u09e2\u09e3\u09fe\u0a01-\u0a03\u0a3c\u0a3e-\u0a42\u0a47\u0a48\u0a4b-\u0a4d\u0a51\u0a70\u0a71\u0a75\u0a81-\u0a83\u0abc\u0abe-\u0ac5\u0ac7-\u0ac9\u0acb-\u0acd\u0ae2\u0ae3\u0afa-\u0aff\u0b01-\u0b03\u0b3c\u0b3e-\u0b44\u0b47\u0b48\u0b4b-\u0b4d\u0b55-\u0b57\u0b62\u0b63\u0b82\u0bbe-\u0bc2\u0bc6-\u0bc8\u0bca-\u0bcd\u0bd7\u0c00-\u0c04\u0c3c\u0c3e-\u0c44\u0c46-\u0c48\u0c4a-\u0c4d\u0c55\u0c56\u0c62\u0c63\u0c81-\u0c83\u0cbc\u0cbe-\u0cc4\u0cc6-\u0cc8\u0cca-\u0ccd\u0cd5\u0cd6\u0ce2\u0ce3\u0d00-\u0d03\u0d3b\u0d3c\u0d3e-\u0d44\u0d46-\u0d48\u0d4a-\u0d4d\u0d57\u0d62\u0d63\u0d81-\u0d83\u0dca\u0dcf-\u0dd4\u0dd6\u0dd8-\u0ddf\u0df2\u0df3\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd\u0f18\u0f19\u0f35\u0f37\u0f39\u0f3e\u0f3f\u0f71-\u0f84\u0f86\u0f87\u0f8d-\u0f97\u0f99-\u0fbc\u0fc6\u102b-\u103e\u1056-\u1059\u105e-\u1060\u1062-\u1064\u1067-\u106d\u1071-\u1074\u1082-\u108d\u108f\u109a-\u109d\u135d-\u135f\u1712-\u1715\u1732-\u1734\u1752\u1753\u1772\u1773\u17b4-\u17d3\u17dd\u180b-\u180d\u180f\u1885\u1886\u18a9\u1920-\u192b\u1930-\u193b\u1a17-\u1a1b\u1a55-\u1a5e\u1a60-\u1a7c\u1a7f\u1ab0-\u1ace\u1b00-\u1b04\u1b34-\u1b44\u1b6b-\u1b73\u1b80-\u1b82\u1ba1-\u1bad\u1be6-\u1bf3\u1c24-\u1c37\u1cd0-\u1cd2\u1cd4-\u1ce8\u1ced\u1cf4\u1cf7-\u1cf9\u1dc0-\u1dff\u20d0-\u20f0\u2cef-\u2cf1\u2d7f\u2de0-\u2dff\u302a-\u302f\u3099\u309a\ua66f-\ua672\ua674-\ua67d\ua69e\ua69f\ua6f0\ua6f1\ua802\ua806\ua80b\ua823-\ua827\ua82c\ua880\ua881\ua8b4-\ua8c5\ua8e0-\ua8f1\ua8ff\ua926-\ua92d\ua947-\ua953\ua980-\ua983\ua9b3-\ua9c0\ua9e5\uaa29-\uaa36\uaa43\uaa4c\uaa4d\uaa7b-\uaa7d\uaab0\uaab2-\uaab4\uaab7\uaab8\uaabe\uaabf\uaac1\uaaeb-\uaaef\uaaf5\uaaf6\uabe3-\uabea\uabec\uabed\ufb1e\ufe00-\ufe0f\ufe20-\ufe2f\U000101fd\U000102e0\U00010376-\U0001037a\U00010a01-\U00010a03\U00010a05\U00010a06\U00010a0c-\U00010a0f\U00010a38-\U00010a3a\U00010a3f\U00010ae5\U00010ae6\U00010d24-\U00010d27\U00010eab\U00010eac\U00010f46-\U00010f50\U00010f82-\U00010f85\U00011000-\U00011002\U00011038-\U00011046\U00011070\U00011073\U00011074\U0001107f-\U00011082\U000110b0-\U000110ba\U000110c2\U00011100-\U00011102\U00011127-\U00011134\U00011145\U00011146\U00011173\U00011180-\U00011182\U000111b3-\U000111c0\U000111c9-\U000111cc\U000111ce\U000111cf\U0001122c-\U00011237\U0001123e\U000112df-\U000112ea\U00011300-\U00011303\U0001133b\U0001133c\U0001133e-\U00011344\U00011347\U00011348\U0001134b-\U0001134d\U00011357\U00011362\U00011363\U00011366-\U0001136c\U00011370-\U00011374\U00011435-\U00011446\U0001145e\U000114b0-\U000114c3\U000115af-\U000115b5\U000115b8-\U000115c0\U000115dc\U000115dd\U00011630-\U00011640\U000116ab-\U000116b7\U0001171d-\U0001172b\U0001182c-\U0001183a\U00011930-\U00011935\U00011937\U00011938\U0001193b-\U0001193e\U00011940\U00011942\U00011943\U000119d1-\U000119d7\U000119da-\U000119e0\U000119e4\U00011a01-\U00011a0a\U00011a33-\U00011a39\U00011a3b-\U00011a3e\U00011a47\U00011a51-\U00011a5b\U00011a8a-\U00011a99\U00011c2f-\U00011c36\U00011c38-\U00011c3f\U00011c92-\U00011ca7\U00011ca9-\U00011cb6\U00011d31-\U00011d36\U00011d3a\U00011d3c\U00011d3d\U00011d3f-\U00011d45\U00011d47\U00011d8a-\U00011d8e\U00011d90\U00011d91\U00011d93-\U00011d97\U00011ef3-\U00011ef6\U00016af0-\U00016af4\U00016b30-\U00016b36\U00016f4f\U00016f51-\U00016f87\U00016f8f-\U00016f92\U00016fe4\U00016ff0\U00016ff1\U0001bc9d\U0001bc9e\U0001cf00-\U0001cf2d\U0001cf30-\U0001cf46\U0001d165-\U0001d169\U0001d16d-\U0001d172\U0001d17b-\U0001d182\U0001d185-\U0001d18b\U0001d1aa-\U0001d1ad\U0001d242-\U0001d244\U0001da00-\U0001da36\U0001da3b-\U0001da6c\U0001da75\U0001da84\U0001da9b-\U0001da9f\U0001daa1-\U0001daaf\U0001e000-\U0001e006\U0001e008-\U0001e018\U0001e01b-\U0001e021\U0001e023\U0001e024\U0001e026-\U0001e02a\U0001e130-\U0001e136\U0001e2ae\U0001e2ec-\U0001e2ef\U0001e8d0-\U0001e8d6\U0001e944-\U0001e94a\U000e0100-\U000e01ef]')
    then regexp_replace(
        v,
        replace(replace(replace(replace(replace(replace(
            '(?<!<D>)(?<!<D><M>)(?<!<D><S>)(?<!<D><S><S>)(?<!<D><S><S><S>)(?!<DATE>(?:<S>{1,3}<DATE>)*(?!<M>*(?:<S><M>*){0,3}<D>))(?:<D>(?:<M>*(?:<S><M>*){0,3}(?:<D>|<T>)){6,}|<O>(?:<M>*(?:<S><M>*){0,2}<D>){2}(?!<M>*(?:<S><M>*){0,3}<D>)[^\n\r]{1,6}?(?<!<D>)(?<!<D><S>)(?!<DATE>(?!<M>*(?:<S><M>*){0,3}<D>))<D>(?:<M>*(?:<S><M>*){0,3}(?:<D>|<T>)){3,})[Xx]?',
            '<DATE>', '<D>{4}[\u002d\u002e\u002f\uff0d\uff0e\uff0f]<D>{1,2}[\u002d\u002e\u002f\uff0d\uff0e\uff0f]<D>{1,2}(?:<S>{1,3}<D>{1,2}[\u003a\uff1a]<D>{2}(?:[\u003a\uff1a]<D>{2})?)?'),
            '<D>', '[\u0030-\u0039\u00b2\u00b3\u00b9\u0660-\u0669\u06f0-\u06f9\u07c0-\u07c9\u0966-\u096f\u09e6-\u09ef\u0a66-\u0a6f\u0ae6-\u0aef\u0b66-\u0b6f\u0be6-\u0bef\u0c66-\u0c6f\u0ce6-\u0cef\u0d66-\u0d6f\u0de6-\u0def\u0e50-\u0e59\u0ed0-\u0ed9\u0f20-\u0f29\u1040-\u1049\u1090-\u1099\u1369-\u1371\u17e0-\u17e9\u1810-\u1819\u1946-\u194f\u19d0-\u19da\u1a80-\u1a89\u1a90-\u1a99\u1b50-\u1b59\u1bb0-\u1bb9\u1c40-\u1c49\u1c50-\u1c59\u2070\u2074-\u2079\u2080-\u2089\u2160-\u2168\u2170-\u2178\u2460-\u2468\u2474-\u247c\u2488-\u2490\u24ea\u24f5-\u24fd\u24ff\u25cb\u25ef\u2776-\u277e\u2780-\u2788\u278a-\u2792\u3007\u3021-\u3029\u3220-\u3228\u3280-\u3288\u4e00\u4e03\u4e09\u4e24\u4e48\u4e5d\u4e8c\u4e94\u4f0d\u5169\u516b\u516d\u52fe\u53c1\u53c3\u53c4\u56db\u58f9\u5e7a\u5f0c-\u5f0e\u62d0\u634c\u67d2\u6d1e\u7396\u8086\u8cae\u8cb3\u8d30\u9646\u9678\u96f6\ua620-\ua629\ua8d0-\ua8d9\ua900-\ua909\ua9d0-\ua9d9\ua9f0-\ua9f9\uaa50-\uaa59\uabf0-\uabf9\uff10-\uff19\U000104a0-\U000104a9\U00010a40-\U00010a43\U00010d30-\U00010d39\U00010e60-\U00010e68\U00011052-\U0001105a\U00011066-\U0001106f\U000110f0-\U000110f9\U00011136-\U0001113f\U000111d0-\U000111d9\U000112f0-\U000112f9\U00011450-\U00011459\U000114d0-\U000114d9\U00011650-\U00011659\U000116c0-\U000116c9\U00011730-\U00011739\U000118e0-\U000118e9\U00011950-\U00011959\U00011c50-\U00011c59\U00011d50-\U00011d59\U00011da0-\U00011da9\U00016a60-\U00016a69\U00016ac0-\U00016ac9\U00016b50-\U00016b59\U0001d7ce-\U0001d7ff\U0001e140-\U0001e149\U0001e2f0-\U0001e2f9\U0001e950-\U0001e959\U0001f100-\U0001f10a\U0001fbf0-\U0001fbf9]'),
            '<S>', '[\u0000-\u002f\u003a-\u0040\u005b-\u0060\u007b-\u00a9\u00ab-\u00b1\u00b4\u00b6-\u00b8\u00bb\u00bf\u00d7\u00f7\u01c0-\u01c3\u02b0-\u02ff\u0374\u0375\u037a\u037e\u0384\u0385\u0387\u03f6\u0482\u0559-\u055f\u0589\u058a\u058d-\u058f\u05be\u05c0\u05c3\u05c6\u05d5\u05df\u05f3\u05f4\u0600-\u060f\u061b-\u061f\u0627\u0640\u066a-\u066d\u06d4\u06dd\u06de\u06e5\u06e6\u06e9\u06fd\u06fe\u0700-\u070d\u070f\u07f4-\u07fa\u07fe\u07ff\u081a\u0824\u0828\u0830-\u083e\u085e\u0888\u0890\u0891\u08c9\u08e2\u0964\u0965\u0970\u0971\u09f2\u09f3\u09fa\u09fb\u09fd\u0a76\u0af0\u0af1\u0b70\u0bf3-\u0bfa\u0c77\u0c7f\u0c84\u0d4f\u0d79\u0df4\u0e3f\u0e46\u0e4f\u0e5a\u0e5b\u0ec6\u0f01-\u0f17\u0f1a-\u0f1f\u0f34\u0f36\u0f38\u0f3a-\u0f3d\u0f85\u0fbe-\u0fc5\u0fc7-\u0fcc\u0fce-\u0fda\u104a-\u104f\u109e\u109f\u10fb\u10fc\u1173\u1175\u119e\u1360-\u1368\u1390-\u1399\u1400\u166d\u166e\u1680\u169b\u169c\u16c1\u16eb-\u16ed\u1735\u1736\u17d4-\u17db\u1800-\u180a\u180e\u1843\u1940\u1944\u1945\u19de-\u19ff\u1a1e\u1a1f\u1aa0-\u1aad\u1b5a-\u1b6a\u1b74-\u1b7e\u1bfc-\u1bff\u1c3b-\u1c3f\u1c78-\u1c7f\u1cc0-\u1cc7\u1cd3\u1d2c-\u1d6a\u1d78\u1d9b-\u1dbf\u1fbd\u1fbf-\u1fc1\u1fcd-\u1fcf\u1fdd-\u1fdf\u1fed-\u1fef\u1ffd\u1ffe\u2000-\u2064\u2066-\u206f\u2071\u207a-\u207f\u208a-\u208e\u2090-\u209c\u20a0-\u20c0\u2100\u2101\u2103-\u2106\u2108\u2109\u2114\u2116-\u2118\u211e-\u2123\u2125\u2127\u2129\u212e\u213a\u213b\u2140-\u2144\u214a-\u214d\u214f\u218a\u218b\u2190-\u2426\u2440-\u244a\u249c-\u24e9\u2500-\u25ca\u25cc-\u25ee\u25f0-\u2775\u2794-\u2b73\u2b76-\u2b95\u2b97-\u2bff\u2c7c\u2c7d\u2ce5-\u2cea\u2cf9-\u2cfc\u2cfe\u2cff\u2d4f\u2d6f\u2d70\u2e00-\u2e5d\u2e80-\u2e99\u2e9b-\u2ef3\u2f00-\u2fd5\u2ff0-\u2ffb\u3000-\u3005\u3008-\u3020\u3030-\u3037\u303b\u303d-\u303f\u309b-\u309e\u30a0\u30ce\u30fb-\u30fe\u3127\u3161\u3163\u318d\u3190\u3191\u3196-\u319f\u31c0-\u31e3\u3200-\u321e\u322a-\u3247\u3250\u3260-\u327f\u328a-\u32b0\u32c0-\u33ff\u4dc0-\u4dff\u4e28\u4e36\u4e3f-\u4e41\u4e59\u4e5a\u4e85\u4ea0\u5182\u5196\u51f5\u531a\ua015\ua490-\ua4c6\ua4f2\ua4f8-\ua4ff\ua60c-\ua60f\ua673\ua67e\ua67f\ua69c\ua69d\ua6f2-\ua6f7\ua700-\ua721\ua770\ua788-\ua78a\ua78f\ua7f2-\ua7f4\ua7f8\ua7f9\ua828-\ua82b\ua836-\ua839\ua874-\ua877\ua8ce\ua8cf\ua8f8-\ua8fa\ua8fc\ua92e\ua92f\ua95f\ua9c1-\ua9cd\ua9cf\ua9de\ua9df\ua9e6\uaa5c-\uaa5f\uaa70\uaa77-\uaa79\uaadd-\uaadf\uaaf0\uaaf1\uaaf3\uaaf4\uab5b-\uab5f\uab69-\uab6b\uabeb\ufb29\ufbb2-\ufbc2\ufd3e-\ufd4f\ufdcf\ufdfc-\ufdff\ufe10-\ufe19\ufe30-\ufe52\ufe54-\ufe66\ufe68-\ufe6b\ufeff\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\uff70\uff9e\uff9f\uffda\uffdc\uffe0-\uffe6\uffe8-\uffee\ufff9-\ufffd\U00010100-\U00010102\U00010137-\U0001013f\U00010179-\U00010189\U0001018c-\U0001018e\U00010190-\U0001019c\U000101a0\U000101d0-\U000101fc\U0001039f\U000103d0\U0001056f\U00010780-\U00010785\U00010787-\U000107b0\U000107b2-\U000107ba\U00010857\U00010877\U00010878\U0001091f\U0001093f\U00010a50-\U00010a58\U00010a7f\U00010ac8\U00010af0-\U00010af6\U00010b39-\U00010b3f\U00010b99-\U00010b9c\U00010ead\U00010f55-\U00010f59\U00010f86-\U00010f89\U00011047-\U0001104d\U000110bb-\U000110c1\U000110cd\U00011140-\U00011143\U00011174\U00011175\U000111c5-\U000111c8\U000111cd\U000111db\U000111dd-\U000111df\U00011238-\U0001123d\U000112a9\U0001144b-\U0001144f\U0001145a\U0001145b\U0001145d\U000114c6\U000115c1-\U000115d7\U00011641-\U00011643\U00011660-\U0001166c\U000116b9\U0001173c-\U0001173f\U0001183b\U00011944-\U00011946\U000119e2\U00011a3f-\U00011a46\U00011a9a-\U00011a9c\U00011a9e-\U00011aa2\U00011c41-\U00011c45\U00011c70\U00011c71\U00011ef7\U00011ef8\U00011fd5-\U00011ff1\U00011fff\U00012470-\U00012474\U00012ff1\U00012ff2\U00013430-\U00013438\U00016a6e\U00016a6f\U00016af5\U00016b37-\U00016b45\U00016e97-\U00016e9a\U00016f93-\U00016f9f\U00016fe0-\U00016fe3\U0001aff0-\U0001aff3\U0001aff5-\U0001affb\U0001affd\U0001affe\U0001bc9c\U0001bc9f-\U0001bca3\U0001cf50-\U0001cfc3\U0001d000-\U0001d0f5\U0001d100-\U0001d126\U0001d129-\U0001d164\U0001d16a-\U0001d16c\U0001d173-\U0001d17a\U0001d183\U0001d184\U0001d18c-\U0001d1a9\U0001d1ae-\U0001d1ea\U0001d200-\U0001d241\U0001d245\U0001d300-\U0001d356\U0001d6c1\U0001d6db\U0001d6fb\U0001d715\U0001d735\U0001d74f\U0001d76f\U0001d789\U0001d7a9\U0001d7c3\U0001d800-\U0001d9ff\U0001da37-\U0001da3a\U0001da6d-\U0001da74\U0001da76-\U0001da83\U0001da85-\U0001da8b\U0001e137-\U0001e13d\U0001e14f\U0001e2ff\U0001e94b\U0001e95e\U0001e95f\U0001ecac\U0001ecb0\U0001ed2e\U0001eef0\U0001eef1\U0001f000-\U0001f02b\U0001f030-\U0001f093\U0001f0a0-\U0001f0ae\U0001f0b1-\U0001f0bf\U0001f0c1-\U0001f0cf\U0001f0d1-\U0001f0f5\U0001f10d-\U0001f1ad\U0001f1e6-\U0001f202\U0001f210-\U0001f23b\U0001f240-\U0001f248\U0001f250\U0001f251\U0001f260-\U0001f265\U0001f300-\U0001f6d7\U0001f6dd-\U0001f6ec\U0001f6f0-\U0001f6fc\U0001f700-\U0001f773\U0001f780-\U0001f7d8\U0001f7e0-\U0001f7eb\U0001f7f0\U0001f800-\U0001f80b\U0001f810-\U0001f847\U0001f850-\U0001f859\U0001f860-\U0001f887\U0001f890-\U0001f8ad\U0001f8b0\U0001f8b1\U0001f900-\U0001fa53\U0001fa60-\U0001fa6d\U0001fa70-\U0001fa74\U0001fa78-\U0001fa7c\U0001fa80-\U0001fa86\U0001fa90-\U0001faac\U0001fab0-\U0001faba\U0001fac0-\U0001fac5\U0001fad0-\U0001fad9\U0001fae0-\U0001fae7\U0001faf0-\U0001faf6\U0001fb00-\U0001fb92\U0001fb94-\U0001fbca\U000e0001\U000e0020-\U000e007f]'),
            '<T>', '[\u002a\u003f\u0049\u004f\u0058\u006c\u006f\u0078\u00d7\u2026\u2217\u25cf\uff0a\uff1f\uff29\uff2f\uff38\uff4c\uff4f\uff58]'),
            '<O>', '[\u0031\u00b9\u0661\u06f1\u07c1\u0967\u09e7\u0a67\u0ae7\u0b67\u0be7\u0c67\u0ce7\u0d67\u0de7\u0e51\u0ed1\u0f21\u1041\u1091\u1369\u17e1\u1811\u1947\u19d1\u19da\u1a81\u1a91\u1b51\u1bb1\u1c41\u1c51\u2081\u2160\u2170\u2460\u2474\u2488\u24f5\u2776\u2780\u278a\u3021\u3220\u3280\u4e00\u4e48\u58f9\u5e7a\u5f0c\ua621\ua8d1\ua901\ua9d1\ua9f1\uaa51\uabf1\uff11\U000104a1\U00010a40\U00010d31\U00010e60\U00011052\U00011067\U000110f1\U00011137\U000111d1\U000112f1\U00011451\U000114d1\U00011651\U000116c1\U00011731\U000118e1\U00011951\U00011c51\U00011d51\U00011da1\U00016a61\U00016ac1\U00016b51\U0001d7cf\U0001d7d9\U0001d7e3\U0001d7ed\U0001d7f7\U0001e141\U0001e2f1\U0001e951\U0001f102\U0001fbf1]'),
            '<M>', '[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed\u0711\u0730-\u074a\u07a6-\u07b0\u07eb-\u07f3\u07fd\u0816-\u0819\u081b-\u0823\u0825-\u0827\u0829-\u082d\u0859-\u085b\u0898-\u089f\u08ca-\u08e1\u08e3-\u0903\u093a-\u093c\u093e-\u094f\u0951-\u0957\u0962\u0963\u0981-\u0983\u09bc\u09be-\u09c4\u09c7\u09c8\u09cb-\u09cd\u09d7\u09e2\u09e3\u09fe\u0a01-\u0a03\u0a3c\u0a3e-\u0a42\u0a47\u0a48\u0a4b-\u0a4d\u0a51\u0a70\u0a71\u0a75\u0a81-\u0a83\u0abc\u0abe-\u0ac5\u0ac7-\u0ac9\u0acb-\u0acd\u0ae2\u0ae3\u0afa-\u0aff\u0b01-\u0b03\u0b3c\u0b3e-\u0b44\u0b47\u0b48\u0b4b-\u0b4d\u0b55-\u0b57\u0b62\u0b63\u0b82\u0bbe-\u0bc2\u0bc6-\u0bc8\u0bca-\u0bcd\u0bd7\u0c00-\u0c04\u0c3c\u0c3e-\u0c44\u0c46-\u0c48\u0c4a-\u0c4d\u0c55\u0c56\u0c62\u0c63\u0c81-\u0c83\u0cbc\u0cbe-\u0cc4\u0cc6-\u0cc8\u0cca-\u0ccd\u0cd5\u0cd6\u0ce2\u0ce3\u0d00-\u0d03\u0d3b\u0d3c\u0d3e-\u0d44\u0d46-\u0d48\u0d4a-\u0d4d\u0d57\u0d62\u0d63\u0d81-\u0d83\u0dca\u0dcf-\u0dd4\u0dd6\u0dd8-\u0ddf\u0df2\u0df3\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd\u0f18\u0f19\u0f35\u0f37\u0f39\u0f3e\u0f3f\u0f71-\u0f84\u0f86\u0f87\u0f8d-\u0f97\u0f99-\u0fbc\u0fc6\u102b-\u103e\u1056-\u1059\u105e-\u1060\u1062-\u1064\u1067-\u106d\u1071-\u1074\u1082-\u108d\u108f\u109a-\u109d\u135d-\u135f\u1712-\u1715\u1732-\u1734\u1752\u1753\u1772\u1773\u17b4-\u17d3\u17dd\u180b-\u180d\u180f\u1885\u1886\u18a9\u1920-\u192b\u1930-\u193b\u1a17-\u1a1b\u1a55-\u1a5e\u1a60-\u1a7c\u1a7f\u1ab0-\u1ace\u1b00-\u1b04\u1b34-\u1b44\u1b6b-\u1b73\u1b80-\u1b82\u1ba1-\u1bad\u1be6-\u1bf3\u1c24-\u1c37\u1cd0-\u1cd2\u1cd4-\u1ce8\u1ced\u1cf4\u1cf7-\u1cf9\u1dc0-\u1dff\u20d0-\u20f0\u2cef-\u2cf1\u2d7f\u2de0-\u2dff\u302a-\u302f\u3099\u309a\ua66f-\ua672\ua674-\ua67d\ua69e\ua69f\ua6f0\ua6f1\ua802\ua806\ua80b\ua823-\ua827\ua82c\ua880\ua881\ua8b4-\ua8c5\ua8e0-\ua8f1\ua8ff\ua926-\ua92d\ua947-\ua953\ua980-\ua983\ua9b3-\ua9c0\ua9e5\uaa29-\uaa36\uaa43\uaa4c\uaa4d\uaa7b-\uaa7d\uaab0\uaab2-\uaab4\uaab7\uaab8\uaabe\uaabf\uaac1\uaaeb-\uaaef\uaaf5\uaaf6\uabe3-\uabea\uabec\uabed\ufb1e\ufe00-\ufe0f\ufe20-\ufe2f\U000101fd\U000102e0\U00010376-\U0001037a\U00010a01-\U00010a03\U00010a05\U00010a06\U00010a0c-\U00010a0f\U00010a38-\U00010a3a\U00010a3f\U00010ae5\U00010ae6\U00010d24-\U00010d27\U00010eab\U00010eac\U00010f46-\U00010f50\U00010f82-\U00010f85\U00011000-\U00011002\U00011038-\U00011046\U00011070\U00011073\U00011074\U0001107f-\U00011082\U000110b0-\U000110ba\U000110c2\U00011100-\U00011102\U00011127-\U00011134\U00011145\U00011146\U00011173\U00011180-\U00011182\U000111b3-\U000111c0\U000111c9-\U000111cc\U000111ce\U000111cf\U0001122c-\U00011237\U0001123e\U000112df-\U000112ea\U00011300-\U00011303\U0001133b\U0001133c\U0001133e-\U00011344\U00011347\U00011348\U0001134b-\U0001134d\U00011357\U00011362\U00011363\U00011366-\U0001136c\U00011370-\U00011374\U00011435-\U00011446\U0001145e\U000114b0-\U000114c3\U000115af-\U000115b5\U000115b8-\U000115c0\U000115dc\U000115dd\U00011630-\U00011640\U000116ab-\U000116b7\U0001171d-\U0001172b\U0001182c-\U0001183a\U00011930-\U00011935\U00011937\U00011938\U0001193b-\U0001193e\U00011940\U00011942\U00011943\U000119d1-\U000119d7\U000119da-\U000119e0\U000119e4\U00011a01-\U00011a0a\U00011a33-\U00011a39\U00011a3b-\U00011a3e\U00011a47\U00011a51-\U00011a5b\U00011a8a-\U00011a99\U00011c2f-\U00011c36\U00011c38-\U00011c3f\U00011c92-\U00011ca7\U00011ca9-\U00011cb6\U00011d31-\U00011d36\U00011d3a\U00011d3c\U00011d3d\U00011d3f-\U00011d45\U00011d47\U00011d8a-\U00011d8e\U00011d90\U00011d91\U00011d93-\U00011d97\U00011ef3-\U00011ef6\U00016af0-\U00016af4\U00016b30-\U00016b36\U00016f4f\U00016f51-\U00016f87\U00016f8f-\U00016f92\U00016fe4\U00016ff0\U00016ff1\U0001bc9d\U0001bc9e\U0001cf00-\U0001cf2d\U0001cf30-\U0001cf46\U0001d165-\U0001d169\U0001d16d-\U0001d172\U0001d17b-\U0001d182\U0001d185-\U0001d18b\U0001d1aa-\U0001d1ad\U0001d242-\U0001d244\U0001da00-\U0001da36\U0001da3b-\U0001da6c\U0001da75\U0001da84\U0001da9b-\U0001da9f\U0001daa1-\U0001daaf\U0001e000-\U0001e006\U0001e008-\U0001e018\U0001e01b-\U0001e021\U0001e023\U0001e024\U0001e026-\U0001e02a\U0001e130-\U0001e136\U0001e2ae\U0001e2ec-\U0001e2ef\U0001e8d0-\U0001e8d6\U0001e944-\U0001e94a\U000e0100-\U000e01ef]'),
        '*******', 'g')
    else v end;
comment on function serve.mask_digits(text) is
    'Free text with every phone or ID number in it masked, however written: a chain of 7 or more digits (any script, Chinese numerals included) split by at most three spaces, dashes or other separators, with stand-ins (O, *, x) after its first digit, or a mobile phone''s head and four digits with a few words between: 请联系*******.';

-- A name the warehouse holds (a person's, a landlord's) typed into free text (张三与李四因…, a title,
-- a note) is masked as the name columns are (张*): every piece of two to eight characters of the
-- text, read without the spaces, unseen characters and punctuation a clerk or an attacker puts
-- inside a name (张　三, 张 三 with a zero-width space, 张·三, 张-三), is looked up among the stored names (indexes of revision
-- 0020), longest first. Security definer: row-level security would hide the names of people outside the reader's
-- scope, whose names a text in scope may still hold; only the masked text comes back.
create or replace function serve.mask_names(v text) returns text
-- costly (two index probes a text): the planner evaluates it after a sort and limit where it can,
-- on the rows a page shows rather than every row it ranks
language plpgsql stable parallel safe security definer cost 1000
set search_path = pg_catalog, pg_temp
as $$
declare
    -- what is put inside a name to slip it past: spaces, unseen characters, dots, dashes, slashes,
    -- bars, commas, brackets, stars, full-width or not
    gap constant text := '[\s\u00a0\u00ad\u3000\u200b-\u200f\u2060-\u2064\ufeff!-/:-@\[-`{-~\u00b7\u2010-\u2027\u3001-\u3003\u3008-\u3011\u3014-\u301f\u30fb\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]*';
    bare text;
    pieces text[];
    found text;
begin
    -- most text holds no two Chinese characters side by side
    if v is null or v !~ ('[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]' || gap || '[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]') then
        return v;
    end if;
    bare := regexp_replace(v, gap, '', 'g');
    -- every piece of two to eight characters, the names among them found in one probe of each index
    pieces := array(select distinct substr(bare, i, n)
                    from generate_series(1, char_length(bare) - 1) as i, generate_series(2, 8) as n
                    where i + n - 1 <= char_length(bare));
    for found in
        select k.name
        from (select p.name from core.persons p where p.name = any(pieces)
              union
              select u.landlord_name from core.rental_units u where u.landlord_name = any(pieces)) as k
        -- a name is Chinese characters (a middle dot between the parts of a transcribed one)
        where k.name ~ '^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff][\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u00b7\u2022]*[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]$'
        order by char_length(k.name) desc, k.name
    loop
        -- the name's characters with whatever the text put between them
        v := regexp_replace(v, array_to_string(regexp_split_to_array(found, ''), gap), serve.mask_name(found), 'g');
    end loop;
    return v;
end
$$;
comment on function serve.mask_names(text) is
    'Free text with every name of a stored person or landlord in it masked to its first character (张三 → 张*), spaces, unseen characters or punctuation inside the name included.';

-- typed or delivered free text as a page or an export may show it: numbers and known names masked
create or replace function serve.mask_text_afresh(v text) returns text
language sql stable parallel safe cost 1000
return serve.mask_names(serve.mask_digits(v));
comment on function serve.mask_text_afresh(text) is
    'Free text with every phone or ID number (serve.mask_digits) and every stored name (serve.mask_names) in it masked, computed now.';

-- the same, read from the texts kept since the last load (ops.masked_texts: place names, road names,
-- kinds) when it is one of them: emptied whenever a stored name changes, so never stale (a string
-- body: the table may be dropped and made again without this function)
create or replace function serve.mask_text(v text) returns text
language sql stable parallel safe cost 1000 security definer set search_path = pg_catalog, pg_temp
as $$
select coalesce((select k.masked from ops.masked_texts as k where k.plain = v), serve.mask_text_afresh(v))
$$;
comment on function serve.mask_text(text) is
    'Free text with every phone or ID number (serve.mask_digits) and every stored name (serve.mask_names) in it masked (serve.mask_text_afresh), read from ops.masked_texts when kept there.';

-- a stored name of a person or landlord changed: every kept masked text may be wrong, forget them
-- all in the writing statement's own transaction (the next fill masks them again); enabled always,
-- so a load writing with session_replication_role = replica (etl/foreign_keys.py) fires them too
create or replace function ops.forget_masked_texts() returns trigger
language plpgsql security definer set search_path = pg_catalog, pg_temp
as $$
begin
    delete from ops.masked_texts;
    return null;
end
$$;
comment on function ops.forget_masked_texts() is
    'Trigger: a stored name of a person or landlord changed, so forget every kept masked text (ops.masked_texts).';
revoke all on function ops.forget_masked_texts() from public;
create or replace trigger names_changed after insert or update of name or delete on core.persons
    for each statement execute function ops.forget_masked_texts();
create or replace trigger names_truncated after truncate on core.persons
    for each statement execute function ops.forget_masked_texts();
create or replace trigger names_changed after insert or update of landlord_name or delete on core.rental_units
    for each statement execute function ops.forget_masked_texts();
create or replace trigger names_truncated after truncate on core.rental_units
    for each statement execute function ops.forget_masked_texts();
alter table core.persons enable always trigger names_changed;
alter table core.persons enable always trigger names_truncated;
alter table core.rental_units enable always trigger names_changed;
alter table core.rental_units enable always trigger names_truncated;

-- fill the kept texts: every name of a place, road or kind a page shows (bounded vocabularies,
-- never a row's own free text), masked afresh; how many
create or replace function ops.refresh_masked_texts() returns bigint
language plpgsql security definer set search_path = pg_catalog, pg_temp
as $$
declare
    n bigint;
begin
    delete from ops.masked_texts;
    insert into ops.masked_texts (plain, masked)
    select t, serve.mask_text_afresh(t)
    from (select name from core.districts union select city_name from core.districts
          union select name from core.police_stations union select address from core.police_stations
          union select name from core.police_zones union select name from core.grids
          union select name from core.villages union select name from core.towns
          union select name from core.roads union select name from core.water_areas
          union select name from core.green_areas union select name from core.communities
          union select name_zh from core.grid_event_kinds union select handling_dept from core.grid_events
          union select responsible_dept from core.hazards union select hint_batch from core.hazards
          union select dispute_type from core.disputes) as s(t)
    where t is not null;
    get diagnostics n = row_count;
    return n;
end
$$;
comment on function ops.refresh_masked_texts() is
    'Mask afresh every place, road and kind name into ops.masked_texts (emptied first); after each load and migration. Returns how many.';
revoke all on function ops.refresh_masked_texts() from public;

-- what an audited act was asked with holds typed text too (a note, a unit, a search), at any depth
-- (a list of units, an object inside): every string value is masked like any typed text; keys,
-- numbers, codes and dates read as they were
create or replace function serve.mask_json(p jsonb) returns jsonb
language plpgsql stable parallel safe
as $$
begin
    return case jsonb_typeof(p)
        when 'string' then to_jsonb(serve.mask_text(p #>> '{}'))
        when 'object' then coalesce((select jsonb_object_agg(e.key, serve.mask_json(e.value))
                                     from jsonb_each(p) as e), '{}'::jsonb)
        when 'array' then coalesce((select jsonb_agg(serve.mask_json(e.value) order by e.n)
                                    from jsonb_array_elements(p) with ordinality as e(value, n)), '[]'::jsonb)
        else p end;
end
$$;
comment on function serve.mask_json(jsonb) is
    'A JSON value with every phone or ID number and stored name in its strings, at any depth, masked (serve.mask_text).';

-- an audit row's parameters are mostly an object of strings and numbers: that case in plain SQL
-- (ten times cheaper a row than the recursion), anything nested through serve.mask_json
create or replace function serve.mask_params(p jsonb) returns jsonb
language sql stable parallel safe
return case when jsonb_typeof(p) = 'object' then coalesce(
    (select jsonb_object_agg(e.key, case jsonb_typeof(e.value)
                                        when 'string' then to_jsonb(serve.mask_text(e.value #>> '{}'))
                                        when 'object' then serve.mask_json(e.value)
                                        when 'array' then serve.mask_json(e.value)
                                        else e.value end)
     from jsonb_each(p) as e), '{}'::jsonb) else serve.mask_json(p) end;
comment on function serve.mask_params(jsonb) is
    'An audited act''s parameters with every phone or ID number and stored name in their text values, at any depth, masked (serve.mask_text).';
