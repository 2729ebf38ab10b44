"""Whether a text file is in the encoding its manifest declares, line by line where that can be told.

A file that is not in its declared encoding at all is refused, naming the byte offset. In an
encoding that writes a newline as the byte 0x0A and never uses that byte otherwise (UTF-8, GBK,
GB18030 …) a file that is in it may still hold a few lines that are not (a row pasted from another
export): those are read with their odd bytes escaped (U+DC80–U+DCFF) and marked, to be quarantined.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from common.errors import OnemapError

_UNDECODED = re.compile("[\udc80-\udcff]+")


def check_encoding(path: Path, encoding: str, declared: str) -> None:
    """Decode the whole file incrementally; a wrong encoding is one line naming the offset."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                raise _wrong_encoding(path, declared, offset + exc.start) from exc
            offset += len(block)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise OnemapError(f"{path}: not {declared} text (truncated at the end)") from exc


def _wrong_encoding(path: Path, declared: str, offset: int) -> OnemapError:
    found = _evident_encoding(path)
    say = (
        f"it is {found}; say encoding: {found} in the manifest"
        if found
        else "say the right encoding in the manifest"
    )
    return OnemapError(f"{path}: not {declared} text (undecodable byte at offset {offset}); {say}")


# byte-order marks, longest first (UTF-32's little-endian mark begins with UTF-16's)
_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def _evident_encoding(path: Path) -> str | None:
    """The encoding a file shows of itself: a UTF-16 or UTF-32 byte-order mark (a spreadsheet's
    "Unicode text" export), or, without one, a zero byte beside every ASCII character (UTF-16LE or
    UTF-16BE); None when it shows none."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    pairs = len(head) // 2
    if pairs >= 8:
        odd, even = head[1 : 2 * pairs : 2], head[0 : 2 * pairs : 2]
        if odd.count(0) > 0.3 * pairs and even.count(0) == 0:
            return "UTF-16LE"
        if even.count(0) > 0.3 * pairs and odd.count(0) == 0:
            return "UTF-16BE"
    return None


def line_encoding(path: Path, encoding: str, declared: str, header_row: int) -> bool:
    """For an encoding that writes a newline as one byte 0x0A (UTF-8, GBK, GB18030 …), decode line by
    line: the file is refused only when it is not in ``declared`` at all — its header line does not
    decode, or no line with a non-ASCII byte does while some do not; the few lines of another
    encoding in a file that is otherwise right (a row pasted from another export) reach the reader,
    which marks them for the checks to quarantine. Whether there are such lines.

    Nearly every file decodes whole: that is tried first, in blocks (line by line in Python costs
    about 5 µs a line, a tenth of a county load's gate events)."""
    try:
        check_encoding(path, encoding, declared)
        return False
    except OnemapError:
        pass  # some line does not decode: find which, or refuse the file
    good = False
    first_bad: int | None = None
    offset = 0
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, start=1):
            if raw.isascii():
                offset += len(raw)
                continue
            try:
                raw.decode(encoding)
                good = good or n >= header_row
            except UnicodeDecodeError as exc:
                if n <= header_row:
                    raise _wrong_encoding(path, declared, offset + exc.start) from exc
                first_bad = offset + exc.start if first_bad is None else first_bad
            offset += len(raw)
    if first_bad is not None and not good:
        raise _wrong_encoding(path, declared, first_bad)
    return first_bad is not None


def one_byte_newline(encoding: str) -> bool:
    """Whether ``encoding`` writes a newline as the byte 0x0A and never uses that byte otherwise."""
    encoder = codecs.getincrementalencoder(encoding)()
    try:
        encoder.encode("a")  # a byte-order mark, if any, goes first
        return encoder.encode("\n") == b"\n" and encoder.encode("\u4e00\n\u9fa5").count(b"\n") == 1
    except UnicodeEncodeError:
        return False


def undecoded(cells: list[str], names: list[str]) -> tuple[list[str], str]:
    """A record with the bytes its encoding could not read shown as U+FFFD, and the first column
    that held them ("" if none)."""
    for i, cell in enumerate(cells):
        if _UNDECODED.search(cell):
            return [_UNDECODED.sub("\ufffd", c) for c in cells], names[i] if i < len(names) else names[-1]
    return cells, ""


# encodings that read nearly any bytes: a UTF-8 file said to be in one of them would load as mojibake
_LENIENT = {"gbk", "gb2312", "gb18030", "big5", "big5hkscs", "cp950", "iso8859-1", "cp1252"}


def check_not_utf8(path: Path, encoding: str, declared: str, start: int = 0) -> None:
    """Refuse a file said to be in a lenient encoding (GBK, GB18030 …) that shows another of itself
    (a UTF-16 byte-order mark, or a zero byte beside each ASCII character), or whose text is UTF-8: every
    non-ASCII byte of it forms UTF-8 characters, which Chinese text in GBK never does for long. A
    file in its declared encoding fails the test at its first non-ASCII character, so this costs
    little; one that passes it whole is read as what it is. The text begins at byte ``start``
    (a Shapefile's .dbf: after its header)."""
    if codecs.lookup(encoding).name not in _LENIENT:
        return
    # UTF-16 without its mark decodes as GBK too (a character of mojibake per two bytes)
    found = _evident_encoding(path) if start == 0 else None
    if found:
        raise OnemapError(
            f"{path}: said to be {declared}, but it is {found}; say encoding: {found} in the manifest"
        )
    decoder = codecs.getincrementaldecoder("utf-8")()
    seen = False
    with path.open("rb") as fh:
        fh.seek(start)
        while block := fh.read(1 << 20):
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                return
            seen = seen or not block.isascii()
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return
    if seen:
        raise OnemapError(
            f"{path}: said to be {declared}, but its text is UTF-8; say encoding: UTF-8 in the manifest"
        )


