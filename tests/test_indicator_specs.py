"""extract_indicators against its spec table (tests/specs/indicators.yaml), in three scripts."""

import math
from pathlib import Path

import pytest
import yaml
from opencc import OpenCC

from pipeline import extract_indicators

SPEC = yaml.safe_load((Path(__file__).parent / "specs" / "indicators.yaml").read_text("utf-8"))
TO_TRADITIONAL = OpenCC("s2t")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
VARIANTS = {
    "simplified": lambda text: text,
    "traditional": TO_TRADITIONAL.convert,
    "full-width": lambda text: text.translate(FULL_WIDTH),
}
CASES = [
    pytest.param(variant(text), case["expect"], id=f"{group['group']}:{name}:{text[:16]}")
    for group in SPEC for case in group["cases"] for text in case["texts"]
    for name, variant in VARIANTS.items()
]


def test_indicator_spec_is_large_enough():
    assert len(CASES) >= 300


@pytest.mark.parametrize(("text", "expect"), CASES)
def test_indicator_spec(text, expect):
    found = extract_indicators(text)
    assert len(found) == len(expect), [(row["text"], row["value"], row["unit"]) for row in found]
    for row, want in zip(found, expect, strict=True):
        got = {"kind": row["kind"], "value": row["value"], "unit": row["unit"], "qualifier": row["qualifier"],
               "change": row["change"]}
        assert got["kind"] == want["kind"] and got["unit"] == want["unit"], (got, want)
        assert math.isclose(got["value"], want["value"], rel_tol=1e-6), (got, want)
        assert (got["qualifier"], got["change"]) == (want.get("qualifier"), want.get("change")), (got, want)
