"""The codebook is the one place a coded value's Chinese label is written, and it is well formed."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from common.codebook import ALIASES, BOOK, ITEM_STATUS, EnumName, choices, label, rows
from etl.contract import KINDS, REASONS

ROOT = Path(__file__).resolve().parents[2]

# Enums whose labels are also the plain names of things (派出所, 网格, 实有人口, 人员查询 …): headings,
# breadcrumbs and the contract's kind names say them as nouns, not as the label of a stored code.
NOUNS: set[EnumName] = {
    "element",
    "place_kind",
    "area_level",
    "role",
    "actor",
    "audit_action",
    "audit_param",
    "feed_kind",
    "report",
    "page",
    "export_format",
    "search_by",
}
# Short words that are labels and, by coincidence, also plain words with another meaning.
COINCIDENCES = {
    "其他": "the heading of other staff",
    "手机": "the heading of a phone number",
    "密码": "the password of the login form",
    "登记": "the verb of 登记时间, 登记/发现",
    "纠纷": "disputes (矛盾纠纷) as a noun, not the incident category",
}
# Text that says a label on purpose, not as a copy of the book: (file, label).
SENTENCES = {
    ("etl/sql/derive_alerts.sql", "疑似群租"): "the alert's reason, stored with the alert",
    ("etl/sql/views/20_elements.sql", "街道"): "a pattern that cuts the town from an address",
    ("etl/sql/views/20_elements.sql", "镇"): "a pattern that cuts the town from an address",
}
# Not scanned: the demo generator plays the agencies and writes their files in their own words (the
# demo-load tests check those words against the contract), and released migrations are history.
SKIPPED = ("etl/demo/", "etl/sql/0")
TOKEN = re.compile(r"[^\s,，、/()（）·:：;；。'\"<>{}\[\]|=]+")


def checked_labels() -> dict[str, list[str]]:
    """Label → the enums it labels, for every label that must appear only in the codebook."""
    nouns = {zh for f in NOUNS for zh in BOOK[f].values()}
    out: dict[str, list[str]] = {}
    for f, book in BOOK.items():
        if f in NOUNS:
            continue
        for zh in [*book.values(), *(a for a, c in ALIASES.get(f, {}).items())]:
            if zh not in nouns and zh not in COINCIDENCES:
                out.setdefault(zh, []).append(f)
    return out


def words(path: Path) -> list[tuple[int, str]]:
    """(line, word) of every word in the string literals of a Python file, or in a SQL or HTML file."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        return [(n, w) for n, line in enumerate(text.splitlines(), start=1) for w in TOKEN.findall(line)]
    out = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out += [(node.lineno, w) for w in TOKEN.findall(node.value)]
    return out


def copies(paths: list[Path]) -> list[str]:
    """Where a checked label is written: 'path:line word (enums)'."""
    labels = checked_labels()
    out = []
    for p in paths:
        name = str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else p.name
        out += [
            f"{name}:{n} {w} ({', '.join(labels[w])})"
            for n, w in words(p)
            if w in labels and (name, w) not in SENTENCES
        ]
    return out


def sources(*tops: str) -> list[Path]:
    return [
        p
        for top in tops
        for p in sorted((ROOT / top).rglob("*"))
        if p.suffix in (".py", ".sql", ".html")
        and not any(str(p.relative_to(ROOT)).startswith(s) for s in SKIPPED)
    ]


def test_no_label_is_written_outside_the_codebook() -> None:
    scanned = sources("etl", "dashboard", "onemap")
    assert len(scanned) > 60
    assert copies(scanned) == []


def test_the_check_finds_a_copied_label(tmp_path: Path) -> None:
    # the scan sees every label where the codebook writes it, and the old flat map's words too
    assert len(copies([ROOT / "common" / "codebook.py"])) >= len(checked_labels()) > 80
    old = tmp_path / "ui.py"
    old.write_text('STATUS_ZH = {"open": "待整改", "mediating": "调解中"}\nRING = "城区, 城乡结合部"\n')
    assert {c.split(" ")[1] for c in copies([old])} == {"调解中", "城区", "城乡结合部"}


def test_every_enum_is_well_formed() -> None:
    for f, book in BOOK.items():
        assert book, f
        assert len(set(book.values())) == len(book), f"{f}: two codes share a label"
        for zh, c in choices(f).items():
            assert c in book, (f, zh)
    assert label("dispute_status", "open") == "排查中" and label("hazard_status", "open") == "未整改"
    assert label("ring", None) == "" and label("ring", "new_ring") == "new_ring"
    assert set(ITEM_STATUS) == set(BOOK["item_kind"])
    assert len(rows()) == sum(len(b) for b in BOOK.values())


def test_the_contract_reads_its_enums_from_the_codebook() -> None:
    assert set(REASONS) == set(BOOK["quarantine_reason"])
    enums = {f.enum for k in KINDS.values() for f in k.fields if f.enum}
    assert {"event_class", "ring", "dispute_status", "hazard_status", "event_status"} <= enums
    ring = KINDS["camera"].field("ring")
    assert ring.choices == choices("ring") and ring.choices["区界"] == "county_border"
