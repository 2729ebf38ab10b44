"""Characters that change how text looks without being seen: direction overrides and marks,
zero-width spaces and joiners, the byte-order mark.

A name holding U+202E (right-to-left override) shows the text after it reversed, so a building
called "‮1号楼" can pass for another; none of them belongs in a name, an address or a note. The
loader removes them from every value it reads (a counted repair), and the dashboard from every
text a user types.
"""

from __future__ import annotations

import re
import unicodedata

# U+061C Arabic letter mark, U+200B–U+200F zero-width and direction marks, U+202A–U+202E
# embeddings and overrides, U+2060–U+2069 word joiner, invisible operators and isolates, U+FEFF
INVISIBLE = "[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
_INVISIBLE = re.compile(INVISIBLE)


def visible(text: str) -> str:
    """``text`` without the characters of :data:`INVISIBLE`."""
    return _INVISIBLE.sub("", text)


def header_name(text: str) -> str:
    """A column's name as a header row or a manifest writes it, in one form: without the
    characters of :data:`INVISIBLE` (a byte-order mark or zero-width space pasted into a header
    looks the same and matched nothing), full-width letters, digits and spaces as their ASCII
    (NFKC: ``ＤＭ`` is ``DM``), trimmed."""
    return unicodedata.normalize("NFKC", visible(text)).strip()
