"""The viewer's scope: which police stations' data a query may return.

Every query function takes a :class:`Scope`. Until login exists (the access-control issue binds
it to the server-side session) the app serves the whole area; nothing in a request can widen it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Scope:
    """The stations a viewer may see; ``stations=None`` means the whole area (leadership)."""

    stations: frozenset[str] | None

    @classmethod
    def everything(cls) -> Scope:
        return cls(None)

    @classmethod
    def of(cls, *stations: str) -> Scope:
        return cls(frozenset(stations))

    def where(self, alias: str = "") -> str:
        """SQL condition on ``station_code`` (bind with :meth:`params`)."""
        col = f"{alias}.station_code" if alias else "station_code"
        return f"(cast(:scope_all as boolean) or {col} = any(cast(:scope_stations as text[])))"

    def params(self) -> dict[str, Any]:
        return {
            "scope_all": self.stations is None,
            "scope_stations": sorted(self.stations) if self.stations is not None else [],
        }

    def allows(self, station_code: str | None) -> bool:
        return self.stations is None or station_code in self.stations
