"""Phone and ID numbers typed into free text, however they are written, found and masked.

A number is a chain of seven or more digits with at most three separators between two of them
(spaces, dashes, dots, slashes, brackets, commas, full-width or not), optionally ending in an ID
number's check letter X. A digit is any character Unicode gives a digit value (ASCII, full-width,
Arabic-Indic, superscript, circled ①…) and any Chinese numeral written digit by digit
(一三八〇〇一三八〇〇〇, 幺三八…, 壹叁捌…, 两/兩 for 2, 洞/拐/勾 as said over a radio). After its
first digit a chain may hold stand-ins for digits: letters read as digits (O/o for 0, I/l for 1)
and what hides a digit (*, x, ×, ?, …, ●; 138OO138OOO, 138****5678, 138xxxx5678 are masked
whole: the visible digits of a half-masked phone are pieces of it). A mobile phone's head (three
digits, the first a 1) followed within six characters of words by four digits or more is one
number too (138，尾号5678; 手机138开头，尾号是5678). A date, alone or in a range, with or without
its time (2026-12-05, 2026/12/05 10:30), stays readable.

The database masks with the same pattern (serve.mask_digits in
etl/sql/functions/10_serve_masks.sql holds these strings verbatim; tests/common/test_masking.py
checks that they agree), so what a page shows and what Python writes mask alike.
"""

from __future__ import annotations

import re
import unicodedata

