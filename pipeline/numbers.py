"""Read numbers as Chinese reports write them.

``find_numbers(text)`` returns every number expression in a string: Arabic and
full-width digits, thousands separators, decimals, signs (``-2.5``, ``负三十二``),
magnitudes (万 亿 兆 万万 万亿 千万 …, and ``40k``), Chinese and financial numerals,
approximate forms (十余 千余 上百 数十), percentages (99.7% 百分之三十五 千分之2.4 2.4‰),
shares in 成 and discounts in 折 (as percent: 三成半 → 35, 七五折 → 75), fractions
(三分之二), percentage points (3.7个百分点), ranges (1至2, 12.5%-15%, 10与20之间,
大于10小于20) and the comparison words around a number (至少有10, 超过了80), which
rules/numbers.yaml lists. It knows no units: deciding which numbers are indicators is the
job of ``pipeline.stages.indicators``.

Values are computed exactly, in decimal arithmetic, and converted to float once, so
``78.1亿`` is 7810000000.0. A numeral that cannot be read whole (longer than any real
number, or beyond the float range) is not a number: no value beats a wrong one.

>>> [(n.text, n.value) for n in find_numbers("投入2296万元，覆盖千余户")]
[('2296万', 22960000.0), ('千余', 1000.0)]
>>> read_number("两万三千"), read_number("四万万")
(23000.0, 400000000.0)
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, TypeVar

import regex

if TYPE_CHECKING:
    from pipeline.rulebook import NumberRules

DIGITS = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "俩": 2, "倆": 2, "三": 3,
    "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "壹": 1, "贰": 2, "貳": 2, "叁": 3,
    "參": 3, "肆": 4, "伍": 5, "陆": 6, "陸": 6, "柒": 7, "捌": 8, "玖": 9,
}
UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
MAGNITUDES = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8, "兆": 10**12}
APPROXIMATE = {"多": "over", "余": "over", "餘": "over", "几": "over", "幾": "over", "来": "about",
               "來": "about"}
PREFIXES = {"上": "over", "数": "over", "數": "over", "几": "over", "幾": "over"}
# Words that are a number by themselves.
NUMBER_WORDS = {"半百": 50, "半打": 6}
DOZEN = 12
SCALES = {"k": 1000, "K": 1000, "Ｋ": 1000, "ｋ": 1000, "M": 1_000_000, "Ｍ": 1_000_000}  # 40k, 2.5 M
# Qualifier words that may stand right before a lone magnitude (近千 is a number: 千).
LONE_MAGNITUDE_LEADS = "近约約逾超"
# Lone magnitudes that are numbers by themselves (十个, 十万元, 百亿); 千万 is also "by all means".
_SELF_STANDING = regex.compile(r"[十拾]|[十拾百佰][万萬亿億]|[千仟][亿億]|[万萬][亿億]")
# A numeral longer than this is no number a report writes (a run of 5 000 一 is not).
MAX_NUMERAL_LENGTH = 40

_D = "".join(DIGITS)
_DECIMAL = "".join(char for char in DIGITS if char not in "两兩俩倆")  # 一点两小时 is 1 and 2
_U = "".join(UNITS)
_GAP = "[ \u00a0\u3000]{1,2}"  # spaces a scraper left inside a numeral: 一百 五 十 二, 二十 億
_G = f"(?:{_GAP})?"
_SPACE = "[ \u00a0\u3000]{0,6}"
_NOT_MEGA = "(?![瓦帕赫焦字欧比位])"  # 兆瓦 兆帕 兆字节: 兆 is that unit's prefix, not 10¹²
# Chinese numeral characters, with spaces allowed next to a unit or magnitude only (一 二 is two
# numbers).
_CN_CHAR = f"(?:[{_D}{_U}万萬亿億]|兆{_NOT_MEGA})"
_CN_BIG = f"(?:[{_U}万萬亿億]|兆{_NOT_MEGA})"
_CN_WHOLE = f"{_CN_CHAR}++(?:{_GAP}(?={_CN_BIG}){_CN_CHAR}++|(?<={_CN_BIG}){_GAP}{_CN_CHAR}++)*+"
_CN = f"{_CN_WHOLE}(?:{_G}[点點]{_G}[{_DECIMAL}]++)?"
_DIGIT = "[0-9０-９]"
_ARABIC = (f"(?:{_DIGIT}{{1,3}}(?:,{_DIGIT}{{3}})++(?!{_DIGIT})|[０-９]{{1,3}}(?:，[０-９]{{3}})++(?![０-９])"
           f"|{_DIGIT}++)(?:[.．]{_DIGIT}++)?|(?<![0-9０-９.．A-Za-z])[.．]{_DIGIT}++")
# 千米 千克 千瓦 千卡 are units, and 百分点 a percentage point, not a magnitude before 米 克 瓦 卡 分.
_MAGNITUDE = (f"(?:(?:百(?![米克瓦卡]|{_SPACE}分)|[十千拾佰仟](?![米克瓦卡]))"
              f"(?:[万萬](?:[亿億])?|[亿億]|兆{_NOT_MEGA})?|[万萬](?:[万萬亿億])?|[亿億](?:[万萬])?|兆{_NOT_MEGA})")
_POINTS = f"{_SPACE}百{_SPACE}分{_SPACE}[点點]"
# 成 and 折 are shares only where they do not start a word (成为 成本 折合 折旧).
_CHENG = "成(?![为員员本功果立就效绩績交熟长長都群型品份分年材才像活形败敗套片事全语語化器])"
_ZHE = "折(?![合算旧舊叠疊射腾騰返磨服断斷中现現成抵价價让讓扣])"
_SHARE_DIGIT = "[一二三四五六七八九两兩陆陸]"
_NOT_VERB_DA = "(?![击擊造开開破工算扫掃印包通响響])"  # 一打 is a dozen, 打击 a verb
_SIGN = f"(?:(?<![0-9０-９A-Za-z%％‰)）\\-−－])[-−－](?=[0-9０-９.．])|[负負](?=[0-9０-９{_D}{_U}]))"

_NUMBER = regex.compile(
    rf"""
    (?P<word>半百|半打)|(?P<half>(?<![第])一半)
  | (?P<denominator_sign>[负負])?(?P<denominator>{_CN}|{_ARABIC}){_G}分{_G}之{_G}(?P<numerator_sign>[负負])?
      (?P<numerator>{_CN}|{_ARABIC})(?:{_SPACE}(?P<numerator_scale>[kKＫｋMＭ])(?![A-Za-z]))?
  | (?P<sign>{_SIGN})?
    (?:
      (?<![0-9０-９/／.．])(?P<slash_numerator>{_DIGIT}++)[ ]?[/／][ ]?(?P<slash_denominator>{_DIGIT}++)
        (?![0-9０-９/／.．])
    | (?P<pair>[0-9]){_GAP}(?P<pair_second>[0-9]){_G}(?={_ZHE})折
    | (?P<arabic>{_ARABIC})
        (?:[eE](?P<exponent>[-+－]?[0-9]++)(?![A-Za-z])|\^(?P<power>[-+－]*+[0-9]++))?
        (?:{_SPACE}(?P<approx_before>[多余餘])(?={_SPACE}{_MAGNITUDE}))?
        (?:{_SPACE}(?P<magnitude>{_MAGNITUDE})|{_SPACE}(?P<kilo>[kKＫｋ])(?![A-Za-z])
           |{_SPACE}(?P<mega>M)(?![A-Za-z]))?
        (?:{_SPACE}(?P<approx>[多余餘])|(?P<about>[来來]))?
        (?:{_SPACE}(?P<percent>%(?![0-9A-Fa-f]{{2}})|％)|{_SPACE}(?P<permille>[‰])|{_SPACE}(?P<points>(?:个|個)?{_POINTS})
           |{_G}(?P<cheng>{_CHENG})|{_G}(?P<zhe>{_ZHE})|(?P<dozen>打){_NOT_VERB_DA})?
    | (?P<cheng_cn>{_SHARE_DIGIT}{_G}[点點]{_G}[{_DECIMAL}]|{_SHARE_DIGIT}{{1,2}}|十|半){_G}{_CHENG}
        (?P<cheng_more>半|{_G}{_SHARE_DIGIT}(?![{_U}万萬亿億成]))?
    | (?P<zhe_cn>{_SHARE_DIGIT}{_G}[点點]{_G}[{_DECIMAL}]|{_SHARE_DIGIT}(?:{_G}{_SHARE_DIGIT})?|(?<=打)[对對]|半)
        {_G}(?={_ZHE})折
    | (?P<prefix>[上数數几幾])?(?P<chinese>{_CN})
        (?:{_G}(?P<cn_approx>[多余餘几幾]){_G}(?P<cn_magnitude>[万萬亿億]|[百千][万萬])?|(?P<cn_about>[来來]))?
        (?P<cn_points>{_SPACE}(?:个|個){_POINTS})?(?P<cn_dozen>打{_NOT_VERB_DA})?
    )
    """,
    regex.VERBOSE,
)
_GROUP_INDEX = {name: index - 1 for name, index in _NUMBER.groupindex.items()}
RANGE_JOINER = regex.compile(r"[ \u00a0]?(?:至|到|-|－|—|–|~|～)[ \u00a0]?")
_BETWEEN = regex.compile(r"\s*(?:与|和|到|至|-|~|～)\s*")  # 10000与20000之间
_BOUND_JOINER = regex.compile(r"[ \u00a0]*[，,、；;]?[ \u00a0]*(?:的同时|同时|且|而且|并且|并|而|但)?[ \u00a0]*")
_MIXED_JOINER = regex.compile(r"[ \u00a0\u3000]{0,2}又[ \u00a0\u3000]{0,2}|[ \u00a0]")  # 三百五十又3分之1, 1 4/3
# The most characters the joiners above span, so most pairs of numbers are ruled out unread.
_RANGE_GAP, _MIXED_GAP, _BOUND_GAP = 3, 5, 12
_UNIT_TAIL = regex.compile(r"[\p{Han}A-Za-z%％‰]{0,3}$")  # 5万元-10万元: a dash after a unit joins a range
_HAN = regex.compile(r"\p{Han}")
_DECIMAL_POINT = regex.compile("[点點]")
# Where a number can start: every first character of _NUMBER, each only where it can go on to be one.
_CAN_START = regex.compile(f"[0-9０-９{_D}{_U}万萬亿億兆]|[.．](?=[0-9０-９])|[-−－负負](?=[0-9０-９.．{_D}{_U}])"
                           f"|[上数數几幾](?=[{_D}{_U}万萬亿億])|半(?=[百打成折])|(?<=打)[对對]")
_DIGIT_CHAR = regex.compile(_DIGIT)
_DIGIT_RUN = regex.compile(f"[{_D}]{{2,}}")
T = TypeVar("T")


def _unspaced(numeral: str) -> str:
    """A numeral without the spaces a scraper left inside it."""
    return numeral.replace(" ", "").replace("\u00a0", "").replace("\u3000", "")


@dataclass(frozen=True)
class Number:
    """One number expression: ``text == source[start:end]``, comparison words included."""

    text: str
    start: int
    end: int
    value: float
    high: float | None = None  # the upper bound of a range
    kind: str = "number"  # number | percent | fraction | points
    qualifier: str | None = None  # over | at_least | nearly | about | at_most
    chinese: bool = False  # written in Chinese numerals only
    magnitude: float = 1.0  # the magnitude written after an Arabic number (万 → 10000)
    has_magnitude: bool = False  # carries 十 百 千 万 亿 (GOLD.md's mandatory rule)
    number_start: int = -1  # where the numeral itself starts, after any comparison words

    @property
    def numeral_start(self) -> int:
        return self.start if self.number_start < 0 else self.number_start


def find_numbers(text: str, rules: NumberRules | None = None) -> list[Number]:
    """Every number expression in ``text``, in order, with the comparison words around it."""
    rules = rules or default_number_rules()
    skipped = [match.span() for match in rules.not_numbers_regex.finditer(text)]
    numbers = [
        number for match in _matches(text, rules)
        if not _inside(match.span(), skipped) and (number := _read(match, text))
        and not _lone_digit_in_word(number, text, rules)
    ]
    if len(numbers) > 1:
        numbers = _join_ranges(_join_mixed(_join_compounds(numbers, text), text), text)
    numbers = [_compare(number, text, rules) for number in numbers]
    return _join_bounds(numbers, text) if len(numbers) > 1 else numbers


def read_number(text: str) -> float:
    """The value of a number written in Arabic or Chinese numerals, with magnitudes.

    >>> read_number("1.8 万"), read_number("三千五百万"), read_number("二〇一四"), read_number("负三十二")
    (18000.0, 35000000.0, 2014.0, -32.0)
    """
    numbers = find_numbers(text)
    if len(numbers) != 1 or numbers[0].text != text.strip():
        raise ValueError(f"not a single number: {text!r}")
    return numbers[0].value


@functools.cache
def default_number_rules() -> NumberRules:
    """rules/numbers.yaml of the default rules folder, loaded once."""
    from pipeline.rulebook import NumberRules, default_rules_dir, load_rule_file

    path = default_rules_dir() / "numbers.yaml"
    return load_rule_file(path, NumberRules, f"rules/{path.name}")


def _matches(text: str, rules: NumberRules) -> Iterator[regex.Match]:
    """``_NUMBER.finditer(text)``, tried only where a number can start: the grammar has many
    alternatives, and most characters of a report start none of them. A lone Chinese digit
    inside a word (一切, 进一步) is passed over before the grammar is tried."""
    can_start = _start_pattern(rules)
    position = 0
    while start := can_start.search(text, position):
        match = _NUMBER.match(text, start.start())
        if match and match.end() > match.start():
            yield match
            position = match.end()
        else:
            position = start.start() + 1


_START_PATTERNS: dict[int, tuple[NumberRules, regex.Pattern]] = {}  # the rules kept, so no id is reused


def _start_pattern(rules: NumberRules) -> regex.Pattern:
    """Where a number can start, for these rules: ``_CAN_START`` less a single Chinese digit followed
    by a Chinese character that neither goes on with the number nor is a classifier (what
    ``_lone_digit_in_word`` would reject after reading it)."""
    kept, pattern = _START_PATTERNS.get(id(rules), (None, None))
    if kept is not rules:
        going_on = f"[{_D}{_U}万萬亿億兆分点點成折打又之半多余餘几幾来來个個]"
        in_word = (f"(?<![{_D}{_U}万萬亿億兆第上数數几幾负負])[{_D}](?=\\p{{Han}})(?!{going_on}"
                   f"|{'|'.join(map(regex.escape, rules.classifiers))})")
        pattern = regex.compile(f"(?!{in_word})(?:{_CAN_START.pattern})")
        _START_PATTERNS[id(rules)] = (rules, pattern)
    return pattern


def _lone_digit_in_word(number: Number, text: str, rules: NumberRules) -> bool:
    """Whether a single Chinese digit is part of a word (一切, 四川, 一是) rather than a number:
    alone it counts only before a classifier (三个, 九年) or where no Chinese character follows."""
    if not (number.chinese and len(number.text) == 1 and number.kind == "number"):
        return False
    following = text[number.end:number.end + 1]
    return bool(following) and _HAN.match(following) is not None and \
        not text.startswith(tuple(rules.classifiers), number.end)


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in spans)


# -- reading one match -------------------------------------------------------------------


def _read(match: regex.Match, text: str) -> Number | None:
    groups = _Groups(match)
    try:
        if groups["half"]:
            return Number(match.group(), *match.span(), 50.0, kind="percent", chinese=True)
        if groups["word"]:
            return Number(match.group(), *match.span(), float(NUMBER_WORDS[groups["word"]]),
                          chinese=True, has_magnitude=True)
        if groups["denominator"]:
            return _read_fraction(match, groups)
        if groups["slash_numerator"]:
            number = Number(match.group(), *match.span(), _finite(
                _arabic(groups["slash_numerator"]) / _arabic(groups["slash_denominator"])), kind="fraction")
        elif groups["pair"]:
            number = Number(match.group(), *match.span(), float(int(groups["pair"] + groups["pair_second"])),
                            kind="percent")
        elif groups["arabic"]:
            number = _read_arabic(match, groups)
        elif groups["cheng_cn"]:
            number = _read_chinese_share(match, groups)
        elif groups["zhe_cn"]:
            number = _read_chinese_discount(match, groups)
        else:
            number = _read_chinese(match, groups, text)
    except (InvalidOperation, OverflowError, ValueError, ZeroDivisionError, KeyError):
        return None  # beyond the float range, or not a whole numeral
    if number is None or not groups["sign"]:
        return number
    tail = _UNIT_TAIL.search(text, 0, match.start())
    if groups["sign"] != "负" and tail.start() > 0 and _DIGIT_CHAR.match(text[tail.start() - 1]):
        return replace(number, text=number.text[1:], start=number.start + 1)  # 5万元-10万元: a range
    return replace(number, value=-number.value, high=-number.high if number.high is not None else None)


class _Groups:
    """A match's named groups from one groups() tuple: the grammar has forty, and groupdict()
    or one group() call per name costs several times more."""

    __slots__ = ("_values",)

    def __init__(self, match: regex.Match):
        self._values = match.groups()

    def __getitem__(self, name: str) -> str | None:
        return self._values[_GROUP_INDEX[name]]


def _finite(value: Decimal) -> float:
    as_float = float(value)
    if as_float in (float("inf"), float("-inf")):
        raise OverflowError("beyond the float range")
    return as_float


def _read_fraction(match: regex.Match, groups: dict) -> Number | None:
    """百分之N is a percentage, 千分之N and 万分之N shares in percent; others are fractions."""
    denominator = _value_of(groups["denominator"])
    numerator = _value_of(groups["numerator"]) * SCALES.get(groups["numerator_scale"], 1)
    if groups["denominator_sign"]:
        denominator = -denominator
    if groups["numerator_sign"]:
        numerator = -numerator
    chinese = not _has_arabic(match.group())
    base = _unspaced(groups["denominator"])
    if base in ("百", "佰"):
        return Number(match.group(), *match.span(), _finite(numerator), kind="percent", chinese=chinese)
    if base in ("千", "仟", "万", "萬"):
        return Number(match.group(), *match.span(), _finite(numerator * 100 / denominator), kind="percent",
                      chinese=chinese)
    return Number(match.group(), *match.span(), _finite(numerator / denominator), kind="fraction",
                  chinese=chinese)


def _read_arabic(match: regex.Match, groups: dict) -> Number:
    written = match.group()
    if len(written) - len(groups["arabic"]) <= 1 and written.endswith(groups["arabic"]):
        return Number(written, *match.span(), _finite(_arabic(groups["arabic"])))  # digits alone, or signed
    value = _arabic(groups["arabic"])
    if groups["exponent"]:
        value = value.scaleb(int(groups["exponent"].replace("－", "-").translate(_FULL_WIDTH)))
    elif groups["power"]:
        exponent = groups["power"].replace("－", "-").translate(_FULL_WIDTH)
        value = value ** (int(exponent.lstrip("+-")) * (-1 if exponent.count("-") % 2 else 1))
    magnitude = Decimal(1)
    for char in groups["magnitude"] or "":
        magnitude *= UNITS.get(char) or MAGNITUDES[char]
    if groups["kilo"] or groups["mega"]:
        magnitude = Decimal(SCALES[(groups["kilo"] or groups["mega"])])
    value *= magnitude
    kind = "number"
    if groups["percent"]:
        kind = "percent"
    elif groups["permille"]:
        kind, value = "percent", value / 10
    elif groups["points"]:
        kind = "points"
    elif groups["cheng"]:
        kind, value = "percent", value * 10
    elif groups["zhe"]:
        kind, value = "percent", value if value >= 10 else value * 10  # 75折 and 7.5折 are both 75 %
    elif groups["dozen"]:
        value *= DOZEN
    approximate = groups["approx_before"] or groups["approx"]
    qualifier = "over" if approximate else "about" if groups["about"] else None
    return Number(match.group(), *match.span(), _finite(value), kind=kind, qualifier=qualifier,
                  magnitude=float(magnitude), has_magnitude=magnitude != 1)


def _share_tenths(numeral: str) -> Decimal:
    """The tenths a share numeral names: 三 → 3, 八点五 → 8.5, 十 → 10, 半 → 0.5."""
    numeral = _unspaced(numeral)
    if numeral == "半":
        return Decimal("0.5")
    return read_chinese_exact(numeral.replace("陆", "六").replace("陸", "六"))


def _read_chinese_share(match: regex.Match, groups: dict) -> Number | None:
    """三成 → 30, 三成半 → 35, 一成二 → 12, 八点五成 → 85, 半成 → 5, 两三成 → 20 to 30 (percent)."""
    digits, more = _unspaced(groups["cheng_cn"]), groups["cheng_more"]
    if len(digits) == 2 and all(char in DIGITS for char in digits):
        low, high = DIGITS[digits[0]], DIGITS[digits[1]]
        if more or high != low + 1:
            return None
        return Number(match.group(), *match.span(), low * 10.0, high=high * 10.0, kind="percent", chinese=True)
    tenths = _share_tenths(digits)
    if more:
        tenths += Decimal("0.5") if more == "半" else Decimal(DIGITS[more.strip()]) / 10
    return Number(match.group(), *match.span(), _finite(tenths * 10), kind="percent", chinese=True)


def _read_chinese_discount(match: regex.Match, groups: dict) -> Number:
    """八折 → 80, 七五折 → 75, 三点一折 → 31, 打对折 and 半折 → 50 (percent of the full price)."""
    digits = _unspaced(groups["zhe_cn"])
    if digits in ("对", "對", "半"):
        return Number(match.group(), *match.span(), 50.0, kind="percent", chinese=True)
    if len(digits) == 2 and all(char in DIGITS or char in "陆陸" for char in digits):
        tenths = _share_tenths(digits[0]) + _share_tenths(digits[1]) / 10
    else:
        tenths = _share_tenths(digits)
    return Number(match.group(), *match.span(), _finite(tenths * 10), kind="percent", chinese=True)


def _read_chinese(match: regex.Match, groups: dict, text: str) -> Number | None:
    numeral = _unspaced(groups["chinese"])
    prefix = groups["prefix"]
    approximate = groups["cn_approx"] or groups["cn_about"]
    whole = _DECIMAL_POINT.split(numeral)[0]
    lone_magnitude = not any(char in DIGITS for char in whole)
    start = match.start() + (len(groups["sign"]) if groups["sign"] else 0)
    if lone_magnitude:
        leads_in = start > 0 and text[start - 1] in LONE_MAGNITUDE_LEADS
        if not (prefix or approximate or leads_in or groups["cn_dozen"] or _SELF_STANDING.fullmatch(whole)):
            return _without_prefix(match, text) if prefix else None
    elif prefix:
        # 上 in 上三年 or 数 in 数一数 is not part of a number: drop the prefix.
        return _without_prefix(match, text)
    qualifier = PREFIXES.get(prefix) if prefix else None
    if approximate:
        qualifier = qualifier or APPROXIMATE[approximate]
    if groups["cn_approx"] in ("几", "幾") and numeral[-1] in DIGITS and numeral[-1] not in "零〇○":
        return None  # 十几 and 一百零几万 are numbers, 三几 is not
    kind = "points" if groups["cn_points"] else "number"
    has_magnitude = any(char in UNITS or char in MAGNITUDES for char in numeral)
    value, high = read_chinese_exact(numeral), None
    if len(numeral) == 2 and all(char in DIGITS for char in numeral) and \
            DIGITS[numeral[1]] == DIGITS[numeral[0]] + 1 and DIGITS[numeral[0]]:
        value, high = Decimal(DIGITS[numeral[0]]), Decimal(DIGITS[numeral[1]])  # 三四个: about 3 to 4
    value *= read_chinese_exact(groups["cn_magnitude"] or "一")  # 十余万: 10 × 万
    if groups["cn_dozen"]:
        value *= DOZEN
    return Number(match.group(), *match.span(), _finite(value),
                  high=_finite(high) if high is not None else None, kind=kind,
                  qualifier=qualifier, chinese=True, has_magnitude=has_magnitude)


def _without_prefix(match: regex.Match, text: str) -> Number | None:
    again = _NUMBER.match(text, match.start() + 1, match.end())
    return _read(again, text) if again and again.end() == match.end() else None


# -- joining numbers ---------------------------------------------------------------------


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
        if not (number.start - previous.end <= 1 and text[previous.end:number.start] in ("", " ")
                and previous.kind == number.kind == "number"
                and previous.qualifier is None and previous.magnitude > number.magnitude > 1
                and previous.value >= 0 and number.value >= 0):
            return None
        return replace(previous, text=text[previous.start:number.end], end=number.end,
                       value=_finite(Decimal(repr(previous.value)) + Decimal(repr(number.value))),
                       qualifier=number.qualifier)
    return join_adjacent(numbers, merge)


def _join_mixed(numbers: list[Number], text: str) -> list[Number]:
    """Merge a whole number and the fraction after it: 三百五十又3分之1, 1 4/3."""
    def merge(previous: Number, number: Number) -> Number | None:
        if number.start - previous.end > _MIXED_GAP or number.kind != "fraction":
            return None
        if not (previous.kind == "number" and previous.high is None
                and previous.value == int(previous.value) and _MIXED_JOINER.fullmatch(text, previous.end, number.start)
                and ("又" in text[previous.end:number.start] or "/" in number.text or "／" in number.text)):
            return None
        whole = Decimal(repr(previous.value))
        part = Decimal(repr(number.value))
        value = whole - part if whole < 0 else whole + part
        return replace(previous, text=text[previous.start:number.end], end=number.end, value=_finite(value))
    return join_adjacent(numbers, merge)


def _join_ranges(numbers: list[Number], text: str) -> list[Number]:
    """Merge ``low 至 high`` pairs into one Number whose value is the low end."""
    def merge(previous: Number, number: Number) -> Number | None:
        if number.start - previous.end > _RANGE_GAP:
            return None
        if not (previous.high is None and RANGE_JOINER.fullmatch(text, previous.end, number.start)
                and previous.kind in ("number", number.kind) and previous.chinese == number.chinese):
            return None
        low = previous.value
        if previous.magnitude == 1.0 and number.magnitude != 1.0:
            low = _finite(Decimal(repr(low)) * Decimal(repr(number.magnitude)))  # 3-5万: both ends
        if low > number.value:
            return None
        return replace(previous, text=text[previous.start:number.end], end=number.end, value=low,
                       high=number.value, kind=number.kind, magnitude=number.magnitude,
                       has_magnitude=previous.has_magnitude or number.has_magnitude)
    return join_adjacent(numbers, merge)


def _compare(number: Number, text: str, rules: NumberRules) -> Number:
    """Take in the comparison words right before (至少有, 超过了) or right after (以上) the number."""
    before = rules.qualifier_before(text, number.start)
    if before:  # the numeral's own 多 or 余 says more than 大概 before it: 大概有五百多 is over 500
        qualifier, start = before
        number = replace(number, text=text[start:number.end], start=start,
                         qualifier=number.qualifier or qualifier, number_start=number.numeral_start)
    after = rules.qualifier_after(text, number.end)
    if after:
        qualifier, end = after
        if text.startswith("之间", number.end) or text.startswith("之間", number.end):
            return number
        number = replace(number, text=text[number.start:end], end=end,
                         qualifier=number.qualifier or qualifier)
    return number


_LOWER_BOUNDS = ("over", "at_least")


def _join_bounds(numbers: list[Number], text: str) -> list[Number]:
    """One range for two bounds written together (大于10小于20, 1000以上，1500以下, 最多100最少20)
    and for ``low 与 high 之间``."""
    def merge(previous: Number, number: Number) -> Number | None:
        if number.start - previous.end > _BOUND_GAP or previous.high is not None or number.high is not None \
                or previous.kind != number.kind:
            return None
        if _BETWEEN.fullmatch(text, previous.end, number.numeral_start) and \
                text.startswith(("之间", "之間"), number.end) and previous.value <= number.value:
            end = number.end + 2
            return replace(previous, text=text[previous.start:end], end=end, high=number.value,
                           qualifier=None)
        if not _BOUND_JOINER.fullmatch(text, previous.end, number.start):
            return None
        bounds = {previous.qualifier, number.qualifier}
        low, high = (previous, number) if previous.qualifier in _LOWER_BOUNDS else (number, previous)
        if not (bounds & set(_LOWER_BOUNDS) and "at_most" in bounds and low.value <= high.value):
            return None
        return replace(previous, text=text[previous.start:number.end], end=number.end, value=low.value,
                       high=high.value, qualifier=None)
    return join_adjacent(numbers, merge)


# -- numerals ----------------------------------------------------------------------------


def _has_arabic(text: str) -> bool:
    return _DIGIT_CHAR.search(text) is not None


def _arabic(text: str) -> Decimal:
    if len(text) > MAX_NUMERAL_LENGTH:
        raise ValueError(f"a numeral of {len(text)} characters")
    return Decimal(text.translate(_FULL_WIDTH).replace(",", "").replace("，", ""))


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")


def _value_of(text: str) -> Decimal:
    return _arabic(text) if _has_arabic(text) else read_chinese_exact(_unspaced(text))


def read_chinese(numeral: str) -> float:
    """The value of a Chinese numeral: 两万三千, 一百零八, 二〇一四, 三点五, 万, 四万万.

    A numeral too long to be a number, or beyond the float range, reads as infinity.

    >>> read_chinese("一百零八"), read_chinese("两万三"), read_chinese("十五"), read_chinese("一八八一亿")
    (108.0, 23000.0, 15.0, 188100000000.0)
    """
    try:
        return float(read_chinese_exact(numeral))
    except (OverflowError, ValueError):
        return float("inf")


def read_chinese_exact(numeral: str) -> Decimal:
    """``read_chinese`` in exact decimal arithmetic; ValueError for an over-long numeral."""
    if len(numeral) > MAX_NUMERAL_LENGTH:
        raise ValueError(f"a numeral of {len(numeral)} characters")
    whole, _, fraction = numeral.replace("點", "点").partition("点")
    value = Decimal(_read_whole(whole))
    if fraction:
        value += Decimal("0." + "".join(str(DIGITS[char]) for char in fraction))
    return value


def _read_whole(numeral: str) -> int:
    """Sections of 十百千 grouped by 万 亿 兆; a magnitude right after another multiplies all
    before it (四万万, 五万亿), and a run of bare digits reads digit by digit (二〇一四, 一八八一亿)."""
    digits = _DIGIT_RUN.match(numeral)
    if digits and not any(char in UNITS for char in numeral):
        head = int("".join(str(DIGITS[char]) for char in digits.group()))  # 二〇一四, 一八八一亿
        return head * _read_whole_magnitudes(numeral[digits.end():]) if digits.end() < len(numeral) else head
    total = section = digit = 0
    last_big = last_factor = 1
    after_big = False
    for index, char in enumerate(numeral):
        if char in DIGITS:
            if index and numeral[index - 1] in DIGITS and numeral[index - 1] not in "零〇○":
                raise ValueError(f"two digits in a row in {numeral!r}")  # 二三十 is 20 to 30, not a number
            digit = DIGITS[char]
            after_big = False
        elif char in UNITS:
            section += (digit or 1) * UNITS[char]
            digit, last_factor, after_big = 0, UNITS[char], False
        else:
            big = MAGNITUDES[char]
            current = section + digit
            if after_big or (not current and not total):
                total = (total or 1) * big  # 四万万, 万亿: the magnitude multiplies all before it
            elif big > last_big and total:
                total = (total + current) * big  # 一万二千亿
            else:
                total += current * big
            section = digit = 0
            last_big = last_factor = big
            after_big = True
    if digit and last_factor >= 100 and numeral[-2] not in "零〇○":
        digit *= last_factor // 10  # 两万三 is 23000, 一百五 is 150
    return total + section + digit


def _read_whole_magnitudes(magnitudes: str) -> int:
    factor = 1
    for char in magnitudes:
        factor *= MAGNITUDES[char]
    return factor
