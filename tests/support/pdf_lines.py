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
