"""A PDF's lines as its reader sees them (``pdftotext``, lines in reading order), and the dates a
line's end cut in two."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

DATE = re.compile(r"\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2}")


def broken_dates(pdf: Path) -> list[str]:
    """Every date (11月17日, 2026-11-23) that runs over the end of a line of ``pdf``'s text into the
    next, with the text around it; dates shown whole on one line are not listed."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    out = []
    for page in text.split("\f"):
        lines = page.split("\n")
        joined, ends = "", []
        for line in lines:
            joined += line
            ends.append(len(joined))
        for m in DATE.finditer(joined):
            if any(m.start() < e < m.end() for e in ends):
                out.append(joined[max(0, m.start() - 12) : m.end() + 12])
    return out


def ink_reach(pdf: Path, page: int) -> float:
    """How far down page ``page`` of ``pdf`` its ink reaches, above the page's number (0 to 1)."""
    import numpy as np

    pgm = subprocess.run(
        ["pdftoppm", "-gray", "-r", "30", "-f", str(page), "-l", str(page), str(pdf)],
        capture_output=True,
        check=True,
    ).stdout
    _magic, size, _depth, body = pgm.split(b"\n", 3)
    width, height = (int(v) for v in size.split())
    ink = np.frombuffer(body, dtype=np.uint8)[: width * height].reshape(height, width) < 200
    rows = np.flatnonzero(ink[: int(height * 0.93)].any(axis=1))
    return round(float(rows.max()) / height, 2)


def pages(pdf: Path) -> list[list[str]]:
    """Each page's lines of text (``pdftotext -layout``, blank lines and the page's number left out)."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [
        [
            line.strip()
            for line in page.splitlines()
            if line.strip() and not re.fullmatch(r"第 ?\d+ ?页 ?/ ?共 ?\d+ ?页", line.strip())
        ]
        for page in text.split("\f")
        if page.strip()
    ]


def images(pdf: Path) -> list[dict[str, int]]:
    """The pictures of ``pdf`` as placed (``pdfimages -list``): page, width and height in pixels,
    and their pixels per inch on paper across (x_ppi) and down (y_ppi)."""
    listed = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    out = []
    for line in listed:
        f = line.split()
        out.append(
            {
                "page": int(f[0]),
                "width": int(f[3]),
                "height": int(f[4]),
                "x_ppi": int(f[12]),
                "y_ppi": int(f[13]),
            }
        )
    return out
