"""A phone or ID number in free text is masked however it is written — Chinese numerals, other
scripts' digits, circled digits, any spacing — while dates and short numbers stay readable; the
database's ``serve.mask_digits`` and :func:`common.masking.mask_digits` mask alike."""

from __future__ import annotations

import json
import random
import re
import sys
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from common import masking

SQL = Path(__file__).resolve().parents[2] / "etl" / "sql" / "functions" / "10_serve_masks.sql"

# 13800138000 / 13812345678 / an ID number, as people write them
HIDDEN = (
    "一三八〇〇一三八〇〇〇",
    "一三八零零一三八零零零",
    "幺三八幺二三四五六七八",
    "壹叁捌壹贰叁肆伍陆柒捌",
    "壹參捌壹貳參肆伍陸柒捌",
    "138一二三四五六七八",
    "一三八 一二三四 五六七八",
    "一三八-1234-五六七八",
    "幺三八洞洞幺三八洞洞洞",
    "一 三 八 〇 〇 一 三 八 〇 〇 〇",
    "①③⑧①②③④⑤⑥⑦⑧",
    "𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖",
    "١٣٨١٢٣٤٥٦٧٨",
    "1 3 8 1 2 3 4 5 6 7 8",
    "13 81 23 45 678",
    "138.1234.5678",
    "138_1234_5678",
    "138/1234/5678",
    "138，1234，5678",
    "138。1234。5678",
    "138！1234！5678",
    "138＼1234＼5678",
    "138→1234→5678",
    "138‧1234‧5678",
    "138=1234=5678",
    "138\u200b1234\u200b5678",
    "138 \U0001f4de 1234 5678",
    "(0756)812-3456",
    "+86 138 1234 5678",
    "13812345678",
    "１３８－１２３４－５６７８",
    "440402 19900101 123X",
    "四四〇四〇二一九九〇〇一〇一一二三X",
    "0756-8123456",
    "2026-12-05 13812345678",
    # letters read as digits, and the marks that half-mask a phone (its visible digits are pieces)
    "138OO138OOO",
    "l38ＯＯl38ｏｏｏ",
    "138****5678",
    "138xxxx5678",
    "138××××5678",
    "138 ＊＊＊＊ 5678",
    "138????5678",
    "138…5678",
    "44040219900101****",
    # a phone's head and tail with words between
    "138，尾号5678",
    "138开头，尾号是5678",
    "138—尾号—5678",
    "幺三八，尾号五六七八",
    "１３８（后四位１２３４）",
    "手机138 末四位 5678",
    "1 3 8 尾号 5 6 7 8",
    "1-3-8，尾号5678",
    "手机号码前三位是138，后四位是5678",
    # letters drawn as a bar, stroke or dot between the groups, modifier letters, ideographic space
    "138丨1234丨5678",
    "138丿1234丿5678",
    "138亅1234亅5678",
    "138ㄧ1234ㄧ5678",
    "138ㅣ1234ㅣ5678",
    "138ǀ1234ǀ5678",
    "138ー1234ー5678",
    "138ـ1234ـ5678",
    "138\u30001234\u30005678",
    "138丨 丨1234丨 丨5678",
    # marks drawn over or around each digit: strike-through, underline, keycaps
    "1\u03363\u03368\u03361\u03362\u03363\u03364\u03365\u03366\u03367\u03368\u0336",
    "1\u0332\u03363\u0332\u03368 1234 5678",
    "1\ufe0f\u20e3 - 3\ufe0f\u20e3 - 8\ufe0f\u20e3 - 1234 - 5678",
    # an input method's 么 for 幺, Roman numerals
    "么三八么二三四五六七八",
    "ⅠⅢⅧⅠⅡⅢⅣⅤⅥⅦⅧ",
)
READABLE = (
    "限2026-12-05前办结，第3网格，3-5人",
    "2026-12-05 10:30至2026-12-06",
    "2026/12/05 10:30:00",
    "2026-12-30、2026-12-31",
    "2026.12.05-2026.12.12",
    "1号楼2单元301室",
    "一一核实，三三两两",
    "二〇二六年十二月五日",
    "金额1,234元，123456",
    "2026-12-05 xxxx",
    "2026-12-05至2026-12-12",
    "Hello World 2026",
    "3号楼1201室",
    # a count of 1xx within six characters of a four-digit number is masked, a cost accepted
    "共123起，同比上周增加5678元",
)


@pytest.mark.parametrize("written", HIDDEN)
def test_a_number_however_written_is_masked(written: str) -> None:
    shown = masking.mask_digits(f"请联系{written}核实")
    assert not re.search(r"\d{3}", masking.ascii_digits(shown).replace("*", "")), shown
    assert shown.startswith("请联系") and shown.endswith("核实")


@pytest.mark.parametrize("free", READABLE)
def test_dates_and_short_numbers_stay_readable(free: str) -> None:
    assert masking.mask_digits(free) == free


def test_every_digit_unicode_knows_is_a_digit() -> None:
    digit = re.compile(masking.DIGIT)
    missed = [
        f"U+{c:04X}"
        for c in range(sys.maxunicode + 1)
        if unicodedata.digit(chr(c), None) is not None and not digit.fullmatch(chr(c))
    ]
    assert not missed


