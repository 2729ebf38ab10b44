"""Alert cases and decoys of known truth, planted into the delivered feeds; the truth stays apart.

A :class:`Planter` makes the rows of each case (rental units, persons, gate readers and their
events, sensors) in canonical fields, each case in a building and behind a reader of its own, and
records in ``truth`` whether the rule should raise it (``case``) or not (``decoy``, with the class
that fools a careless rule). The demo appends the rows to the files it writes and the truth to
``alert_truth.json`` beside them (never inside a delivered file); the tests plant cases just above
and below each threshold with the same planter. Times are Beijing wall-clock times, as delivered.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from common import codebook
from etl.contract import KINDS
from etl.demo import people
from etl.idcard import check_digit

TRUTH_FILE = "alert_truth.json"
REGION = "440184"  # an ID region no other demo person draws from: planted ID numbers never collide


@dataclass
class Planter:
    """Rows of planted alert cases, in canonical fields, and the truth about each."""

    rng: np.random.Generator
    end: datetime  # the moment the feeds end (naive, Beijing time)
    district: str
    tag: str = "8"  # a digit that keeps planted codes apart from the county's own
    history_days: int = 27  # how far back regular lives start (inside the rules' 28 days and the feed)
    units: list[dict[str, Any]] = field(default_factory=list)
    persons: list[dict[str, Any]] = field(default_factory=list)
    devices: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    sensors: list[dict[str, Any]] = field(default_factory=list)
    truth: list[dict[str, str]] = field(default_factory=list)
    n: int = 0

    def _next(self) -> int:
        self.n += 1
        return self.n

    def note(self, rule: str, subject: str, truth: str, what: str) -> None:
        """Record that ``rule`` should (``case``) or should not (``decoy``) alert ``subject``."""
        self.truth.append({"rule": rule, "subject": subject, "truth": truth, "what": what})

    # ------------------------------------------------------------------ building blocks
    def reader(
        self, building: str, online: bool = True, stop_hours: float = 0.0, skew_minutes: float = 0.0
    ) -> tuple[str, float]:
        """A gate reader at ``building`` with a neighbour's card passing every three hours until
        ``stop_hours`` before the end; returns its code and clock skew (minutes ahead)."""
        code = f"MJ{self.district}{self.tag}{self._next():05d}"
        self.devices.append({"device_code": code, "building_code": building, "online": online})
        card = f"N{self.district}{self.tag}{self._next():06d}"
        last = self.end - timedelta(minutes=5, hours=stop_hours)
        t = self.end - timedelta(days=self.history_days)
        while t <= last:
            self.event(code, card, None, t, skew_minutes)
            t += timedelta(hours=3)
        self.event(code, card, None, last, skew_minutes)
        return code, skew_minutes

    def event(
        self, device: str, card: str, unit: str | None, at: datetime, skew: float = 0.0, method: str = "card"
    ) -> None:
        """One gate event, stamped by the reader's clock (``skew`` minutes ahead)."""
        stamp = at + timedelta(minutes=skew)
        if stamp < self.end + timedelta(minutes=max(skew, 0)):
            self.events.append(
                {
                    "device_code": device,
                    "event_time": stamp.replace(microsecond=0),
                    "card_no": card,
                    "unit_code": unit,
                    "method": method,
                }
            )

    def unit(self, building: str, tenants: int, area: float | None) -> str:
        """A rental unit of ``building`` with ``tenants`` registered and ``area`` m² (None: unstated)."""
        room = f"{self.tag}{self._next():03d}"
        code = f"{building}{room}"
        self.units.append(
            {
                "unit_code": code,
                "building_code": building,
                "room_no": room,
                "area_m2": area,
                "registered_tenants": tenants,
            }
        )
        return code

    def person(
        self, building: str, unit: str | None, age: int, alone: bool = False, card: str | None = None
    ) -> str:
        """A registered resident of ``age`` years; returns the ID number."""
        born = self.end.date() - timedelta(days=int(age * 365.25 + self.rng.integers(10, 300)))
        body = f"{REGION}{born:%Y%m%d}{self._next() % 1000:03d}"
        id_number = body + check_digit(body)
        self.persons.append(
            {
                "id_number": id_number,
                "name": people.names(self.rng, 1)[0],
                "phone": people.mobiles(self.rng, 1)[0],
                "is_migrant": False,
                "lives_alone": alone,
                "building_code": building,
                "unit_code": unit,
                "card_no": card,
            }
        )
        return id_number

    def card(self) -> str:
        """A new credential number."""
        return f"C{self.district}{self.tag}{self._next():07d}"

    def nights(self, device: str, card: str, unit: str | None, nights: int, method: str = "card") -> None:
        """Entries late in the evening on ``nights`` distinct nights of the last two weeks, and a
        morning exit after each."""
        for k in range(1, nights + 1):
            day = self.end - timedelta(days=k)
            self.event(
                device, card, unit, day.replace(hour=23, minute=int(self.rng.integers(0, 50))), method=method
            )
            self.event(
                device, card, unit, day.replace(hour=8, minute=int(self.rng.integers(0, 50))), method=method
            )

    def days(
        self, device: str, card: str, unit: str | None, days: int, hour: int = 10, every: int = 1
    ) -> None:
        """Daytime entries on ``days`` distinct days (every ``every`` days back from yesterday)."""
        for k in range(days):
            day = self.end - timedelta(days=1 + k * every)
            self.event(device, card, unit, day.replace(hour=hour, minute=int(self.rng.integers(0, 50))))

    # ------------------------------------------------------------------ the rules' cases and decoys
    def group_rental(
        self,
        building: str,
        tenants: int,
        area: float | None,
        occupants: int,
        nights: int = 5,
        residents: int = 0,
        guests: int = 0,
        guest_nights: int = 2,
        visitors: int = 0,
        truth: str = "case",
        what: str = "group_rental",
    ) -> str:
        """A unit whose ``occupants`` credentials are active on ``nights`` nights, with registered
        ``residents``, ``guests`` active on ``guest_nights`` nights and visitor passwords."""
        device, _ = self.reader(building)
        unit = self.unit(building, tenants, area)
        for _ in range(residents):
            self.person(building, unit, int(self.rng.integers(20, 60)))
        for _ in range(occupants):
            self.nights(device, self.card(), unit, nights)
        for _ in range(guests):
            self.nights(device, self.card(), unit, guest_nights)
        for _ in range(visitors):
            self.nights(device, f"V{self._next():05d}", unit, 6, method="password")
        self.note("group_rental", unit, truth, what)
        return unit

    def occupied(
        self,
        building: str,
        cards: int,
        days: int,
        every: int = 1,
        hour: int = 20,
        truth: str = "case",
        what: str = "unregistered",
    ) -> str:
        """A unit nobody is registered in, entered by ``cards`` credentials on ``days`` days each."""
        device, _ = self.reader(building)
        unit = self.unit(building, 0, float(self.rng.integers(20, 60)))
        for _ in range(cards):
            self.days(device, self.card(), unit, days, hour=hour, every=every)
        self.note("unregistered_occupants", unit, truth, what)
        return unit

    def elderly(
        self,
        building: str,
        age: int,
        silent_hours: float,
        owner: bool = False,
        every_hours: float = 12,
        reader_stop_hours: float = 0.0,
        reader_online: bool = True,
        skew_minutes: float = 0.0,
        truth: str = "case",
        what: str = "elderly",
    ) -> str:
        """A person of ``age`` living alone who goes out every ``every_hours`` until ``silent_hours``
        before the reader's last event; an owner-occupier is known by their own credential."""
        device, skew = self.reader(building, reader_online, reader_stop_hours, skew_minutes)
        card = self.card()
        unit = None if owner else self.unit(building, 1, 30.0)
        who = self.person(building, unit, age, alone=True, card=card if owner else None)
        last = self.end - timedelta(minutes=5, hours=reader_stop_hours + silent_hours)
        t = self.end - timedelta(days=self.history_days)
        while t < last:
            self.event(device, card, unit, t, skew)
            t += timedelta(hours=every_hours)
        self.event(device, card, unit, last, skew)
        self.note("elderly_no_access", who, truth, what)
        return who

    def sensor(
        self,
        smart: str,
        kind: str,
        silent_minutes: float | None,
        online: bool = True,
        truth: str = "case",
        what: str = "sensor",
    ) -> str:
        """A sensor of ``smart`` whose last heartbeat was ``silent_minutes`` before the end
        (negative: a clock ahead; None: never)."""
        code = f"GZ{self.district}{self.tag}{self._next():05d}"
        seen = None if silent_minutes is None else self.end - timedelta(minutes=silent_minutes)
        self.sensors.append(
            {
                "device_code": code,
                "smart_code": smart,
                "device_kind": kind,
                "online": online,
                "last_seen_at": seen.replace(microsecond=0) if seen else None,
            }
        )
        self.note("sensor_offline", code, truth, what)
        return code

    def write_truth(self, out: Path) -> None:
        """Write the truth of every planted case beside the feeds (not a delivered file)."""
        (out / TRUTH_FILE).write_text(json.dumps(self.truth, ensure_ascii=False, indent=1), encoding="utf-8")


