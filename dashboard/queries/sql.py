"""The statements of the dashboard's reads: ``dashboard/sql/<name>.sql``, read once, composed only
from fixed parts.

The rule every read follows:

- A statement is a file of ``dashboard/sql`` (shipped as package data). Values never enter its
  text: they are bound by name (``:name``) when it runs through :func:`dashboard.db.fetch_all`,
  which also caches the compiled form of each distinct text.
- Where a read needs a condition that varies (the viewer's scope, the area, an optional clause) or
  a table or column the caller chooses, the file holds a ``{placeholder}`` and :func:`compose`
  fills it. What goes into a placeholder is either a fragment written in the code (this package,
  :meth:`dashboard.scope.Scope.where`, :meth:`dashboard.queries.areas.Area.where`, both built from
  fixed text and validated codes of levels) or an identifier that :func:`pick` has checked against
  a fixed whitelist. Nothing a request sends is ever placed in a statement's text.
- :func:`compose` refuses a statement whose placeholders and parts do not match exactly, so a
  forgotten or misspelt part fails loudly instead of reaching the database.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import cache, lru_cache
from importlib.resources import files
from typing import Any

from dashboard.db import fetch_all

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@cache
def load(name: str) -> str:
    """The text of ``dashboard/sql/<name>.sql``, read once per process.

    Parameters
    ----------
    name
        The file's name without ``.sql``.
    """
    return (files("dashboard") / "sql" / f"{name}.sql").read_text(encoding="utf-8")


@lru_cache(maxsize=1024)
def compose(name: str, **parts: str) -> str:
    """The statement ``name`` with its ``{placeholders}`` filled by ``parts`` (fixed fragments only).

    Parameters
    ----------
    name
        The statement's file name without ``.sql``.
    **parts
        One SQL fragment per placeholder of the file: written in the code or checked by :func:`pick`.

    Raises
    ------
    ValueError
        When the file's placeholders and the parts given differ.
    """
    text = load(name)
    wanted = set(PLACEHOLDER.findall(text))
    if wanted != set(parts):
        raise ValueError(f"{name}.sql takes {sorted(wanted)}, given {sorted(parts)}")
    return PLACEHOLDER.sub(lambda m: parts[m.group(1)], text)


def pick(value: str, allowed: Collection[str]) -> str:
    """``value`` when it is one of ``allowed`` (a fixed whitelist of identifiers), else ValueError."""
    if value not in allowed:
        raise ValueError(value)
    return value


def rows(url: str, name: str, params: dict[str, Any] | None = None, **parts: str) -> list[dict[str, Any]]:
    """Run the statement ``name`` (composed from ``parts``) with ``params``; its rows as dicts.

    Parameters
    ----------
    url
        The database URL of the application role.
    name
        The statement's file name without ``.sql``.
    params
        The values bound by name.
    **parts
        The fixed fragments of its placeholders (see :func:`compose`).
    """
    return fetch_all(url, compose(name, **parts), params)
