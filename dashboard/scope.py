"""The viewer's scope: which police stations' (and, for a grid worker, which grids') data a query
may return.

Every query function takes a :class:`Scope`, which comes from the server-side session (see
:mod:`dashboard.auth`); nothing in a request can widen it. The same scope is enforced a second
time by PostgreSQL: :meth:`Scope.token` signs it, :mod:`dashboard.db` sets it per transaction,
and the row-level security policies of migration 0004 check the signature.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from typing import Any

# a station, zone, grid or building code: the one pattern every check of a code uses (whole match)
CODE_PATTERN = r"[0-9A-Za-z_-]{1,40}"
CODE = re.compile(CODE_PATTERN)


@dataclass(frozen=True)
class Scope:
    """Stations (``None``: the whole area) and grids (``None``: every grid of those stations)."""

    stations: frozenset[str] | None
    grids: frozenset[str] | None = None

    def __post_init__(self) -> None:
        for code in (self.stations or frozenset()) | (self.grids or frozenset()):
            if not CODE.fullmatch(code):
                raise ValueError(f"not a station or grid code: {code!r}")

    @classmethod
    def everything(cls) -> Scope:
        return cls(None)

    @classmethod
    def of(cls, *stations: str) -> Scope:
        return cls(frozenset(stations))

    @classmethod
    def of_grids(cls, stations: set[str] | frozenset[str], grids: set[str] | frozenset[str]) -> Scope:
        """A grid worker's scope: their grids, within the stations those grids belong to."""
        return cls(frozenset(stations), frozenset(grids))

    def where(self, alias: str = "", grids: bool = True) -> str:
        """SQL condition on ``station_code`` and, when the table has one, ``grid_code``
        (bind with :meth:`params`); ``grids=False`` for tables without grid codes."""
        prefix = f"{alias}." if alias else ""
        cond = f"(cast(:scope_all as boolean) or {prefix}station_code = any(cast(:scope_stations as text[])))"
        if grids and self.grids is not None:
            cond += f" and {prefix}grid_code = any(cast(:scope_grids as text[]))"
        return cond

    def params(self) -> dict[str, Any]:
        return {
            "scope_all": self.stations is None,
            "scope_stations": sorted(self.stations) if self.stations is not None else [],
            "scope_grids": sorted(self.grids) if self.grids is not None else [],
        }

    def allows(self, station_code: str | None) -> bool:
        return self.stations is None or station_code in self.stations

    def allows_grid(self, grid_code: str | None) -> bool:
        return self.grids is None or grid_code in self.grids

    def token(
        self, key: bytes, role: str, ttl_seconds: int = 900, username: str = "", client: str | None = None
    ) -> str:
        """The scope signed for PostgreSQL's row-level security (``onemap.scope``), valid ``ttl``,
        naming the signed-in user and their client address (the audit functions take them from here)."""
        stations = "*" if self.stations is None else ",".join(sorted(self.stations))
        grids = "*" if self.grids is None else ",".join(sorted(self.grids))
        where = "".join(ch for ch in (client or "")[:100] if ch not in "|~")
        payload = f"{int(time.time()) + ttl_seconds}|{stations}|{grids}|{role}|{username}|{where}"
        return payload + "~" + hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()