# the code pages a .dbf header's language-driver byte (byte 29) names that write Chinese, Japanese
# or Korean, as GDAL reads them; any other non-zero byte names a one-byte code page (Latin-1, 1252,
# 437 …) that reads every byte as some character
_LDID_WIDE = {
    0x13: "cp932",
    0x4D: "gbk",
    0x4E: "cp949",
    0x4F: "cp950",
    0x78: "cp950",
    0x79: "cp949",
    0x7A: "gbk",
    0x7B: "cp932",
}


def dbf_encoding(dbf: Path) -> str | None:
    """The encoding to read a Shapefile's ``dbf`` in when neither a .cpg beside it nor the manifest
    names one: None when its text is ASCII, "UTF-8" when it is UTF-8, the code page its header's
    language-driver byte names when that is one of Chinese, Japanese or Korean (so its records are
    checked for bytes not in it: GDAL drops them, 乙楼 read as 0楼). Text in another encoding
    nothing names, or that a header's one-byte code page (Latin-1, 1252 …) would read as accented
    letters (一网格 as Ò»Íø¸ñ, GBK text in a file whose header says ANSI), is refused, asking for
    the encoding."""
    with dbf.open("rb") as fh:
        head = fh.read(32)
        if len(head) < 32:
            return None
        if head[29] in _LDID_WIDE:
            return _LDID_WIDE[head[29]]
        fh.seek(int.from_bytes(head[8:10], "little"))
        decoder = codecs.getincrementaldecoder("utf-8")()
        ascii_only = True
        try:
            while block := fh.read(1 << 20):
                ascii_only = ascii_only and block.isascii()
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            header = f" (its header's code page, byte 0x{head[29]:02X}, would read it as accented letters)"
            raise OnemapError(
                f"{dbf}: no .cpg beside it and no encoding in the manifest, and its text is not UTF-8"
                f"{header if head[29] else ''}; say its encoding (GBK, GB18030 …) in the manifest"
            ) from None
    return None if ascii_only else "UTF-8"


def cpg_encoding(shp: Path) -> str | None:
    """The encoding a Shapefile's .cpg names (936 is GBK, 65001 UTF-8), None without one or when
    Python knows no such encoding."""
    for suffix in (".cpg", ".CPG"):
        cpg = shp.with_suffix(suffix)
        if cpg.exists():
            said = cpg.read_text(encoding="ascii", errors="ignore").strip()
            said = {"936": "gbk", "65001": "utf-8", "54936": "gb18030"}.get(said, said)
            try:
                return codecs.lookup(said).name
            except LookupError:
                return None
    return None


def dbf_undecoded(dbf: Path, encoding: str) -> dict[int, str]:
    """The records of a Shapefile's ``dbf`` (numbered from 0 as GDAL reads them: deleted ones
    skipped) holding bytes that are not ``encoding``, each with its first such field. GDAL drops
    such bytes without a word (乙楼 read as 0楼); a CSV line like it is quarantined, and so is this.
    A character cut in two at the end of a field (a field's width reached mid-character) is a
    truncation, not another encoding, and is not counted.

    Nearly every file decodes whole: that is tried first, then field by field."""
    with dbf.open("rb") as fh:
        head = fh.read(32)
        if len(head) < 32:
            return {}
        count = int.from_bytes(head[4:8], "little")
        header_len = int.from_bytes(head[8:10], "little")
        record_len = int.from_bytes(head[10:12], "little")
        fields: list[tuple[str, int, int]] = []  # name, start in the record, width
        at = 1  # after the deletion flag
        for _ in range(max(0, (header_len - 33) // 32)):
            desc = fh.read(32)
            if len(desc) < 32 or desc[0] == 0x0D:
                break
            name = desc[:11].split(b"\x00", 1)[0].decode(encoding, errors="replace")
            if desc[11:12] in (b"C", b"M"):
                fields.append((name, at, desc[16]))
            at += desc[16]
        fh.seek(header_len)
        body = fh.read(count * record_len)
    try:
        body.decode(encoding)
        return {}
    except UnicodeDecodeError:
        pass
    found: dict[int, str] = {}
    n = 0
    for r in range(min(count, len(body) // max(record_len, 1))):
        record = body[r * record_len : (r + 1) * record_len]
        if record[:1] == b"*":
            continue  # deleted: GDAL does not read it
        for name, start, width in fields:
            value = record[start : start + width].rstrip(b" \x00")
            try:  # not final: an incomplete character at the end is a truncation
                codecs.getincrementaldecoder(encoding)().decode(value)
            except UnicodeDecodeError:
                found[n] = name
                break
        n += 1
    return found
