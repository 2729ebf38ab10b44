"""English codes a person must never read: the forbidden words and the text a person sees.

The forbidden set is built from the codebook itself (every code of every enum), plus the words a
stored value turns into when nobody labels it (None, nan, True …). A code is found as a word of its
own: ``face`` in ``人脸 face`` is found, ``face`` inside ``surface``, ``F`` inside ``2F`` or
``address`` inside the user name ``t-lock-for-the-address`` is not.

Only what a person reads is scanned: a Dash response's text (children, titles, placeholders, option
labels, slider marks, map tooltips, popups and labels, chart texts), a PDF's text, an XLSX's cells and sheet
names. Component ids, class names, hrefs and option values are the page's machinery, not its words.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
from typing import Any

from openpyxl import load_workbook

from common.codebook import BOOK

# stored values a page prints when it forgets to label them
UNLABELLED = {"None", "none", "nan", "NaN", "NaT", "null", "True", "False", "true", "false"}


def forbidden() -> dict[str, list[str]]:
    """Every code of the codebook that is not a number (a digit code reads the same in Chinese),
    with the enums it is a code of; and the words an unlabelled value turns into."""
    out: dict[str, list[str]] = {w: ["unlabelled"] for w in UNLABELLED}
    for field, book in BOOK.items():
        for code in book:
            if not code.isdigit():
                out.setdefault(code, []).append(field)
    return out


# a word of its own: not inside a longer run of letters, digits, _ or - (a user name such as
# t-a-lock-holds-for-the-address-t is an identifier a person typed, not a code)
WORD = re.compile(r"(?<![A-Za-z0-9_\-])[A-Za-z][A-Za-z_]*(?![A-Za-z0-9_\-])")
# props whose string is read by a person (besides children)
TEXT_PROPS = ("title", "placeholder", "label", "alt", "tooltip", "popup", "aria-label")
# the parts of a plotly figure a person reads
FIGURE_TEXT = {"text", "name", "title", "hovertext", "hovertemplate", "texttemplate", "ticktext", "labels"}


def codes_in(text: str) -> list[str]:
    """The forbidden words in ``text``, in order."""
    bad = forbidden()
    return [w for w in WORD.findall(text) if w in bad]


def _figure_text(node: Any, key: str | None, out: list[str]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            _figure_text(v, k, out)
    elif isinstance(node, list):
        for v in node:
            _figure_text(v, key, out)
    elif isinstance(node, str) and key in FIGURE_TEXT | {"x", "y"}:
        out.append(node)


def visible_text(node: Any) -> list[str]:
    """The strings a person reads in a Dash response or layout (as JSON: components are dicts
    with ``type``, ``namespace`` and ``props``)."""
    out: list[str] = []

    def walk(n: Any, key: str | None = None) -> None:
        if isinstance(n, list):
            for v in n:
                walk(v, key)
        elif isinstance(n, str | int | float) and key in ("children", *TEXT_PROPS):
            out.append(str(n))
        elif isinstance(n, dict):
            if "props" in n and "type" in n:  # a component
                props = n["props"]
                for k, v in props.items():
                    if k in ("children", *TEXT_PROPS):
                        walk(v, k)
                    elif k == "options":
                        opts = v.values() if isinstance(v, dict) else v
                        for o in opts or []:
                            walk(o.get("label") if isinstance(o, dict) else o, "label")
                    elif k == "marks" and isinstance(v, dict):
                        for m in v.values():
                            walk(m.get("label") if isinstance(m, dict) else m, "label")
                    elif k == "figure":
                        _figure_text(v, None, out)
                    elif k == "data" and isinstance(v, dict):  # a GeoJSON layer
                        walk(v)
                    elif k == "columns" and isinstance(v, list):  # a DataTable's headers and cells
                        ids = [c.get("id") for c in v if isinstance(c, dict)]
                        out.extend(str(c.get("name")) for c in v if isinstance(c, dict))
                        for row in props.get("data") or []:
                            out.extend(str(row.get(i)) for i in ids if row.get(i) is not None)
            elif n.get("type") == "FeatureCollection":
                for f in n.get("features") or []:
                    p = (f or {}).get("properties") or {}
                    out.extend(str(p[k]) for k in ("tooltip", "popup", "label") if p.get(k) is not None)
            else:
                for k, v in n.items():
                    walk(v, k)

    walk(node)
    return out


def response_text(body: str) -> str:
    """The readable text of a Dash callback's response body (JSON), one string per line."""
    return "\n".join(visible_text(json.loads(body)))


def pdf_text(data: bytes) -> str:
    """A PDF's text, as pdftotext reads it."""
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def xlsx_text(data: bytes) -> str:
    """Every sheet name and every cell (headers included) of a workbook, one row per line."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    lines = []
    for sheet in book:
        lines.append(sheet.title)
        lines += [
            "\t".join("" if v is None else str(v) for v in row) for row in sheet.iter_rows(values_only=True)
        ]
    return "\n".join(lines)


def findings(texts: dict[str, str]) -> dict[str, list[str]]:
    """Where → the forbidden words found there, with their enums (only places with any)."""
    bad = forbidden()
    out: dict[str, list[str]] = {}
    for where, text in texts.items():
        found = codes_in(text)
        if found:
            out[where] = sorted({f"{w} ({', '.join(bad[w])})" for w in found})
    return out
