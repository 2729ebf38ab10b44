"""Patterns of unmasked personal data, for scanning pages and exports.

An ID number or a mobile is a token of its own: 18 or 11 characters not inside a longer run of
letters and digits (an incident number like J44011820260827000017 holds 18 digits in a row but
is not an ID number).
"""

from __future__ import annotations

import re

# nor the digits after a decimal point: a rate written in full (-0.009259259259259259) is no ID
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?<!\d\.)\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9A-Za-z])(?<!\d\.)1[3-9]\d{9}(?![0-9A-Za-z])")


def unmasked(text: str) -> list[str]:
    """Every ID number and mobile in ``text``."""
    return ID_NUMBER.findall(text) + MOBILE.findall(text)
