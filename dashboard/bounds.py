"""Every value a request can send, parsed with bounds before anything works with it.

URL queries, path segments and Dash callback inputs are all written by the client, which may
forge any of them (any JSON type, any size). Each parser here returns a value within its stated
bounds or raises :class:`OutOfBounds`; none takes time that grows with the value it is given, so a
forged value is refused at once. Downloads answer :class:`OutOfBounds` with 400, callbacks with
no update (see :mod:`dashboard.app`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from common.china import CHINA_LAT, CHINA_LON, TZ
from common.text import visible
from dashboard.periods import Period, Week, default_period
from dashboard.scope import CODE

MIN_YEAR, MAX_YEAR = 2000, 2100  # the years a week or a day may name
MAX_WINDOW_DAYS = 366  # the longest custom time window heat and choropleth count over
MAX_ZOOM = 22.0
MAX_SPAN_DEG = 1.0  # a street-zoom viewport is a few hundredths of a degree across
MAX_TEXT = 64  # a search text, a user name: longer is not a query anyone types
MAX_PATH = 512
MAX_SEARCH = 256  # a page's query string: ?week=…&to=… and little else
MAX_FIELDS = 8
MAX_ITEMS = 64  # list inputs: category filters, search hits
MAX_COUNT = 2**31 - 1  # clicks and interval ticks

DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T[0-9:.]{0,15})?")
MIDNIGHT = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T00:00")

Bbox = tuple[float, float, float, float]


class OutOfBounds(ValueError):
    """A request value of the wrong type, form or size."""


def week(value: Any) -> Week:
    """``2026-W47`` (ASCII digits, a year within bounds, a week that year has)."""
    if not isinstance(value, str):
        raise OutOfBounds("a week is text")
    try:
        return Week.parse(value, years=(MIN_YEAR, MAX_YEAR))
    except ValueError as e:
        raise OutOfBounds(str(e)) from e


def cut_off(value: Any) -> datetime:
    """A midnight, Beijing time: ``2026-12-02T00:00`` (ASCII digits, a day within bounds)."""
    if not isinstance(value, str) or MIDNIGHT.fullmatch(value) is None:
        raise OutOfBounds("not a midnight")
    d = day(value[:10])
    return datetime(d.year, d.month, d.day, tzinfo=TZ)


def period(week_value: Any, to_value: Any, now: datetime) -> Period:
    """The period a request names: ``week`` (``2026-W47``) and, for a week so far, ``to`` (its
    cut-off, see :func:`cut_off`); neither is the default period at ``now``.

    A week is shown whole only once it is over, and a cut-off lies after its week's start, at or
    before its end and never after ``now`` (a cut-off at the week's end is the whole week): what
    no one can have seen is refused, not clamped, so a link always shows what its sender saw.
    """
    if week_value is None:
        if to_value is not None:
            raise OutOfBounds("a cut-off without its week")
        return default_period(now)
    w = week(week_value)
    if to_value is None:
        if w.end > now:
            raise OutOfBounds("a week not over yet, without a cut-off")
        return Period(w)
    cut = cut_off(to_value)
    if cut > now:
        raise OutOfBounds("a cut-off in the future")
    if not w.start < cut <= w.end:
        raise OutOfBounds("a cut-off outside its week")
    return Period(w) if cut == w.end else Period(w, (cut - w.start).days)


def search(value: Any) -> dict[str, str]:
    """A page's query string (``?week=2026-W47``; None or empty is none): at most
    :data:`MAX_SEARCH` characters and :data:`MAX_FIELDS` fields, none named twice."""
    if value is None or value == "":
        return {}
    if not isinstance(value, str) or len(value) > MAX_SEARCH:
        raise OutOfBounds("not a query string")
    try:
        pairs = parse_qsl(value.removeprefix("?"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError as e:
        raise OutOfBounds("too many query fields") from e
    found = dict(pairs)
    if len(found) != len(pairs):
        raise OutOfBounds("a query field named twice")
    return found


def search_period(value: Any, now: datetime) -> Period:
    """The period named by a page's query string (see :func:`search` and :func:`period`)."""
    q = search(value)
    return period(q.get("week"), q.get("to"), now)


def day(value: Any) -> date:
    """An ISO day ``2026-11-22`` (a time after it, as date pickers send, is ignored), within bounds."""
    m = DAY.fullmatch(value) if isinstance(value, str) else None
    if m is None:
        raise OutOfBounds("not a day")
    year, month, dom = (int(g) for g in m.groups())
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise OutOfBounds("a day out of range")
    try:
        return date(year, month, dom)
    except ValueError as e:
        raise OutOfBounds(str(e)) from e


def day_range(start: Any, end: Any) -> tuple[date, date]:
    """Two days, both included: in order and at most :data:`MAX_WINDOW_DAYS` apart."""
    d0, d1 = day(start), day(end)
    if d1 < d0 or d1 - d0 >= timedelta(days=MAX_WINDOW_DAYS):
        raise OutOfBounds("not a window of days")
    return d0, d1


def code(value: Any, optional: bool = False) -> str | None:
    """A station, zone, grid or building code: 1–40 of ``0-9A-Za-z_-`` (None allowed if ``optional``)."""
    if value is None and optional:
        return None
    if not isinstance(value, str) or not CODE.fullmatch(value):
        raise OutOfBounds("not a code")
    return value


def text(value: Any, limit: int = MAX_TEXT) -> str:
    """A typed text (None is empty) of at most ``limit`` characters, without the unseen characters
    that could make it look like another (:mod:`common.text`)."""
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise OutOfBounds("not a short text")
    return visible(value)


def choice(value: Any, options: Collection[str], default: str | None = None) -> str:
    """One of ``options``; ``default`` for None (when one is given)."""
    if value is None and default is not None:
        return default
    if not isinstance(value, str) or value not in options:
        raise OutOfBounds("not one of the options")
    return value


def texts(value: Any, limit: int = 40) -> list[str]:
    """A list (None is empty) of at most :data:`MAX_ITEMS` short texts."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        raise OutOfBounds("not a short list")
    return [text(v, limit) for v in value]


def count(value: Any) -> int:
    """Clicks or ticks: a whole number 0 to 2³¹−1 (None is 0)."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise OutOfBounds("not a count")
    return value


def offset(value: Any, weeks: int) -> int:
    """Weeks back from the current one: ``-(weeks - 1)`` to 0 (None is 0)."""
    if value is None:
        return 0
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not -(weeks - 1) <= value <= 0:
        raise OutOfBounds("not a week offset")
    return value


def number(value: Any) -> float:
    """A finite JSON number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise OutOfBounds("not a number")
    try:
        number = float(value)
    except OverflowError as e:  # an integer beyond any float
        raise OutOfBounds("not a finite number") from e
    if not math.isfinite(number):
        raise OutOfBounds("not a finite number")
    return number


def zoom(value: Any, default: float = 11) -> float:
    """A map zoom, 0 to :data:`MAX_ZOOM` (None is ``default``)."""
    if value is None:
        return default
    z = number(value)
    if not 0 <= z <= MAX_ZOOM:
        raise OutOfBounds("not a zoom")
    return z


def bbox(value: Any) -> Bbox | None:
    """Leaflet's bounds ``[[south, west], [north, east]]`` as (west, south, east, north), cut to
    China's box; None for None.

    Numbers must be finite and in order. A view wider than China (a zoomed-out map) is cut to
    the box; :func:`street_bbox` further bounds the area for layers sent by viewport.
    """
    if value is None:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(p, list) for p in value)):
        raise OutOfBounds("not bounds")
    if not all(len(p) == 2 for p in value):
        raise OutOfBounds("not bounds")
    (s, w), (n, e) = ((number(a), number(b)) for a, b in value)
    if s > n or w > e:
        raise OutOfBounds("inverted bounds")
    w, e = max(w, CHINA_LON[0]), min(e, CHINA_LON[1])
    s, n = max(s, CHINA_LAT[0]), min(n, CHINA_LAT[1])
    if w > e or s > n:  # nothing of China in view
        return (CHINA_LON[0], CHINA_LAT[0], CHINA_LON[0], CHINA_LAT[0])
    return (w, s, e, n)


def street_bbox(box: Bbox | None) -> Bbox | None:
    """A viewport for layers sent by viewport: at most :data:`MAX_SPAN_DEG` each way."""
    if box is not None and (box[2] - box[0] > MAX_SPAN_DEG or box[3] - box[1] > MAX_SPAN_DEG):
        raise OutOfBounds("a viewport too large for street zoom")
    return box


def path(value: Any) -> str:
    """The browser's path (None is ``/``), at most :data:`MAX_PATH` characters."""
    if value is None:
        return "/"
    if not isinstance(value, str) or len(value) > MAX_PATH:
        raise OutOfBounds("not a path")
    return value


def _prop(value: Any) -> bool:
    """Whether a callback input or state is ``{"id": ..., "property": str, ...}`` (or a list of
    them, for a pattern-matching id)."""
    if isinstance(value, list):
        return all(not isinstance(v, list) and _prop(v) for v in value)
    return isinstance(value, dict) and "id" in value and isinstance(value.get("property"), str)


def _declared(value: Any, spec: Mapping[str, Any]) -> bool:
    """Whether a posted input or state is the one declared in its place: the same id and property
    (for a pattern-matching id: the same property and the pattern's keys)."""
    ident, prop = spec.get("id"), spec.get("property")
    if isinstance(ident, str) and ident.startswith("{"):
        keys = set(json.loads(ident))
        items = value if isinstance(value, list) else [value]
        return all(
            isinstance(v.get("id"), dict) and set(v["id"]) == keys and v.get("property") == prop
            for v in items
        )
    return isinstance(value, dict) and value.get("id") == ident and value.get("property") == prop


def dash_call(body: Any, known: Mapping[str, Any]) -> None:
    """Check the envelope of a posted Dash callback: a JSON object naming a callback in ``known``
    (the app's callback map), with as many well-formed inputs and state as it declares, and a
    list of changed ids.

    The values inside are the callback's to parse; this only keeps a malformed envelope from
    reaching Dash, which answers it with an error of its own.
    """
    if not isinstance(body, dict) or not isinstance(body.get("output"), str) or body["output"] not in known:
        raise OutOfBounds("not a callback of this app")
    spec = known[body["output"]]
    for part in ("inputs", "state"):
        values = body.get(part, [])
        if not isinstance(values, list) or len(values) != len(spec.get(part, [])):
            raise OutOfBounds(f"callback {part} not as declared")
        if not all(_prop(v) for v in values):
            raise OutOfBounds(f"malformed callback {part}")
        # each in its declared place: Dash hands values over by position, while a guard may look
        # one up by its id (the wall's reads the router's path so), so a swapped pair would pass
        # the guard with one value and reach the page with the other
        if not all(_declared(v, s) for v, s in zip(values, spec.get(part, []), strict=True)):
            raise OutOfBounds(f"callback {part} not in their declared order")
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(p, str) for p in changed):
        raise OutOfBounds("malformed changed ids")


def feature_code(value: Any) -> str | None:
    """The ``code`` of a clicked GeoJSON feature (None when nothing was clicked)."""
    if value is None:
        return None
    props = value.get("properties") if isinstance(value, dict) else None
    if not isinstance(props, dict):
        raise OutOfBounds("not a feature")
    return code(props.get("code"))