def test_every_punctuation_symbol_space_modifier_or_unseen_mark_separates() -> None:
    digit, separator = re.compile(masking.DIGIT), re.compile(masking.SEPARATOR)
    missed = [
        f"U+{c:04X}"
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c))[0] in "PSZ" or unicodedata.category(chr(c)) in ("Cc", "Cf", "Lm")
        if not digit.fullmatch(chr(c)) and not separator.fullmatch(chr(c))
    ]
    assert not missed
    assert all(separator.fullmatch(c) for c in masking.LOOKALIKE)


def test_every_combining_mark_is_passed_over() -> None:
    digit, mark = re.compile(masking.DIGIT), re.compile(masking.MARK)
    missed = [
        f"U+{c:04X}"
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c))[0] == "M"
        and not digit.fullmatch(chr(c))
        and not mark.fullmatch(chr(c))
    ]
    assert not missed


def _spellings(seed: int, count: int) -> list[str]:
    """Phone and ID numbers spelt as a clerk or an attacker might: each digit in a script of its
    own, groups split by any separator Unicode or the lookalikes give, marks drawn over digits."""
    rng = random.Random(seed)
    numerals = [
        "0123456789",
        "０１２３４５６７８９",
        "〇一二三四五六七八九",
        "零幺两三四五六拐八勾",
        "零壹贰叁肆伍陆柒捌玖",
        "⓪①②③④⑤⑥⑦⑧⑨",
        "⁰¹²³⁴⁵⁶⁷⁸⁹",
        "₀₁₂₃₄₅₆₇₈₉",
        "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗",
        "٠١٢٣٤٥٦٧٨٩",
        "〇ⅠⅡⅢⅣⅤⅥⅦⅧⅨ",
    ]
    separator = re.compile(masking.SEPARATOR)
    pool = [c for c in map(chr, range(0x3100)) if separator.fullmatch(c) and c not in "\x00\n\r"]
    pool += [*masking.LOOKALIKE, "\u3000", "\u200b", "\ufeff", "丨", "ー", "｜", "─", "━", "╴"]
    marks = ["\u0336", "\u0332", "\u0305", "\u20e3", "\ufe0f", "\u0489", "\u0361"]
    out = []
    for _ in range(count):
        number = rng.choice(["13812345678", "15900001111", "44040219900101123X", "075681234567"])
        groups = (
            [number[:3], number[3:7], number[7:]]
            if len(number) == 11
            else [number[:6], number[6:14], number[14:]]
        )
        written = []
        for g in groups:
            piece = ""
            for ch in g:
                piece += ch if ch == "X" else rng.choice(numerals)[int(ch)]
                if rng.random() < 0.3:
                    piece += "".join(rng.choice(marks) for _ in range(rng.randint(1, 3)))
            written.append(piece)
        between = ["".join(rng.choice(pool) for _ in range(rng.randint(1, 3))) for _ in groups[1:]]
        text = written[0] + "".join(b + w for b, w in zip(between, written[1:], strict=True))
        out.append(text)
    return out


@pytest.mark.parametrize("seed", range(8))
def test_many_spellings_of_a_number_are_masked(seed: int) -> None:
    for written in _spellings(seed, 250):
        shown = masking.mask_digits(f"请联系{written}核实")
        left = re.sub(r"[^0-9]", "", masking.ascii_digits(shown))
        assert len(left) < 3, (written, shown)


def test_ascii_digits_reads_chinese_numerals() -> None:
    assert masking.ascii_digits("壹叁捌幺二三四五六七〇") == "13812345670"


def test_one_is_every_digit_of_value_one() -> None:
    digit, one = re.compile(masking.DIGIT), re.compile(masking.ONE)
    for c in range(sys.maxunicode + 1):
        ch = chr(c)
        if digit.fullmatch(ch):
            assert bool(one.fullmatch(ch)) == (masking.ascii_digits(ch) == "1"), f"U+{c:04X}"


def test_the_database_holds_the_same_pattern() -> None:
    sql = SQL.read_text(encoding="utf-8")
    parts = (masking.CHAIN, masking.TEMPLATE, masking.DATE, masking.DIGIT, masking.SEPARATOR)
    for part in (*parts, masking.STANDIN, masking.ONE):
        assert f"'{part}'" in sql


@pytest.mark.db
def test_the_database_masks_as_python_does(db: Connection) -> None:
    for t in (*(f"请联系{w}核实" for w in HIDDEN), *READABLE):
        shown = db.execute(text("select serve.mask_digits(:t)"), {"t": t}).scalar_one()
        assert shown == masking.mask_digits(t), t


@pytest.mark.db
def test_audit_parameters_are_masked_at_any_depth(db: Connection) -> None:
    params = {
        "note": "电话一三八〇〇一三八〇〇〇",
        "units": ["王主任 13812345678"],
        "at": {"who": "138 1234 5678"},
    }
    shown = db.execute(text("select serve.mask_params(cast(:p as jsonb))::text"), {"p": json.dumps(params)})
    body = masking.ascii_digits(shown.scalar_one())
    assert "138" not in body and "1234" not in body, body


@pytest.mark.db
def test_the_database_masks_the_many_spellings_as_python_does(db: Connection) -> None:
    texts = [f"请联系{w}核实" for seed in range(2) for w in _spellings(seed, 250)]
    shown = db.execute(
        text(
            "select serve.mask_digits(t) "
            "from unnest(cast(:ts as text[])) with ordinality as u(t, n) order by n"
        ),
        {"ts": texts},
    ).scalars()
    assert [(t, s) for t, s in zip(texts, shown, strict=True) if s != masking.mask_digits(t)] == []