# every character with a Unicode digit value, and the Chinese numerals written digit by digit
DIGIT = (
    r"[\u0030-\u0039\u00b2-\u00b3\u00b9\u0660-\u0669\u06f0-\u06f9\u07c0-\u07c9\u0966-\u096f"
    r"\u09e6-\u09ef\u0a66-\u0a6f\u0ae6-\u0aef\u0b66-\u0b6f\u0be6-\u0bef\u0c66-\u0c6f\u0ce6-\u0cef"
    r"\u0d66-\u0d6f\u0de6-\u0def\u0e50-\u0e59\u0ed0-\u0ed9\u0f20-\u0f29\u1040-\u1049\u1090-\u1099"
    r"\u1369-\u1371\u17e0-\u17e9\u1810-\u1819\u1946-\u194f\u19d0-\u19da\u1a80-\u1a89\u1a90-\u1a99"
    r"\u1b50-\u1b59\u1bb0-\u1bb9\u1c40-\u1c49\u1c50-\u1c59\u2070\u2074-\u2079\u2080-\u2089"
    r"\u2460-\u2468\u2474-\u247c\u2488-\u2490\u24ea\u24f5-\u24fd\u24ff\u25cb\u25ef\u2776-\u277e"
    r"\u2780-\u2788\u278a-\u2792\u3007\u3021-\u3029\u3220-\u3228\u3280-\u3288\u4e00\u4e03\u4e09\u4e24"
    r"\u4e5d\u4e8c\u4e94\u4f0d\u5169\u516b\u516d\u52fe\u53c1\u53c3-\u53c4\u56db\u58f9\u5e7a"
    r"\u5f0c-\u5f0e\u62d0\u634c\u67d2\u6d1e\u7396\u8086\u8cb3\u8d30\u9646\u9678\u96f6\ua620-\ua629"
    r"\ua8d0-\ua8d9\ua900-\ua909\ua9d0-\ua9d9\ua9f0-\ua9f9\uaa50-\uaa59\uabf0-\uabf9\uff10-\uff19"
    r"\U000104a0-\U000104a9\U00010a40-\U00010a43\U00010d30-\U00010d39\U00010e60-\U00010e68"
    r"\U00011052-\U0001105a\U00011066-\U0001106f\U000110f0-\U000110f9\U00011136-\U0001113f"
    r"\U000111d0-\U000111d9\U000112f0-\U000112f9\U00011450-\U00011459\U000114d0-\U000114d9"
    r"\U00011650-\U00011659\U000116c0-\U000116c9\U00011730-\U00011739\U000118e0-\U000118e9"
    r"\U00011950-\U00011959\U00011c50-\U00011c59\U00011d50-\U00011d59\U00011da0-\U00011da9"
    r"\U00016a60-\U00016a69\U00016ac0-\U00016ac9\U00016b50-\U00016b59\U0001d7ce-\U0001d7ff"
    r"\U0001e140-\U0001e149\U0001e2f0-\U0001e2f9\U0001e950-\U0001e959\U0001f100-\U0001f10a"
    r"\U0001fbf0-\U0001fbf9]"
)
# what people put between the digits of one number (spaces and unseen marks included)
SEPARATOR = (
    r"[\u0009-\u000d\u0020\u0022-\u0023\u0027-\u002f\u003a-\u003b\u005b-\u005d\u005f\u007c\u007e\u00a0"
    r"\u00b7\u1680\u2000-\u2015\u2018-\u2019\u201c-\u201d\u2022\u2028-\u202f\u205f-\u2064\u2212"
    r"\u3000-\u3001\u3010-\u3011\u3014-\u3015\u301c\u30fb\ufeff\uff03\uff08-\uff0f\uff1a-\uff1b\uff3f"
    r"\uff5c\uff5e\uff65]"
)
# what stands for a digit inside a chain: letters read as digits, marks that hide one
STANDIN = (
    r"[\u002a\u003f\u0049\u004f\u0058\u006c\u006f\u0078\u00d7\u2026\u2217\u25cf"
    r"\uff0a\uff1f\uff29\uff2f\uff38\uff4c\uff4f\uff58]"
)
# every digit of value 1 (a mobile phone's first digit), in any script or numeral
ONE = (
    r"[\u0031\u00b9\u0661\u06f1\u07c1\u0967\u09e7\u0a67\u0ae7\u0b67\u0be7\u0c67\u0ce7\u0d67\u0de7"
    r"\u0e51\u0ed1\u0f21\u1041\u1091\u1369\u17e1\u1811\u1947\u19d1\u19da\u1a81\u1a91\u1b51\u1bb1"
    r"\u1c41\u1c51\u2081\u2460\u2474\u2488\u24f5\u2776\u2780\u278a\u3021\u3220\u3280\u4e00\u58f9"
    r"\u5e7a\u5f0c\ua621\ua8d1\ua901\ua9d1\ua9f1\uaa51\uabf1\uff11\U000104a1\U00010a40\U00010d31"
    r"\U00010e60\U00011052\U00011067\U000110f1\U00011137\U000111d1\U000112f1\U00011451\U000114d1"
    r"\U00011651\U000116c1\U00011731\U000118e1\U00011951\U00011c51\U00011d51\U00011da1\U00016a61"
    r"\U00016ac1\U00016b51\U0001d7cf\U0001d7d9\U0001d7e3\U0001d7ed\U0001d7f7\U0001e141\U0001e2f1"
    r"\U0001e951\U0001f102\U0001fbf1]"
)
DATE = (
    r"<D>{4}[\u002d\u002e\u002f\uff0d\uff0e\uff0f]<D>{1,2}[\u002d\u002e\u002f\uff0d\uff0e\uff0f]<D>{1,2}"
    r"(?:<S>{1,3}<D>{1,2}[\u003a\uff1a]<D>{2}(?:[\u003a\uff1a]<D>{2})?)?"
)
# seven digits or more (stand-ins after the first), at most three separators between two of them;
# or a mobile phone's head (three digits), up to six characters on its line, four digits or more
CHAIN = (
    "<D>(?:<S>{0,3}(?:<D>|<T>)){6,}"
    "|<O><D><D>(?!<D>)[^\\n\\r]{1,6}?(?<!<D>)(?<!<D><S>)(?!<DATE>(?!<S>{0,3}<D>))<D>(?:<S>{0,3}(?:<D>|<T>)){3,}"
)
# a chain not inside a longer one, not a date or dates alone, with an ID number's check letter
TEMPLATE = (
    "(?<!<D>)(?<!<D><S>)(?<!<D><S><S>)(?<!<D><S><S><S>)"
    "(?!<DATE>(?:<S>{1,3}<DATE>)*(?!<S>{0,3}<D>))"
    f"(?:{CHAIN})[Xx]?"
)
PATTERN = (
    TEMPLATE.replace("<DATE>", DATE)
    .replace("<D>", DIGIT)
    .replace("<S>", SEPARATOR)
    .replace("<T>", STANDIN)
    .replace("<O>", ONE)
)
MASK = "*******"
_NUMBER = re.compile(PATTERN)
_DIGIT = re.compile(DIGIT)
_CHINESE = {
    **dict.fromkeys("〇○◯零洞", 0),
    **dict.fromkeys("一幺壹弌", 1),
    **dict.fromkeys("二两兩贰貳弍", 2),
    **dict.fromkeys("三叁參叄弎", 3),
    **dict.fromkeys("四肆", 4),
    **dict.fromkeys("五伍", 5),
    **dict.fromkeys("六陆陸", 6),
    **dict.fromkeys("七柒拐", 7),
    **dict.fromkeys("八捌", 8),
    **dict.fromkeys("九玖勾", 9),
}


def mask_digits(text: str) -> str:
    """``text`` with every phone or ID number in it replaced by ``*******``.

    Parameters
    ----------
    text
        Free text someone typed or a source file holds.

    Returns
    -------
    str
        The text with each number masked whole; dates and short numbers as they were.
    """
    return _NUMBER.sub(MASK, text)


def ascii_digits(text: str) -> str:
    """``text`` with every digit of :data:`DIGIT` written as its ASCII digit (一三八 → 138, ①③⑧ →
    138), for checking that no number survives in what a page shows."""
    return _DIGIT.sub(lambda m: str(_value(m.group())), text)


def _value(ch: str) -> int:
    found = unicodedata.digit(ch, None)
    if found is not None:
        return found
    if ch in _CHINESE:
        return _CHINESE[ch]
    return int(unicodedata.numeric(ch, 0))  # 〡…〩, ㈠…㈨, ㊀…㊈
