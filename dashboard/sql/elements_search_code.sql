-- Places whose code is the query or starts with it, the exact one first (functions/46_serve_search.sql).
select s.kind, s.code, s.label, s.lon, s.lat, s.x0, s.y0, s.x1, s.y1, s.hits
from serve.search_codes(:q, :limit) as s
