"""The map's search answers from the labels as shown (masked) alone: which places it returns never
depends on the characters masking hid. It narrows on the plain text and masks only its best
candidates; when more places held a name typed whole than it masked (the pool), its answer changed
with whether the name typed was the hidden one: typing 张三屋后巷 left out a place that typing
张五屋后巷 found, which confirmed the hidden name.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from dashboard.context import AppContext
from dashboard.queries import elements
from tests.support.planted import stored_names
from tests.support.search import by_masked_labels

pytestmark = pytest.mark.db

# more places holding the name than the search masks for one hit asked for
HOLDING = elements.SEARCH_POOL + 2


@pytest.fixture
def planted(core: Engine) -> Iterator[tuple[str, str]]:
    """A stored person's name in the addresses of HOLDING places (张三屋后巷1号 …), and one address
    holding only its end (三屋后巷); the name and that address's code."""
    with core.connect() as conn:
        person, _ = stored_names(conn)
        codes = list(
            conn.execute(
                text(
                    "select address_code from core.standard_addresses where address_code not in "
                    "(select address_code from core.buildings where address_code is not null) "
                    "order by 1 limit :n"
                ),
                {"n": HOLDING + 1},
            ).scalars()
        )
    assert len(codes) == HOLDING + 1
    with core.begin() as conn:
        was = dict(
            conn.execute(
                text(
                    "select address_code, full_address from core.standard_addresses "
                    "where address_code = any(:c)"
                ),
                {"c": codes},
            ).all()
        )
        for n, code in enumerate(codes[:HOLDING]):
            conn.execute(
                text("update core.standard_addresses set full_address = :v where address_code = :c"),
                {"v": f"{person}屋后巷{n + 1}号", "c": code},
            )
        conn.execute(
            text("update core.standard_addresses set full_address = :v where address_code = :c"),
            {"v": f"{person[1:]}屋后巷", "c": codes[HOLDING]},
        )
    try:
        yield person, codes[HOLDING]
    finally:
        with core.begin() as conn:
            for code, old in was.items():
                conn.execute(
                    text("update core.standard_addresses set full_address = :v where address_code = :c"),
                    {"v": old, "c": code},
                )


def test_the_search_answers_from_masked_labels_alone(c: AppContext, planted: tuple[str, str]) -> None:
    person, clean = planted
    wrong = person[0] + ("五" if person[1] != "五" else "六") + person[2:]
    for typed in (f"{person}屋后巷", f"{wrong}屋后巷"):
        hits = elements.search(c.url, c.scope(), typed, limit=1)
        assert [(h["kind"], h["code"]) for h in hits] == by_masked_labels(c, typed, 1), typed
    # the place holding only the name's end is found whichever first name is typed: nothing tells
    # whether the hidden one was typed
    answers = [
        [h["code"] for h in elements.search(c.url, c.scope(), f"{first}屋后巷", limit=1)]
        for first in (person, wrong)
    ]
    assert answers == [[clean], [clean]]
