"""The font the pages are set in, served by the app from ``assets/fonts`` (never from the internet).

``onemap-sans.woff`` is Noto Sans CJK SC Regular (SIL Open Font License, ``assets/fonts/OFL.txt``)
cut down to what the pages write: ASCII and Latin-1, general punctuation, arrows and shapes, CJK
punctuation and full-width forms, every character of the dashboard's own text (codebook labels,
page and stylesheet literals), and the 6,763 hanzi of GB 2312 that names and addresses are
written in. One weight only (2.4 MB; a bold one would double it): the browser draws bold from it.
It is built once, with ``python -m dashboard.fonts`` (it needs the system's ``fonts-noto-cjk``),
and committed; tests/e2e/test_fonts.py renders the pages and checks every character they show is
in it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
FONTS = HERE / "assets" / "fonts"
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FAMILY = "Noto Sans CJK SC"
SERVED = FONTS / "onemap-sans.woff"
RANGES = [
    (0x20, 0x7E),  # ASCII
    (0xA0, 0xFF),  # Latin-1 (×, ·, °)
    (0x2000, 0x206F),  # general punctuation (— … ‖ ›)
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators (the map's zoom-out −)
    (0x2460, 0x24FF),  # enclosed numbers
    (0x2500, 0x25FF),  # box drawing, blocks, geometric shapes (▲ ▼ ▶ ■ ●)
    (0x3000, 0x303F),  # CJK punctuation
    (0xFF00, 0xFFEF),  # full-width forms
]


def gb2312() -> str:
    """Every character of GB 2312: its symbols and its 6,763 hanzi."""
    out = []
    for row in range(0xA1, 0xF8):
        for col in range(0xA1, 0xFF):
            try:
                out.append(bytes([row, col]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(out)


def own_text(roots: Iterable[Path]) -> str:
    """Every character beyond ASCII in the dashboard's and the codebook's source files."""
    chars: set[str] = set()
    for root in roots:
        paths = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in paths:
            if path.suffix in (".py", ".css", ".js", ".sql", ".html"):
                chars.update(ch for ch in path.read_text(encoding="utf-8") if ord(ch) > 0x7E)
    return "".join(sorted(chars))


def wanted() -> set[int]:
    """The code points the served font is cut to."""
    points = {p for lo, hi in RANGES for p in range(lo, hi + 1)}
    points.update(ord(ch) for ch in gb2312())
    points.update(ord(ch) for ch in own_text([HERE, HERE.parent / "common" / "codebook.py"]))
    return points


def build(out: Path = SERVED) -> Path:
    """Cut the served font file from the system's Noto Sans CJK (needs fontTools)."""
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    font = next(f for f in TTCollection(str(SOURCE)).fonts if f["name"].getDebugName(1) == FAMILY)
    options = subset.Options()
    options.flavor = "woff"
    options.hinting = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # names, version, and the licence's notice
    options.layout_features = ["*"]
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes=wanted() & set(font.getBestCmap()))
    cutter.subset(font)
    out.parent.mkdir(parents=True, exist_ok=True)
    font.flavor = "woff"
    font.save(str(out))
    return out


if __name__ == "__main__":  # pragma: no cover - a build step run by hand
    made = build(Path(sys.argv[1]) if len(sys.argv) > 1 else SERVED)
    print(f"{made} {made.stat().st_size // 1024} KB")
