"""A CSV file's lines as the careful reader (:func:`etl.readers.read_csv`) takes them, each with
the line number a text editor shows, and what to do with a quote opened and never closed.

A quote a clerk opens in a field and never closes (``"荔城街道`` with its closing quote lost, or a
lone ``"`` typed first in a cell) makes the CSV parser take every line after it into that one
field, up to the next quote or the file's end: one record where there were many. Such a record is
told from a value that truly spans lines (a note with a line break) by its number of fields, or by
a line it took in that is a whole record of the header's width on its own: its first line is
quarantined, naming the line and the field the quote opened in, and the lines it took in are read
again as records of their own.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterable, Iterator


class Lines:
    """The lines of a text file for ``csv.reader``, numbered, with the lines of the record being
    read kept (``held``) so that a record that swallowed lines can hand them back."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self._again: deque[tuple[int, str]] = deque()
        self._number = 0
        self.held: list[tuple[int, str]] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self._again:
            number, text = self._again.popleft()
        else:
            text = next(self._lines)
            self._number += 1
            number = self._number
        self.held.append((number, text))
        return text

    def record_lines(self) -> list[tuple[int, str]]:
        """The lines of the record just read, and a fresh start for the next."""
        held, self.held = self.held, []
        return held

    def read_again(self, lines: list[tuple[int, str]]) -> None:
        """``lines`` are read again, before any line not yet read."""
        self._again.extendleft(reversed(lines))


def reread_if_swallowed(
    lines: Lines, record: list[str], held: list[tuple[int, str]], names: list[str]
) -> tuple[list[str], str]:
    """``record`` as read and "", or, where it is a quote left open (:func:`swallowed`), its first
    line alone and the fault, the lines it took in handed back to be read as records."""
    if len(held) < 2 or not swallowed(record, held, len(names)):
        return record, ""
    lines.read_again(held[1:])
    return opened_quote(held, names)


def swallowed(record: list[str], lines: list[tuple[int, str]], width: int) -> bool:
    """Whether ``record``, read from more than one line, is a quote left open rather than a value
    spanning lines: it has the wrong number of fields, or a line it took in is a record of the
    header's width on its own."""
    if len(lines) < 2:
        return False
    if len(record) != width:
        return True
    return width > 1 and any(len(_alone(text)) >= width for _, text in lines[1:])


def opened_quote(lines: list[tuple[int, str]], names: list[str]) -> tuple[list[str], str]:
    """The first line of a record that swallowed the lines after it, read alone, and its fault."""
    first, text = lines[0]
    cells = _alone(text)
    field = names[len(cells) - 1] if 0 < len(cells) <= len(names) else f"field {len(cells)}"
    return cells, (
        f"a quote opened in field {field} on line {first} is not closed on its line: it took in "
        f"lines {lines[1][0]}–{lines[-1][0]}, which are read on their own; close the quote or remove it"
    )


def _alone(text: str) -> list[str]:
    return next(csv.reader([text.rstrip("\r\n")]), [])