def agency_frame(kind: str, rows: list[dict[str, Any]], columns: dict[str, str]) -> pd.DataFrame:
    """Canonical rows as an agency writes them: its column names, 是/否, Chinese labels, local times."""
    fields = {f.name: f for f in KINDS[kind].fields}
    out: dict[str, list[Any]] = {col: [] for name, col in columns.items() if name in fields}
    for row in rows:
        for name, col in columns.items():
            if name not in fields:
                continue
            v, f = row.get(name), fields[name]
            if v is None:
                v = ""
            elif f.type == "bool":
                v = "是" if v else "否"
            elif f.enum and not f.codebook:
                v = codebook.label(f.enum, v)
            elif isinstance(v, datetime):
                v = v.strftime("%Y-%m-%d %H:%M:%S")
            out[col].append(v)
    return pd.DataFrame(out)


PLANTED_BUILDINGS = 75  # one building per gate-access case below


def plan_access(planter: Planter, buildings: list[str]) -> None:
    """The demo's planted gate-access cases and decoys, strengths drawn at random.

    Parameters
    ----------
    planter : Planter
        Receives the rows and the truth.
    buildings : list of str
        :data:`PLANTED_BUILDINGS` buildings without a reader of the county's own.
    """
    rng, b = planter.rng, iter(buildings)
    for _ in range(12):  # group rentals of varying strength, some with nobody registered
        tenants = int(rng.integers(0, 3))
        area = float(rng.integers(18, 60)) if rng.random() < 0.8 else None
        bound = max(tenants + 2, int(area // 5) if area else 0)
        planter.group_rental(
            next(b), tenants, area, bound + int(rng.integers(1, 7)), int(rng.integers(3, 10))
        )
    for _ in range(6):  # weekend guests and visitor passwords beside two tenants
        planter.group_rental(
            next(b),
            2,
            40.0,
            2,
            10,
            residents=2,
            guests=int(rng.integers(5, 9)),
            guest_nights=int(rng.integers(1, 3)),
            visitors=3,
            truth="decoy",
            what="guests",
        )
    for _ in range(6):  # a family of four to six on a one-tenant lease, all registered as residents
        size = int(rng.integers(4, 7))
        planter.group_rental(next(b), 1, None, size, 10, residents=size, truth="decoy", what="family")
    for _ in range(10):
        planter.occupied(next(b), int(rng.integers(1, 4)), int(rng.integers(3, 10)))
    for _ in range(6):  # a landlord collecting rent, a cleaner once a week
        planter.occupied(
            next(b), 1, int(rng.integers(1, 3)), every=7, hour=14, truth="decoy", what="landlord"
        )
    for k in range(15):  # silent: renting or owner-occupying, 80+ past 24 h, 70+ past 48 h
        old = k % 3 == 0
        age = int(rng.integers(80, 92)) if old else int(rng.integers(70, 80))
        silent = float(rng.uniform(30, 90)) if old else float(rng.uniform(55, 120))
        planter.elderly(next(b), age, silent, owner=k % 2 == 1, what="owner" if k % 2 else "renter")
    for _ in range(5):
        planter.elderly(
            next(b),
            int(rng.integers(70, 90)),
            float(rng.uniform(1, 12)),
            owner=True,
            truth="decoy",
            what="owner-occupier",
        )
    for k in range(6):  # the building's reader died (or was reported offline) and the person with it
        planter.elderly(
            next(b),
            int(rng.integers(70, 90)),
            float(rng.uniform(0, 3)),
            reader_stop_hours=float(rng.uniform(30, 80)),
            reader_online=k % 2 == 0,
            truth="decoy",
            what="dead reader",
        )
    for _ in range(4):
        planter.elderly(
            next(b),
            int(rng.integers(70, 90)),
            float(rng.uniform(1, 10)),
            skew_minutes=float(rng.uniform(15, 40)),
            truth="decoy",
            what="fast clock",
        )


def plan_sensors(planter: Planter, smart: list[str]) -> None:
    """The demo's planted sensor cases and decoys (``smart``: the communities they belong to)."""
    rng, s = planter.rng, iter(smart * 30)
    for kind, lo, hi in (("face_camera", 120, 1800), ("access_control", 180, 1200), ("smoke", 1560, 6000)):
        for _ in range(5):
            planter.sensor(next(s), kind, float(rng.uniform(lo, hi)))
    for kind, lo, hi in (("face_camera", 2, 20), ("vehicle_camera", 2, 20), ("smoke", 60, 720)):
        for _ in range(3):  # reported offline at export, yet beating: a flapping link
            planter.sensor(
                next(s), kind, float(rng.uniform(lo, hi)), online=False, truth="decoy", what="flapping"
            )
    for _ in range(4):
        planter.sensor(next(s), "face_camera", -float(rng.uniform(15, 40)), truth="decoy", what="fast clock")


def demo_buildings(codes: pd.Series, eligible: np.ndarray, rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct building codes among the eligible ones (without a reader of their own)."""
    pool = np.flatnonzero(eligible)
    return [str(c) for c in codes.to_numpy()[rng.choice(pool, min(n, len(pool)), replace=False)]]
