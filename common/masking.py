"""Phone and ID numbers typed into free text, however they are written, found and masked.

A number is a chain of seven or more digits with at most three separators between two of them
(any punctuation, symbol, space, control or unseen format character, full-width or not),
optionally ending in an ID number's check letter X. A digit is any character Unicode gives a
digit value (ASCII, full-width, Arabic-Indic, superscript, circled ①…) and any Chinese numeral
written digit by digit
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
# what people put between the digits of one number: any punctuation, symbol, space, control or
# unseen format character (Unicode's P*, S*, Z*, Cc, Cf) that is not itself a digit
SEPARATOR = (
    r"[\u0000-\u002f\u003a-\u0040\u005b-\u0060\u007b-\u00a9\u00ab-\u00b1\u00b4\u00b6-\u00b8\u00bb\u00bf"
    r"\u00d7\u00f7\u02c2-\u02c5\u02d2-\u02df\u02e5-\u02eb\u02ed\u02ef-\u02ff\u0375\u037e\u0384-\u0385"
    r"\u0387\u03f6\u0482\u055a-\u055f\u0589-\u058a\u058d-\u058f\u05be\u05c0\u05c3\u05c6\u05f3-\u05f4"
    r"\u0600-\u060f\u061b-\u061f\u066a-\u066d\u06d4\u06dd-\u06de\u06e9\u06fd-\u06fe\u0700-\u070d\u070f"
    r"\u07f6-\u07f9\u07fe-\u07ff\u0830-\u083e\u085e\u0888\u0890-\u0891\u08e2\u0964-\u0965\u0970"
    r"\u09f2-\u09f3\u09fa-\u09fb\u09fd\u0a76\u0af0-\u0af1\u0b70\u0bf3-\u0bfa\u0c77\u0c7f\u0c84\u0d4f"
    r"\u0d79\u0df4\u0e3f\u0e4f\u0e5a-\u0e5b\u0f01-\u0f17\u0f1a-\u0f1f\u0f34\u0f36\u0f38\u0f3a-\u0f3d"
    r"\u0f85\u0fbe-\u0fc5\u0fc7-\u0fcc\u0fce-\u0fda\u104a-\u104f\u109e-\u109f\u10fb\u1360-\u1368"
    r"\u1390-\u1399\u1400\u166d-\u166e\u1680\u169b-\u169c\u16eb-\u16ed\u1735-\u1736\u17d4-\u17d6"
    r"\u17d8-\u17db\u1800-\u180a\u180e\u1940\u1944-\u1945\u19de-\u19ff\u1a1e-\u1a1f\u1aa0-\u1aa6"
    r"\u1aa8-\u1aad\u1b5a-\u1b6a\u1b74-\u1b7e\u1bfc-\u1bff\u1c3b-\u1c3f\u1c7e-\u1c7f\u1cc0-\u1cc7"
    r"\u1cd3\u1fbd\u1fbf-\u1fc1\u1fcd-\u1fcf\u1fdd-\u1fdf\u1fed-\u1fef\u1ffd-\u1ffe\u2000-\u2064"
    r"\u2066-\u206f\u207a-\u207e\u208a-\u208e\u20a0-\u20c0\u2100-\u2101\u2103-\u2106\u2108-\u2109"
    r"\u2114\u2116-\u2118\u211e-\u2123\u2125\u2127\u2129\u212e\u213a-\u213b\u2140-\u2144\u214a-\u214d"
    r"\u214f\u218a-\u218b\u2190-\u2426\u2440-\u244a\u249c-\u24e9\u2500-\u25ca\u25cc-\u25ee"
    r"\u25f0-\u2775\u2794-\u2b73\u2b76-\u2b95\u2b97-\u2bff\u2ce5-\u2cea\u2cf9-\u2cfc\u2cfe-\u2cff"
    r"\u2d70\u2e00-\u2e2e\u2e30-\u2e5d\u2e80-\u2e99\u2e9b-\u2ef3\u2f00-\u2fd5\u2ff0-\u2ffb"
    r"\u3000-\u3004\u3008-\u3020\u3030\u3036-\u3037\u303d-\u303f\u309b-\u309c\u30a0\u30fb\u3190-\u3191"
    r"\u3196-\u319f\u31c0-\u31e3\u3200-\u321e\u322a-\u3247\u3250\u3260-\u327f\u328a-\u32b0"
    r"\u32c0-\u33ff\u4dc0-\u4dff\ua490-\ua4c6\ua4fe-\ua4ff\ua60d-\ua60f\ua673\ua67e\ua6f2-\ua6f7"
    r"\ua700-\ua716\ua720-\ua721\ua789-\ua78a\ua828-\ua82b\ua836-\ua839\ua874-\ua877\ua8ce-\ua8cf"
    r"\ua8f8-\ua8fa\ua8fc\ua92e-\ua92f\ua95f\ua9c1-\ua9cd\ua9de-\ua9df\uaa5c-\uaa5f\uaa77-\uaa79"
    r"\uaade-\uaadf\uaaf0-\uaaf1\uab5b\uab6a-\uab6b\uabeb\ufb29\ufbb2-\ufbc2\ufd3e-\ufd4f\ufdcf"
    r"\ufdfc-\ufdff\ufe10-\ufe19\ufe30-\ufe52\ufe54-\ufe66\ufe68-\ufe6b\ufeff\uff01-\uff0f"
    r"\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\uffe0-\uffe6\uffe8-\uffee\ufff9-\ufffd"
    r"\U00010100-\U00010102\U00010137-\U0001013f\U00010179-\U00010189\U0001018c-\U0001018e"
    r"\U00010190-\U0001019c\U000101a0\U000101d0-\U000101fc\U0001039f\U000103d0\U0001056f\U00010857"
    r"\U00010877-\U00010878\U0001091f\U0001093f\U00010a50-\U00010a58\U00010a7f\U00010ac8"
    r"\U00010af0-\U00010af6\U00010b39-\U00010b3f\U00010b99-\U00010b9c\U00010ead\U00010f55-\U00010f59"
    r"\U00010f86-\U00010f89\U00011047-\U0001104d\U000110bb-\U000110c1\U000110cd\U00011140-\U00011143"
    r"\U00011174-\U00011175\U000111c5-\U000111c8\U000111cd\U000111db\U000111dd-\U000111df"
    r"\U00011238-\U0001123d\U000112a9\U0001144b-\U0001144f\U0001145a-\U0001145b\U0001145d\U000114c6"
    r"\U000115c1-\U000115d7\U00011641-\U00011643\U00011660-\U0001166c\U000116b9\U0001173c-\U0001173f"
    r"\U0001183b\U00011944-\U00011946\U000119e2\U00011a3f-\U00011a46\U00011a9a-\U00011a9c"
    r"\U00011a9e-\U00011aa2\U00011c41-\U00011c45\U00011c70-\U00011c71\U00011ef7-\U00011ef8"
    r"\U00011fd5-\U00011ff1\U00011fff\U00012470-\U00012474\U00012ff1-\U00012ff2\U00013430-\U00013438"
    r"\U00016a6e-\U00016a6f\U00016af5\U00016b37-\U00016b3f\U00016b44-\U00016b45\U00016e97-\U00016e9a"
    r"\U00016fe2\U0001bc9c\U0001bc9f-\U0001bca3\U0001cf50-\U0001cfc3\U0001d000-\U0001d0f5"
    r"\U0001d100-\U0001d126\U0001d129-\U0001d164\U0001d16a-\U0001d16c\U0001d173-\U0001d17a"
    r"\U0001d183-\U0001d184\U0001d18c-\U0001d1a9\U0001d1ae-\U0001d1ea\U0001d200-\U0001d241\U0001d245"
    r"\U0001d300-\U0001d356\U0001d6c1\U0001d6db\U0001d6fb\U0001d715\U0001d735\U0001d74f\U0001d76f"
    r"\U0001d789\U0001d7a9\U0001d7c3\U0001d800-\U0001d9ff\U0001da37-\U0001da3a\U0001da6d-\U0001da74"
    r"\U0001da76-\U0001da83\U0001da85-\U0001da8b\U0001e14f\U0001e2ff\U0001e95e-\U0001e95f\U0001ecac"
    r"\U0001ecb0\U0001ed2e\U0001eef0-\U0001eef1\U0001f000-\U0001f02b\U0001f030-\U0001f093"
    r"\U0001f0a0-\U0001f0ae\U0001f0b1-\U0001f0bf\U0001f0c1-\U0001f0cf\U0001f0d1-\U0001f0f5"
    r"\U0001f10d-\U0001f1ad\U0001f1e6-\U0001f202\U0001f210-\U0001f23b\U0001f240-\U0001f248"
    r"\U0001f250-\U0001f251\U0001f260-\U0001f265\U0001f300-\U0001f6d7\U0001f6dd-\U0001f6ec"
    r"\U0001f6f0-\U0001f6fc\U0001f700-\U0001f773\U0001f780-\U0001f7d8\U0001f7e0-\U0001f7eb\U0001f7f0"
    r"\U0001f800-\U0001f80b\U0001f810-\U0001f847\U0001f850-\U0001f859\U0001f860-\U0001f887"
    r"\U0001f890-\U0001f8ad\U0001f8b0-\U0001f8b1\U0001f900-\U0001fa53\U0001fa60-\U0001fa6d"
    r"\U0001fa70-\U0001fa74\U0001fa78-\U0001fa7c\U0001fa80-\U0001fa86\U0001fa90-\U0001faac"
    r"\U0001fab0-\U0001faba\U0001fac0-\U0001fac5\U0001fad0-\U0001fad9\U0001fae0-\U0001fae7"
    r"\U0001faf0-\U0001faf6\U0001fb00-\U0001fb92\U0001fb94-\U0001fbca\U000e0001\U000e0020-\U000e007f]"
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
    "|<O>(?:<S>{0,2}<D>){2}(?!<S>{0,3}<D>)[^\\n\\r]{1,6}?(?<!<D>)(?<!<D><S>)(?!<DATE>(?!<S>{0,3}<D>))<D>(?:<S>{0,3}(?:<D>|<T>)){3,}"
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
