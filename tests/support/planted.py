"""Stored names written into other texts for a test, and the texts put back afterwards.

The masking tests plant a stored person's and a landlord's names (and a phone) into the texts a
page shows — a place's name, an area's name, an address — and check that none reaches a viewer
whole.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, text

# (table, code column, text column)
Text = tuple[str, str, str]


def stored_names(conn: Connection) -> tuple[str, str]:
    """A stored person's name (three characters) and a landlord's (two)."""
    person = conn.execute(
        text("select name from core.persons where char_length(name) = 3 order by person_id limit 1")
    ).scalar_one()
    landlord = conn.execute(
        text(
            "select landlord_name from core.rental_units where char_length(landlord_name) = 2 "
            "order by unit_code limit 1"
        )
    ).scalar_one()
    return str(person), str(landlord)


def first_codes(
    conn: Connection, texts: Sequence[Text], given: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Each text's row: the one given for ``table.column``, else the table's first code."""
    given = given or {}
    return {
        f"{t}.{col}": given.get(f"{t}.{col}")
        or conn.execute(text(f"select {code} from {t} order by {code} limit 1")).scalar_one()
        for t, code, col in texts
    }


@contextmanager
def written(
    core: Engine, texts: Sequence[Text], codes: Mapping[str, str], values: Mapping[str, str]
) -> Iterator[None]:
    """Write ``values`` (by ``table.column``) into the rows ``codes`` name; the old texts come back
    afterwards, whatever the test did."""
    with core.connect() as conn:
        was = {
            f"{t}.{col}": conn.execute(
                text(f"select {col} from {t} where {code} = :c"), {"c": codes[f"{t}.{col}"]}
            ).scalar_one()
            for t, code, col in texts
        }

    def put(texts_by_key: Mapping[str, str | None]) -> None:
        with core.begin() as conn:
            for t, code, col in texts:
                key = f"{t}.{col}"
                conn.execute(
                    text(f"update {t} set {col} = :v where {code} = :c"),
                    {"v": texts_by_key[key], "c": codes[key]},
                )

    try:
        put(values)
        yield
    finally:
        put(was)
