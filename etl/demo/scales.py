"""How big a demo county is: the named scales (small, county, city) and the split of a city into districts.

Counts are targets: feeds built from samples (people, gate-access events) land near them, not on them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, kw_only=True)
class Scale:
    """The sizes of one demo area, every one by name."""

    name: str
    """Written into the manifest as ``generated.scale``."""
    stations: int
    """Police station areas; each is also one town (镇街), so towns number the same."""
    zones: int
    """Police zones (警务区), shared out among the stations."""
    grids: int
    """Governance grids (综治网格), denser where people live."""
    villages: int
    """Villages and residents' communities (社区村) the grids are grouped into (at most this many)."""
    roads: int
    """Named roads the doorplates run along."""
    size_km: float
    """The side of the area in kilometres (it is drawn as an irregular ring that wide)."""
    buildings: int
    """Buildings (楼栋), each with its standard address."""
    persons: int
    """Registered people (实有人口): tenants of rental units plus residents of other homes."""
    communities: int
    """Residential compounds (小区), city villages included."""
    smart_communities: int
    """Smart security communities (智慧安防小区), chosen among the compounds that are not city villages."""
    sensors: int
    """Sensing devices of the smart communities."""
    cameras: int
    """Camera points and checkpoints (a sixth of them on the border)."""
    workstations: int
    """Police–grid fusion workstations, at the first hot spots."""
    access_events: int
    """Gate-access events over ``access_days`` (a rate per card is derived from it)."""
    incidents: int
    """Police incidents over ``weeks`` (last year's same weeks get about 10 % more)."""
    grid_events: int
    """Grid events over ``weeks``."""
    disputes: int
    """Disputes over ``weeks``."""
    hazards: int
    """Hazards over ``weeks``."""
    access_days: int = 28
    """Days of gate-access events, one file each, ending with the last day of data."""
    weeks: int = 12
    """Weeks of incidents, grid events, disputes and hazards, ending with the last day of data."""


SMALL = Scale(
    name="small",
    stations=4,
    zones=24,
    grids=120,
    villages=24,
    roads=16,
    size_km=12,
    buildings=6_000,
    persons=25_000,
    communities=60,
    smart_communities=20,
    sensors=400,
    cameras=150,
    workstations=6,
    access_events=200_000,
    incidents=5_000,
    grid_events=3_000,
    disputes=800,
    hazards=1_500,
)
COUNTY = Scale(
    name="county",
    stations=12,
    zones=104,
    grids=1_636,
    villages=280,
    roads=48,
    size_km=40,
    buildings=300_000,
    persons=400_000,
    communities=900,
    smart_communities=186,
    sensors=4_000,
    cameras=1_234,
    workstations=19,
    access_events=10_000_000,
    incidents=50_000,
    grid_events=20_000,
    disputes=3_000,
    hazards=6_000,
    access_days=30,
    weeks=13,
)
CITY = Scale(
    name="city",
    stations=60,
    zones=873,
    grids=30_000,
    villages=1_500,
    roads=120,
    size_km=90,
    buildings=2_000_000,
    persons=3_000_000,
    communities=6_000,
    smart_communities=3_560,
    sensors=30_000,
    cameras=8_000,
    workstations=60,
    access_events=20_000_000,
    incidents=200_000,
    grid_events=80_000,
    disputes=10_000,
    hazards=20_000,
    access_days=14,
    weeks=13,
)
SCALES = {scale.name: scale for scale in (SMALL, COUNTY, CITY)}


def district_scale(city: Scale, n: int) -> Scale:
    """One of ``n`` equal districts of a city: every count divided, the side by sqrt(n).

    Parameters
    ----------
    city : Scale
        The whole city.
    n : int
        How many districts it is written as.

    Returns
    -------
    Scale
        The city's name and periods, each count ``1/n`` of the city's (at least 1).
    """
    kept = ("name", "size_km", "access_days", "weeks")
    counts = {
        field.name: max(1, round(getattr(city, field.name) / n))
        for field in dataclasses.fields(city)
        if field.name not in kept
    }
    return dataclasses.replace(city, size_km=city.size_km / np.sqrt(n), **counts)
