"""Chinese names, GB 11643 ID numbers with valid check digits, mobile numbers."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from etl.idcard import check_digit

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = list(
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国建华志强海燕"
    "文斌晓东春梅丹丹俊杰子涵梓萱浩然欣怡宇轩一诺雨桐思远嘉怡晨曦家豪"
)
# Counties migrants to the Pearl River Delta come from (GB/T 2260 codes) and their names.
ORIGINS = {
    "430521": "湖南省邵阳市邵东县",
    "430624": "湖南省岳阳市湘阴县",
    "450981": "广西壮族自治区玉林市北流市",
    "511621": "四川省广安市岳池县",
    "360731": "江西省赣州市于都县",
    "411525": "河南省信阳市固始县",
    "522121": "贵州省遵义市播州区",
    "441881": "广东省清远市英德市",
    "440882": "广东省湛江市雷州市",
    "445281": "广东省揭阳市普宁市",
    "421182": "湖北省黄冈市武穴市",
    "500233": "重庆市忠县",
}
LOCAL = {"440118": "广东省广州市增城区"}
MOBILE_PREFIXES = [
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "157",
    "158",
    "159",
    "182",
    "183",
    "187",
    "188",
    "130",
    "131",
    "132",
    "155",
    "156",
    "185",
    "186",
    "133",
    "153",
    "180",
    "189",
    "177",
    "199",
    "166",
]


def names(rng: np.random.Generator, n: int) -> list[str]:
    """Plausible Chinese names (surname plus one or two given characters)."""
    sur = rng.choice(SURNAMES, n)
    g1 = rng.choice(GIVEN, n)
    g2 = rng.choice(GIVEN, n)
    two = rng.random(n) < 0.7
    return [s + a + (b if t else "") for s, a, b, t in zip(sur, g1, g2, two, strict=True)]


def id_numbers(
    rng: np.random.Generator,
    regions: list[str],
    births: list[date],
    genders: list[str],
    seq: tuple[int, int] = (0, 100),
) -> list[str]:
    """Unique ID numbers with correct check digits for the given region, birth date and gender.

    The sequence number's first two digits come from ``seq`` (a half-open range).
    """
    out, seen = [], set()
    for region, born, sex in zip(regions, births, genders, strict=True):
        while True:
            order = int(rng.integers(*seq)) * 10 + int(
                rng.choice([1, 3, 5, 7, 9] if sex == "M" else [0, 2, 4, 6, 8])
            )
            body = f"{region}{born:%Y%m%d}{order:03d}"
            number = body + check_digit(body)
            if number not in seen:
                seen.add(number)
                out.append(number)
                break
    return out


def birth_dates(rng: np.random.Generator, n: int, until: date, min_age: int, max_age: int) -> list[date]:
    """Birth dates for ages uniformly between ``min_age`` and ``max_age``."""
    days = rng.integers(min_age * 365, max_age * 365, n)
    return [until - timedelta(days=int(d)) for d in days]


def mobiles(rng: np.random.Generator, n: int) -> list[str]:
    """11-digit mobile numbers."""
    pre = rng.choice(MOBILE_PREFIXES, n)
    rest = rng.integers(0, 100_000_000, n)
    return [f"{p}{r:08d}" for p, r in zip(pre, rest, strict=True)]
