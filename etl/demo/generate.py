"""``onemap demo generate``: a reproducible synthetic county written as agencies deliver it.

Each feed is in its agency's own format, encoding and datum, with agency column names, and a
small controlled share of realistic defects. ``defects.json`` lists every injected defect
(source, line, reason) so tests can check that each one is quarantined for the right reason.

The writers share one random stream, so this module calls them in one fixed order, handing each
what the earlier ones returned: reordering them changes every file after the first moved one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import numpy as np
import yaml

from common.china import today
from etl.demo.access import write_access
from etl.demo.basemap import write_basemap
from etl.demo.buildings import draw_buildings, write_communities
from etl.demo.county import County
from etl.demo.divisions import write_divisions, write_grids, write_police
from etl.demo.events import write_disputes, write_grid_events, write_hazards, write_kinds
from etl.demo.geography import CITY_DISTRICTS, COUNTY, M_PER_DEG_LAT, Place, build
from etl.demo.ground import build_real
from etl.demo.hotspot_cases import plant_hotspots
from etl.demo.housing import write_housing
from etl.demo.incidents import write_incidents
from etl.demo.places import write_security, write_smart
from etl.demo.scales import SCALES, Scale, district_scale
from etl.demo.writers import set_stamp

LOGGER = logging.getLogger(__name__)
# the steps reported to ``progress``, in the order they run
STEPS = (
    "divisions",
    "police",
    "grids",
    "buildings",
    "communities",
    "housing",
    "access",
    "smart",
    "security",
    "events",
    "basemap",
)
Progress = Callable[[str, int], None]
GROUNDS = ("round", "real")  # what the county is drawn on (see :func:`write_area`)


def default_ground(scale: str | Scale) -> str:
    """The ground a scale is drawn on unless asked otherwise: ``real`` (增城区) for the named small
    and county scales; ``round`` for the city, whose districts are Fuzhou's, and for a hand-made
    :class:`Scale` (tests' tiny counties), whose size in kilometres only a round county honours.
    """
    return "real" if scale in ("small", "county") else "round"


def _log_step(name: str, _total: int) -> None:
    LOGGER.info("generating %s", name)


def write_feeds(
    county: County, progress: Progress = _log_step, basemap_rng: np.random.Generator | None = None
) -> None:
    """Write every feed of ``county``, in the one order its random stream allows.

    Parameters
    ----------
    county : County
        The area to write; its manifest entries and defects are recorded on it.
    progress : callable
        ``progress(step, len(STEPS))`` is called as each of :data:`STEPS` begins.
    basemap_rng : numpy.random.Generator, optional
        The surveying layers' own stream (they come last and draw nothing from the shared one);
        a stream of their own from a fixed seed when not given.
    """

    def step(name: str) -> None:
        assert name == STEPS[len(done)], f"step {name!r} out of order"
        done.append(name)
        progress(name, len(STEPS))

    done: list[str] = []
    step("divisions")
    divisions = write_divisions(county)
    step("police")
    write_police(county, divisions)
    step("grids")
    write_grids(county, divisions)
    step("buildings")
    buildings = draw_buildings(county, divisions)
    step("communities")
    buildings, communities = write_communities(county, divisions, buildings)
    step("housing")
    tenancy = write_housing(county, divisions, buildings)
    step("access")
    write_access(county, buildings, tenancy)
    step("smart")
    write_smart(county, communities)
    step("security")
    write_security(county, divisions, buildings)
    step("events")
    book = write_kinds(county)
    write_incidents(county, buildings)
    write_grid_events(county, buildings, book)
    write_disputes(county, buildings)
    write_hazards(county, buildings, tenancy)
    plant_hotspots(county)  # its own random stream: the feeds above stay as they were
    step("basemap")
    write_basemap(county, basemap_rng or np.random.default_rng(16), buildings)


def write_area(
    scale: Scale,
    seed: int | list[int],
    out: Path,
    until: date,
    manifest_seed: int,
    place: Place = COUNTY,
    id_seq: tuple[int, int] = (0, 100),
    progress: Progress = _log_step,
    ground: str = "round",
) -> Path:
    """Draw one area, write its feeds, ``manifest.yaml`` and ``defects.json``; return the manifest's path.

    Parameters
    ----------
    scale : Scale
        The sizes; its name is written into the manifest.
    seed : int or list of int
        Seeds the area's one random stream (a district of a city adds its index).
    out : Path
        The directory to write into (made if missing).
    until : date
        The last day of data.
    manifest_seed : int
        The seed the user gave, as the manifest records it.
    place : Place
        Which district the area stands for, and where it lies.
    id_seq : tuple of int
        The half-open range of the first two digits of ID sequence numbers.
    progress : callable
        Called as each step begins (see :func:`write_feeds`).
    ground : str
        ``round``: an irregular ring ``scale.size_km`` wide cut by straight lines; ``real``: the
        real outline of 增城区 cut along a generated road network (see :mod:`etl.demo.ground`).
    """
    out.mkdir(parents=True, exist_ok=True)
    set_stamp(datetime(until.year, until.month, until.day))
    logging.getLogger("pyogrio").setLevel(logging.WARNING)
    LOGGER.info("drawing the county")
    rng = np.random.default_rng(seed)
    if ground == "real":
        geo = build_real(rng, scale.zones, scale.grids, scale.villages, scale.roads, (place.cx, place.cy))
    else:
        geo = build(
            rng,
            scale.stations,
            scale.zones,
            scale.grids,
            scale.villages,
            scale.roads,
            scale.size_km,
            (place.cx, place.cy),
        )
    county = County(scale, rng, geo, out, until, place, id_seq)
    # the surveying layers draw from a stream of their own: adding them moved no other feed's file
    seeds = seed if isinstance(seed, list) else [seed]
    write_feeds(county, progress, np.random.default_rng([*seeds, 16]))
    manifest = {
        "version": 1,
        "area": {"district_code": county.code, "name": place.district_name, "city": place.city},
        "generated": {"seed": int(manifest_seed), "until": until.isoformat(), "scale": scale.name},
        "sources": county.sources,
    }
    path = out / "manifest.yaml"
    path.write_text(yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False), encoding="utf-8")
    defects = {"defects": county.defects.items, "repairs": county.defects.repairs}
    (out / "defects.json").write_text(json.dumps(defects, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def generate(scale: str | Scale, seed: int, out: Path, until: date | None = None,
             progress: Progress | None = None, ground: str | None = None) -> Path:  # fmt: skip
    """Write the demo county's feeds and manifest into ``out``; return the manifest's path.

    ``until`` (the last day of data) defaults to today in Beijing, the day the dashboard counts
    in, whatever zone the machine's clock is set to. ``progress(step, total_steps)`` is called as
    each of the steps begins. The city scale is written district by district (see
    :func:`generate_city`); its path is then ``out/manifests.txt``. ``ground`` is ``round`` or
    ``real`` (the real outline of 增城区; not for the city scale, whose districts are Fuzhou's);
    by default :func:`default_ground` of the scale.
    """
    ground = ground or default_ground(scale)
    if isinstance(scale, str) and scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; expected one of {', '.join(SCALES)}")
    if ground not in GROUNDS:
        raise ValueError(f"unknown ground {ground!r}; expected one of {', '.join(GROUNDS)}")
    if scale == "city" and ground != "round":
        raise ValueError("the city scale is drawn on round ground only: its districts are Fuzhou's")
    if scale == "city":
        return generate_city(seed, out, until, progress)
    sizes = SCALES[scale] if isinstance(scale, str) else scale
    return write_area(sizes, seed, out, until or today(), seed, progress=progress or _log_step, ground=ground)


def _in_district(progress: Progress, label: str, n: int) -> Progress:
    """Report a district's steps as steps of the whole city's ``n`` districts."""

    def step(name: str, total: int) -> None:
        progress(f"{label} {name}", total * n)

    return step


def generate_city(
    seed: int,
    out: Path,
    until: date | None = None,
    progress: Progress | None = None,
    city: Scale | None = None,
    districts: list[tuple[str, str]] | None = None,
) -> Path:
    """Write the city scale as its districts, one directory and manifest each, one after another.

    Only one district is ever in memory. Districts lie side by side on a 4 × 3 layout around
    Fuzhou; their codes, ID sequence ranges and seeds differ, so no key repeats across districts.
    ``out/manifests.txt`` lists the manifests in load order. ``city`` and ``districts`` default to
    the full city (tests pass a smaller one).
    """
    city = city or SCALES["city"]
    districts = districts or CITY_DISTRICTS
    n = len(districts)
    sizes = district_scale(city, n)
    step_deg = sizes.size_km * 1.3 * 1000 / M_PER_DEG_LAT
    cols = 4
    out.mkdir(parents=True, exist_ok=True)
    manifests = []
    for k, (code, name) in enumerate(districts):
        row, col = divmod(k, cols)
        cy = 26.08 + (row - 1) * step_deg
        cx = 119.30 + (col - 1.5) * step_deg / np.cos(np.radians(cy))
        place = Place(code, name, "福州市", "福建省", cx, cy)
        seq = (100 * k // n, 100 * (k + 1) // n)
        report = _log_step if progress is None else _in_district(progress, f"{name} ({k + 1}/{n})", n)
        path = write_area(sizes, [seed, k], out / code, until or today(), seed, place, seq, report)
        manifests.append(path.relative_to(out))
    listing = out / "manifests.txt"
    listing.write_text("".join(f"{m}\n" for m in manifests), encoding="utf-8")
    return listing
