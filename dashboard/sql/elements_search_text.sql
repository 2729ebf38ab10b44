-- Places by name or address, ranked on their masked labels (functions/46_serve_search.sql): the
-- plain texts never leave the database.
select s.kind, s.code, s.label, s.lon, s.lat, s.x0, s.y0, s.x1, s.y1, s.hits
from serve.search_places(:q, :limit, :pool, :pool_most) as s
