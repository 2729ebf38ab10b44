"""A GeoJSON file GDAL refuses whole for one odd feature, read feature by feature instead.

GDAL's GeoJSON driver gives up on the whole file for a number it cannot hold (``1e999``), so one
mistyped coordinate would fail every row of the source. Python's JSON reader takes such a number
(as infinity), and ``NaN``/``Infinity`` too; each feature then becomes a row of text attributes
and its geometry, or no geometry where it is not one shapely can build (the checks quarantine that
row as ``coord_missing``, naming its line).

A file that is not JSON throughout (cut short, garbage or bytes not UTF-8 in the middle) is read
feature by feature: a line-delimited file (GeoJSONSeq, one feature a line) line by line, a
FeatureCollection one element of its ``features`` at a time, each broken feature skipped to the
next ``{"type": "Feature"`` and kept as a row marked ``_bad_feature`` (where it broke: line, byte,
the field it was in) for the checks to quarantine. Where no feature can be read, the file is
refused, naming the line and byte where its JSON broke; one whose text beyond ASCII is nowhere
UTF-8 is in another encoding, and refused, asking for it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from common.errors import OnemapError

_FEATURES = re.compile(r'"features"\s*:\s*\[')
_NEXT_FEATURE = re.compile(r'\{\s*"type"\s*:\s*"Feature"\s*[,}]')
_KEY = re.compile(r'"((?:[^"\\]|\\.){1,200})"\s*:')
_SPACE = re.compile(r"[\s,]*")
_DECODER = json.JSONDecoder()


def read_features(path: Path, cell_text: Callable[[object], str]) -> pd.DataFrame | None:
    """The features of ``path`` as a frame of text attributes (``cell_text`` of each value; an
    object as its JSON), ``_line`` (the feature's number, from 1), ``_geom`` and, where some
    features could not be read, ``_bad_feature`` (why, "" for the others).

    Returns None when the file is JSON but no GeoJSON FeatureCollection (or Feature); raises
    :class:`OnemapError` naming where its JSON broke when it is not JSON and no feature of it
    can be read.
    """
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig", errors="replace")
    if "\ufffd" in text and not re.search("[^\\x00-\\x7f\ufffd]", text):
        # no character beyond ASCII is UTF-8: the file is in another encoding, not a few bad bytes
        raise OnemapError(
            f"{path}: its text is not UTF-8 (GeoJSON's encoding) anywhere; "
            "say its encoding (GBK, GB18030 …) in the manifest"
        )
    try:
        doc = json.loads(text)
    except RecursionError:
        return None
    except ValueError as exc:
        found = _recover(path, 3 if raw.startswith(b"\xef\xbb\xbf") else 0, text, exc)
        return _frame(found, cell_text)
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or not isinstance(doc.get("features"), list):
        return None
    return _frame([(f, "") for f in doc["features"]], cell_text)


def _frame(features: list[tuple[Any, str]], cell_text: Callable[[object], str]) -> pd.DataFrame:
    rows: list[dict[str, str]] = []
    geoms: list[BaseGeometry | None] = []
    bad: list[str] = []
    for feature, why in features:
        feature = feature if isinstance(feature, dict) else {}
        props = feature.get("properties")
        props = props if isinstance(props, dict) else {}
        rows.append({str(k): _text(v, cell_text) for k, v in props.items()})
        geoms.append(_geometry(feature.get("geometry")))
        if not why and "\ufffd" in json.dumps(feature, ensure_ascii=False):
            why = "bytes that are not UTF-8"
        bad.append(why)
    df = pd.DataFrame(rows, dtype=object).fillna("") if rows else pd.DataFrame()
    df["_line"] = np.arange(1, len(rows) + 1)
    df["_geom"] = np.array(geoms, dtype=object)
    if any(bad):
        df["_bad_feature"] = bad
    return df


def _recover(path: Path, bom: int, text: str, exc: ValueError) -> list[tuple[Any, str]]:
    """The features of a file that is not JSON throughout, each broken one as ``(None, why)``."""
    start = _FEATURES.search(text)
    if start:
        found = _by_element(bom, text, start.end())
    else:  # no collection: one feature a line, or nothing
        found = _by_line([ln.strip().strip("\x1e").strip() for ln in text.splitlines()])
    if not any(why == "" for _, why in found):
        pos = getattr(exc, "pos", 0)
        where = f"line {text.count(chr(10), 0, pos) + 1}, byte {bom + _byte(text, pos)}"
        raise OnemapError(f"{path}: not a readable GeoJSON file, no feature could be read ({where}: {exc})")
    return found


def is_sequence(path: Path) -> bool:
    """Whether ``path`` is line-delimited GeoJSON (GeoJSONSeq: a record separator or a whole
    feature on its first line). GDAL skips a broken line of such a file without a word, so it is
    read here, where each broken line is a row the checks quarantine."""
    with path.open("rb") as fh:
        first = fh.readline(1 << 20).strip().lstrip(b"\xef\xbb\xbf")
    if first.startswith(b"\x1e"):
        return True
    try:
        feature = json.loads(first)
    except (ValueError, RecursionError):
        return False
    return isinstance(feature, dict) and feature.get("type") == "Feature"


def _by_line(lines: list[str]) -> list[tuple[Any, str]]:
    """A line-delimited file: each non-empty line one feature."""
    found: list[tuple[Any, str]] = []
    for n, line in enumerate(lines, start=1):
        if not line:
            continue
        try:
            feature = json.loads(line)
        except (ValueError, RecursionError) as exc:
            found.append((None, f"line {n} is not JSON: {_why(exc)}"))
            continue
        if isinstance(feature, dict) and feature.get("type") == "Feature":
            found.append((feature, ""))
        else:
            found.append((None, f"line {n} is no GeoJSON feature"))
    return found


def _by_element(bom: int, text: str, at: int) -> list[tuple[Any, str]]:
    """A FeatureCollection's ``features`` from ``at``, one element at a time; a broken one is
    skipped to the next ``{"type": "Feature"``."""
    found: list[tuple[Any, str]] = []
    while True:
        at = _SPACE.match(text, at).end()  # type: ignore[union-attr]  # matches the empty string
        if at >= len(text) or text[at] == "]":
            return found
        try:
            feature, end = _DECODER.raw_decode(text, at)
        except (ValueError, RecursionError) as exc:
            pos = getattr(exc, "pos", at)
            keys = _KEY.findall(text, at, pos)
            field = next((k for k in reversed(keys) if k not in ("type", "coordinates")), None)
            found.append(
                (
                    None,
                    f"feature from line {text.count(chr(10), 0, at) + 1} (byte {bom + _byte(text, at)}) "
                    f"breaks at line {text.count(chr(10), 0, pos) + 1} (byte {bom + _byte(text, pos)})"
                    + (f" in field {field}" if field else "")
                    + f": {_why(exc)}",
                )
            )
            following = _NEXT_FEATURE.search(text, max(pos, at + 1))
            if following is None:
                return found
            at = following.start()
            continue
        found.append((feature, ""))
        at = end


def _why(exc: BaseException) -> str:
    return getattr(exc, "msg", None) or type(exc).__name__


def _byte(text: str, pos: int) -> int:
    """The byte offset in the UTF-8 file of character ``pos`` of its text."""
    return len(text[:pos].encode("utf-8", errors="surrogatepass"))


def _text(value: Any, cell_text: Callable[[object], str]) -> str:
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return cell_text(value)


def _geometry(value: Any) -> BaseGeometry | None:
    """The feature's geometry, or None where it is missing or not one (a coordinate that is no
    finite number, a wrong nesting, an unknown type)."""
    if not isinstance(value, dict):
        return None
    try:
        geom = shape(value)
    except Exception:  # shapely raises several kinds for a malformed geometry
        return None
    coords = shapely.get_coordinates(geom)
    if coords.size and not np.isfinite(coords).all():
        return None
    return geom
