"""What the map's search should answer, read independently of it: every place the viewer's scope
shows, ranked on its label as shown (masked) alone.

The places are read as the application role from the core tables, row-level security applying,
with the dashboard's own filter by station (as the search view read them before revision 0026);
their labels are masked with serve.mask_text. Masking every place would take seconds, so they are
masked best plain rank first: masking only turns characters into *, so a label holds no pair its
plain text does not, and once the answer's last place holds more pairs than the next place's plain
text does, no later place can enter it.
"""

from __future__ import annotations

import math

from dashboard.context import AppContext
from dashboard.db import fetch_all

PLACES = """
select p.kind, p.code, p.plain, p.station_code
from (
    select 'station' as kind, station_code as code, name as plain, station_code from core.police_stations
    union all select 'zone', zone_code, name, station_code from core.police_zones
    union all select 'grid', g.grid_code,
                     case when v.name is null or v.name = '' or g.name like v.name || '%' then g.name
                          else v.name || '·' || g.name end,
                     g.station_code
        from core.grids g left join core.villages v using (village_code)
    union all select 'community', community_code, name, station_code from core.communities
    union all select 'workstation', workstation_code, name, station_code from core.workstations
    union all select 'smart_community', smart_code, name, station_code from core.smart_communities
    union all select 'building', b.building_code, coalesce(a.full_address, b.name, b.building_code),
                     b.station_code
        from core.buildings b left join core.standard_addresses a using (address_code)
    union all select 'address', address_code, full_address, station_code from core.standard_addresses
) as p
"""


def _hits(text: str, q: str, pairs: list[str]) -> int:
    return (text == q) * 50 + sum(p in text for p in pairs)


def by_masked_labels(c: AppContext, query: str, limit: int) -> list[tuple[str, str]]:
    """The (kind, code) of the best ``limit`` places for ``query``: by how many of its pairs of
    characters their masked label holds (plus 50 when it is the query), then the shorter label,
    then the code; none holding fewer than half the pairs."""
    q = "".join(query.split()).replace("*", "")
    pairs = sorted({q[i : i + 2] for i in range(max(1, len(q) - 1))})
    least = max(1, math.ceil(len(pairs) * 0.5))
    scope = c.scope()
    found = fetch_all(
        c.url,
        f"{PLACES} where {scope.where('p', grids=False)} and p.plain like any(cast(:likes as text[]))",
        {**scope.params(), "likes": [f"%{p}%" for p in pairs]},
    )
    plain = sorted(
        ((_hits(r["plain"], q, pairs), r["kind"], r["code"], r["plain"]) for r in found),
        key=lambda r: -r[0],
    )
    plain = [r for r in plain if r[0] >= least]
    ranked: list[tuple[int, int, str, str]] = []
    done = 0
    while done < len(plain):
        if len(ranked) >= limit and -sorted(ranked)[limit - 1][0] > plain[done][0]:
            break  # every place left holds at most as many pairs as its plain text: fewer
        batch = plain[done : done + 200]
        labels = fetch_all(
            c.url,
            "select serve.mask_text(t.v) as label from unnest(cast(:t as text[])) with ordinality as t(v, n) "
            "order by t.n",
            {"t": [r[3] for r in batch]},
        )
        for (_, kind, code, _), row in zip(batch, labels, strict=True):
            hits = _hits(row["label"], q, pairs)
            if hits >= least:
                ranked.append((-hits, len(row["label"]), code, kind))
        done += len(batch)
    return [(kind, code) for _, _, code, kind in sorted(ranked)[:limit]]
