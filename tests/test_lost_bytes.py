"""Lost GBK bytes: runs that a lost byte shifted out of alignment are re-paired (seed 001 and invented damage)."""

import math

import pytest

from pipeline.stages.ingest import decode, from_text
from pipeline.stages.normalise import normalise

from .conftest import SEEDS

FOLD_FULL_WIDTH = str.maketrans({chr(code + 0xFEE0): chr(code) for code in range(0x21, 0x7F)})


def lose_lead_byte(text: str, index: int) -> str:
    """What the scraper made of ``text`` after the lead byte of ``text[index]`` was lost:
    GBK bytes decoded off by one, full-width forms folded to ASCII."""
    raw = text[:index].encode("gbk") + text[index:].encode("gbk")[1:]
    return raw.decode("gbk", errors="replace").translate(FOLD_FULL_WIDTH)


def shifted(doc):
    return [(r.before, r.after, r.certain) for r in doc.repairs if r.rule == "normalise.shifted-bytes"]


def test_lost_bytes_realigns_the_runs_of_seed_001(rulebook):
    raw = (SEEDS / "001_3e5c44edba33ead6.txt").read_bytes()
    doc = normalise(decode(raw, "001"), rulebook)
    assert shifted(doc) == [(";鶎永щy", "保基層困難", True), (";鶎狱h", "。基層黨", True)]
    assert "落实党建工作例会制,确保基层困难和问题的研究解决有保障" in doc.text
    assert "关键在基层党组织。基层党组织作用发挥得如何" in doc.text
    repair = next(r for r in doc.repairs if r.rule == "normalise.shifted-bytes")
    assert doc.raw_text[repair.start:repair.end] == ";鶎永щy"


@pytest.mark.parametrize(("text", "lost"), [
    ("全縣著力解決群眾看病難、上學難等問題，群眾看病難的問題得到緩解。", "看"),
    ("各村堅持黨建引領，構建和諧社會；各鄉鎮共建和諧社會。", "建和"),
])
def test_lost_bytes_restores_an_invented_shift_that_the_report_confirms(text, lost, rulebook):
    damaged = lose_lead_byte(text, text.index(lost))
    assert damaged != text.translate(FOLD_FULL_WIDTH)
    doc = normalise(from_text(damaged), rulebook)
    assert doc.text == normalise(from_text(text.translate(FOLD_FULL_WIDTH)), rulebook).text
    [(before, after, certain)] = shifted(doc)
    assert certain and after.startswith(lost[0]) and len(after) == len(before)


def test_lost_bytes_marks_an_undecidable_shift_and_keeps_the_text(rulebook):
    text = "村黨支部帶領群眾發展產業，確保基層困難群眾穩定增收。"  # nothing elsewhere confirms 保
    damaged = lose_lead_byte(text, text.index("保"))
    assert ";鶎永щy" in damaged
    doc = normalise(from_text(damaged), rulebook)
    assert shifted(doc) == [(";鶎永щy", ";鶎永щy", False)]
    assert "鶎永щy" in doc.text


@pytest.mark.parametrize("text", ["打造A级景区，建成5G基站", "购置X光机和B超设备", "维生素C的含量", "村e站服务点"])
def test_lost_bytes_leaves_latin_letters_in_clean_text_alone(text, rulebook):
    assert normalise(from_text(text), rulebook).repairs == ()


def test_lost_bytes_prices_punctuation_and_numbers_by_their_share_of_tokens(rulebook):
    from pipeline.stages.segment import ASCII_WORD_LOG_PROBABILITY, PUNCTUATION_SHARES

    segmenter = rulebook.segmenter
    assert segmenter.log_probability("2296") == ASCII_WORD_LOG_PROBABILITY
    assert segmenter.log_probability(",") == segmenter.log_probability("，") == math.log(PUNCTUATION_SHARES["，"])
    assert segmenter.log_probability("党建，工作") == pytest.approx(
        segmenter.log_probability("党建") + math.log(PUNCTUATION_SHARES["，"]) + segmenter.log_probability("工作"))


CONFIRMED = "建立聯系制度?h委常委每人聯系一個村。每名縣委常委每月走訪一次。"
UNCONFIRMED = "完善例會制度?h委黨建領導小組每季度開會。"  # 縣委 or 黨委: nothing here decides


def lost_lead(doc):
    return [(r.before, r.after, r.certain) for r in doc.repairs if r.rule == "normalise.lost-lead-byte"]


def test_lost_lead_byte_is_kept_and_marked_when_nothing_decides(rulebook):
    doc = normalise(from_text(UNCONFIRMED), rulebook)
    assert lost_lead(doc) == [("?h", "?h", False)]
    assert "制度?h委" in doc.text


@pytest.mark.parametrize("text", [CONFIRMED + UNCONFIRMED, UNCONFIRMED + CONFIRMED],
                         ids=["certain-first", "certain-last"])
def test_lost_lead_byte_repair_made_with_certainty_decides_the_same_damage_elsewhere(text, rulebook):
    doc = normalise(from_text(text), rulebook)
    assert lost_lead(doc) == [("?h", "縣", True)] * 2
    assert "例会制度县委党建" in doc.text and "联系制度县委常委" in doc.text
