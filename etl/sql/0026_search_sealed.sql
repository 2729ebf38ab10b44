-- 0026 the place search sealed and indexed. serve.search_index gave the application role every
-- place's name or address unmasked (`plain`, for narrowing the search), and a name or address may
-- name a person; the search now runs in serve.search_places (etl/sql/functions/46_serve_search.sql),
-- which reads the plain texts as the owner, applies the signed scope as the policies do and returns
-- masked labels only, so the view keeps no plain column (etl/sql/views/40_search.sql makes it anew
-- without it). The indexes below are what that function and serve.search_codes probe: a building by
-- its address, the shortest addresses first, and a building or an address by the beginning of its
-- code whatever its case. (The index of each text's pairs of characters is made with the function
-- computing them, etl/sql/functions/45_serve_search_narrow.sql.)
drop view if exists serve.search_index;
create index buildings_address_code_idx on core.buildings (address_code);
create index standard_addresses_length_idx on core.standard_addresses (char_length(full_address), address_code);
create index standard_addresses_code_upper_idx on core.standard_addresses (upper(address_code) text_pattern_ops);
create index buildings_code_upper_idx on core.buildings (upper(building_code) text_pattern_ops);
