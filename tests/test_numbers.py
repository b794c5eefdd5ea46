"""The number reader against its spec table (tests/specs/numbers.yaml), plus round-trip properties."""

import math
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from pipeline.numbers import find_numbers, read_chinese, read_number

SPEC = yaml.safe_load((Path(__file__).parent / "specs" / "numbers.yaml").read_text("utf-8"))
CASES = [
    pytest.param(case["text"], case["expect"], id=f"{group['group']}:{case['text'][:24]}")
    for group in SPEC for case in group["cases"]
]


def as_found(number) -> dict:
    found = {"text": number.text, "value": number.value}
    if number.high is not None:
        found["high"] = number.high
    if number.kind != "number":
        found["kind"] = number.kind
    if number.qualifier:
        found["qualifier"] = number.qualifier
    return found


def close(a: dict, b: dict) -> bool:
    if a.keys() != b.keys():
        return False
    return all(
        math.isclose(a[k], b[k], rel_tol=1e-5) if isinstance(b[k], int | float) else a[k] == b[k]
        for k in a
    )


def test_numbers_spec_is_large_enough():
    assert len(CASES) >= 150


@pytest.mark.parametrize(("text", "expect"), CASES)
def test_numbers_spec(text, expect):
    found = [as_found(number) for number in find_numbers(text)]
    assert len(found) == len(expect), found
    for got, want in zip(found, expect, strict=True):
        assert close(got, want), (got, want)


@pytest.mark.parametrize(("text", "expect"), CASES)
def test_numbers_text_is_the_exact_slice(text, expect):
    for number in find_numbers(text):
        assert text[number.start:number.end] == number.text


@given(st.integers(0, 10**12))
def test_numbers_arabic_round_trip(value):
    assert read_number(str(value)) == value


@given(st.integers(0, 99_999), st.sampled_from([("万", 10**4), ("亿", 10**8), ("千万", 10**7)]))
def test_numbers_magnitude_applies(value, magnitude):
    word, factor = magnitude
    assert read_number(f"{value}{word}") == value * factor


DIGITS = "零一二三四五六七八九"


def chinese(value: int) -> str:
    """Write 0 < value < 10**8 in standard Chinese numerals (the inverse of read_chinese)."""
    def below_ten_thousand(n: int, leading: bool) -> str:
        out, zero = "", False
        for unit, size in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
            digit = n // size % 10
            if digit:
                if zero and out:
                    out += "零"
                out += ("" if unit == "十" and digit == 1 and not out and leading else DIGITS[digit])
                out += unit
                zero = False
            elif out:
                zero = True
        return out
    high, low = divmod(value, 10_000)
    if not high:
        return below_ten_thousand(low, True)
    text = below_ten_thousand(high, True) + "万"
    if low:
        text += ("零" if low < 1000 else "") + below_ten_thousand(low, False)
    return text


@given(st.integers(1, 99_999_999))
def test_numbers_chinese_round_trip(value):
    assert read_chinese(chinese(value)) == value


@pytest.mark.parametrize("text", ["共投入" + "9" * 400 + "万元", "9" * 200_000, "一" * 5_000 + "人",
                                  "近" + "亿" * 100 + "元", "1" * 400 + "分之" + "1" * 400])
def test_numbers_beyond_the_float_range_are_not_read(text):
    assert find_numbers(text) == []


def test_numbers_chinese_numeral_beyond_the_float_range_reads_as_infinity():
    assert read_chinese("一" + "亿" * 50) == math.inf
    assert read_chinese("九" * 400) == math.inf


@pytest.mark.parametrize("text", [
    "一二三四五六七八九十百千万亿" * 715,  # a 10 000-character numeral
    "三成" * 5_000 + "成" * 5_000,
    "大于" + "1至2与3之间小于" * 3_000,
    "4以上，5以下" * 2_000,
    "负" * 5_000 + "1",
    "1e" + "9" * 5_000,
])
def test_numbers_hostile_input_gives_no_wrong_value(text):
    """Pathological runs finish (the hostile bench times them) and give only values that are
    there: no numeral longer than a real one is read, and nothing is infinite."""
    for number in find_numbers(text):
        assert math.isfinite(number.value) and len(number.text) < 60, number
