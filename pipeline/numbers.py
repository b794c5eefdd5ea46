"""Read numbers as Chinese reports write them.

``find_numbers(text)`` returns every number expression in a string: Arabic and
full-width digits, thousands separators, decimals, magnitudes (万 亿 千万 …),
Chinese and financial numerals, approximate forms (十余 千余 上百 数十),
percentages (99.7% 百分之三十五), fractions (三分之二), percentage points
(3.7个百分点) and ranges (1至2, 12.5%-15%). It knows no context: deciding
which numbers are indicators is the job of ``pipeline.stages.indicators``.
A numeral too large for a float (a 200 000-digit string) is not read as a number.

>>> [(n.text, n.value) for n in find_numbers("投入2296万元，覆盖千余户")]
[('2296万', 22960000.0), ('千余', 1000.0)]
>>> read_number("两万三千")
23000.0
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

import regex

DIGITS = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
    "六": 6, "七": 7, "八": 8, "九": 9, "壹": 1, "贰": 2, "貳": 2, "叁": 3, "參": 3,
    "肆": 4, "伍": 5, "陆": 6, "陸": 6, "柒": 7, "捌": 8, "玖": 9,
}
UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
MAGNITUDES = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
APPROXIMATE = {"多": "over", "余": "over", "餘": "over", "几": "over", "幾": "over", "来": "about",
               "來": "about"}
PREFIXES = {"上": "over", "数": "over", "數": "over", "几": "over", "幾": "over"}
# Qualifier words that may stand right before a lone magnitude (近千 is a number: 千).
LONE_MAGNITUDE_LEADS = "近约約逾超"
# Lone magnitudes that are numbers by themselves (十万元, 百亿); 千万 is also "by all means".
_SELF_STANDING = regex.compile(r"[十拾百佰][万萬亿億]|[千仟][亿億]|[万萬][亿億]")

_CN_CHARS = "".join(DIGITS) + "".join(UNITS) + "".join(MAGNITUDES)
_CN = f"[{_CN_CHARS}]+(?:[点點][{''.join(DIGITS)}]+)?"
_DIGIT = "[0-9０-９]"
_ARABIC = f"(?:{_DIGIT}{{1,3}}(?:,{_DIGIT}{{3}})+(?!{_DIGIT})|{_DIGIT}+)(?:[.．]{_DIGIT}+)?"
# 千米 千克 千瓦 are units, not a magnitude followed by 米 克 瓦.
_MAGNITUDE = "(?:[十百千拾佰仟](?![米克瓦卡])(?:[万萬亿億])?|[万萬](?:[亿億])?|[亿億])"
_SPACE = "[ \u00a0]?"

_NUMBER = regex.compile(
    rf"""
    百分之(?P<percent_of>{_CN}|{_ARABIC})
  | (?P<denominator>{_CN}|{_ARABIC})分之(?P<numerator>{_CN}|{_ARABIC})
  | (?P<arabic>{_ARABIC})
      (?:{_SPACE}(?P<approx_before>[多余餘])(?={_SPACE}{_MAGNITUDE}))?
      (?:{_SPACE}(?P<magnitude>{_MAGNITUDE}))?
      (?:{_SPACE}(?P<approx>[多余餘])|(?P<about>[来來]))?
      (?:{_SPACE}(?P<percent>[%％])|{_SPACE}(?P<points>(?:个|個)?百分[点點]))?
  | (?P<prefix>[上数數几幾])?(?P<chinese>{_CN})
      (?:(?P<cn_approx>[多余餘几幾])(?P<cn_magnitude>[万萬亿億]|[百千][万萬])?|(?P<cn_about>[来來]))?
      (?P<cn_points>(?:个|個)百分[点點])?
    """,
    regex.VERBOSE,
)
RANGE_JOINER = regex.compile(r"[ \u00a0]?(?:至|到|-|－|—|–|~|～)[ \u00a0]?")
T = TypeVar("T")


@dataclass(frozen=True)
class Number:
    """One number expression: ``text == source[start:end]``."""

    text: str
    start: int
    end: int
    value: float
    high: float | None = None  # the upper bound of a range
    kind: str = "number"  # number | percent | fraction | points
    qualifier: str | None = None  # over | about, when the numeral itself is approximate
    chinese: bool = False  # written in Chinese numerals only
    magnitude: float = 1.0  # the magnitude written after an Arabic number (万 → 10000)
    has_magnitude: bool = False  # carries 十 百 千 万 亿 (GOLD.md's mandatory rule)


def find_numbers(text: str) -> list[Number]:
    """Every number expression in ``text``, in order."""
    numbers = [
        number for match in _NUMBER.finditer(text)
        if (number := _read(match, text)) and math.isfinite(number.value)
    ]
    return _join_ranges(_join_compounds(numbers, text), text)


def read_number(text: str) -> float:
    """The value of a number written in Arabic or Chinese numerals, with magnitudes.

    >>> read_number("1.8 万"), read_number("三千五百万"), read_number("二〇一四")
    (18000.0, 35000000.0, 2014.0)
    """
    numbers = find_numbers(text)
    if len(numbers) != 1 or numbers[0].text != text.strip():
        raise ValueError(f"not a single number: {text!r}")
    return numbers[0].value


def _read(match: regex.Match, text: str) -> Number | None:
    groups = match.groupdict()
    start, end = match.span()
    if groups["percent_of"]:
        value = _value_of(groups["percent_of"])
        return Number(match.group(), start, end, value, kind="percent",
                      chinese=not _has_arabic(groups["percent_of"]))
    if groups["denominator"]:
        denominator = _value_of(groups["denominator"])
        if not denominator:
            return None
        return Number(match.group(), start, end, _value_of(groups["numerator"]) / denominator,
                      kind="fraction", chinese=not _has_arabic(match.group()))
    if groups["arabic"]:
        return _read_arabic(match, groups)
    return _read_chinese(match, groups, text)


def _read_arabic(match: regex.Match, groups: dict) -> Number:
    magnitude = 1.0
    for char in groups["magnitude"] or "":
        magnitude *= UNITS.get(char) or MAGNITUDES[char]
    value = _arabic(groups["arabic"]) * magnitude
    kind = "percent" if groups["percent"] else "points" if groups["points"] else "number"
    approximate = groups["approx_before"] or groups["approx"]
    qualifier = "over" if approximate else "about" if groups["about"] else None
    return Number(match.group(), *match.span(), value, kind=kind, qualifier=qualifier,
                  magnitude=magnitude, has_magnitude=bool(groups["magnitude"]))


def _read_chinese(match: regex.Match, groups: dict, text: str) -> Number | None:
    numeral = groups["chinese"]
    prefix = groups["prefix"]
    approximate = groups["cn_approx"] or groups["cn_about"]
    lone_magnitude = not any(char in DIGITS for char in numeral.split("点")[0].split("點")[0])
    start = match.start()
    if lone_magnitude:
        leads_in = start > 0 and text[start - 1] in LONE_MAGNITUDE_LEADS
        if not (prefix or approximate or leads_in or _SELF_STANDING.fullmatch(numeral)):
            return _without_prefix(match, text) if prefix else None
    elif prefix:
        # 上 in 上三年 or 数 in 数一数 is not part of a number: drop the prefix.
        return _without_prefix(match, text)
    qualifier = PREFIXES.get(prefix) if prefix else None
    if approximate:
        qualifier = qualifier or APPROXIMATE[approximate]
    if groups["cn_approx"] in ("几", "幾") and numeral[-1] in DIGITS:
        return None  # 十几 and 二十几万 are numbers, 三几 is not
    kind = "points" if groups["cn_points"] else "number"
    has_magnitude = any(char in UNITS or char in MAGNITUDES for char in numeral)
    value = read_chinese(numeral) * read_chinese(groups["cn_magnitude"] or "一")  # 十余万: 10 × 万
    return Number(match.group(), start, match.end(), value, kind=kind,
                  qualifier=qualifier, chinese=True, has_magnitude=has_magnitude)


def _without_prefix(match: regex.Match, text: str) -> Number | None:
    again = _NUMBER.match(text, match.start() + 1, match.end())
    return _read(again, text) if again and again.end() == match.end() else None


def join_adjacent(items: list[T], merge: Callable[[T, T], T | None]) -> list[T]:
    """``items`` with each one that ``merge(previous, item)`` accepts folded into the one before."""
    joined: list[T] = []
    for item in items:
        merged = merge(joined[-1], item) if joined else None
        if merged is None:
            joined.append(item)
        else:
            joined[-1] = merged
    return joined


def _join_compounds(numbers: list[Number], text: str) -> list[Number]:
    """Merge an amount written in parts of falling magnitude: 1亿2000万, 3万5千."""
    def merge(previous: Number, number: Number) -> Number | None:
        if not (previous.end == number.start and previous.kind == number.kind == "number"
                and previous.qualifier is None and previous.magnitude > number.magnitude > 1):
            return None
        return replace(previous, text=text[previous.start:number.end], end=number.end,
                       value=previous.value + number.value, qualifier=number.qualifier)
    return join_adjacent(numbers, merge)


def _join_ranges(numbers: list[Number], text: str) -> list[Number]:
    """Merge ``low 至 high`` pairs into one Number whose value is the low end."""
    def merge(previous: Number, number: Number) -> Number | None:
        if not (previous.high is None and RANGE_JOINER.fullmatch(text, previous.end, number.start)
                and previous.kind in ("number", number.kind) and previous.chinese == number.chinese):
            return None
        low = previous.value
        if previous.magnitude == 1.0 and number.magnitude != 1.0:
            low *= number.magnitude  # 3-5万: the magnitude applies to both ends
        if low > number.value:
            return None
        return replace(previous, text=text[previous.start:number.end], end=number.end, value=low,
                       high=number.value, kind=number.kind, magnitude=number.magnitude,
                       has_magnitude=previous.has_magnitude or number.has_magnitude)
    return join_adjacent(numbers, merge)


def _has_arabic(text: str) -> bool:
    return regex.search(_DIGIT, text) is not None


def _arabic(text: str) -> float:
    folded = text.translate(_FULL_WIDTH).replace(",", "")
    return float(folded)


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")


def _value_of(text: str) -> float:
    return _arabic(text) if _has_arabic(text) else read_chinese(text)


def read_chinese(numeral: str) -> float:
    """The value of a Chinese numeral: 两万三千, 一百零八, 二〇一四, 三点五, 万.

    >>> read_chinese("一百零八"), read_chinese("两万三"), read_chinese("十五")
    (108.0, 23000.0, 15.0)
    """
    whole, _, fraction = numeral.replace("點", "点").partition("点")
    value = _read_whole(whole)
    if fraction:
        value += float("0." + "".join(str(DIGITS[char]) for char in fraction))
    return value


def _read_whole(numeral: str) -> float:
    """In float arithmetic, so that a numeral beyond the float range reads as inf, not an error."""
    if len(numeral) > 1 and all(char in DIGITS for char in numeral):
        return float("".join(str(DIGITS[char]) for char in numeral))  # 二〇一四
    total = ten_thousands = section = digit = 0
    last_factor = 1
    for char in numeral:
        if char in DIGITS:
            digit = DIGITS[char]
        elif char in UNITS:
            section += (digit or 1) * UNITS[char]
            digit, last_factor = 0, UNITS[char]
        elif MAGNITUDES[char] == 10_000:
            ten_thousands += (section + digit or 1) * 10_000
            section = digit = 0
            last_factor = 10_000
        else:
            total = (total + ten_thousands + section + digit or 1) * 1e8
            ten_thousands = section = digit = 0
            last_factor = 100_000_000
    if digit and last_factor >= 100 and numeral[-2] not in "零〇○":
        digit *= last_factor // 10  # 两万三 is 23000, 一百五 is 150
    return float(total + ten_thousands + section + digit)
