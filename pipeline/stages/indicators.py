"""Indicators: reported quantities, found by rules/indicators.yaml.

In: a segmented Document, its measures and programs. Out: IndicatorRows, each
a number (read by pipeline.numbers) with a unit from the lexicon, an optional
qualifier, the phrase it measures, and the measure and program it sits in.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from pipeline.document import Document, Sentence, SpanSet
from pipeline.numbers import Number, find_numbers
from pipeline.rulebook import IndicatorRules
from pipeline.stages.segment import Segmenter
from pipeline.tables import IndicatorRow, MeasureRow

_CLAUSE_BREAK = regex.compile(r"[，,、；;：:。！？!?\n]")
_LAST_CLAUSE_BREAK = regex.compile(_CLAUSE_BREAK.pattern, regex.REVERSE)
_SHORT_ASIDE = regex.compile(r"[(（][^()（）]{1,4}[)）]")
_QUOTE_MARKS = regex.compile(r"[“”‘’「」『』\"〝〞]")
SUBJECT_MAX_LENGTH = 10
CLAUSE_MAX_LENGTH = 60  # a subject is looked for this far around its number, at most
# Words that link a subject to its number (脱贫率达99.7%, 年产值可达6000余万元).
LINKING_WORDS = frozenset([
    "达", "达到", "可达", "可", "将", "为", "是", "占", "约", "计", "共", "共计", "累计", "合计",
    "总计", "已", "已经", "均", "都", "超", "超过", "逾", "近", "将近", "接近", "突破", "增至",
    "增加到", "提高到", "提升到", "上升到", "增长", "分别", "有", "各", "仅", "就", "也", "还",
])
NOMINAL_FLAGS = ("n", "vn", "an", "j", "b", "l", "nz", "ng", "f", "s")


@dataclass(frozen=True)
class _Unit:
    word: str
    kind: str
    factor: float
    unit: str  # what the unit column says


def find_indicators(
    doc: Document, rules: IndicatorRules, segmenter: Segmenter, measures: list[MeasureRow]
) -> list[IndicatorRow]:
    """Every indicator in the document, in text order."""
    units = _unit_lexicon(rules)
    vetoed = _veto_spans(doc.text, rules)
    enclosing = _Enclosing(measures)
    rows: list[IndicatorRow] = []
    for sentence in doc.sentences:
        for found in _sentence_indicators(sentence, rules, units, vetoed):
            measure = enclosing.innermost(found["start"])
            rows.append(IndicatorRow(
                indicator_id=f"{doc.doc_id}-i{len(rows) + 1}",
                subject=find_subject(sentence, found["start"], found["end"], segmenter),
                sentence=sentence.text, sentence_id=sentence.sentence_id,
                measure_id=measure.measure_id if measure else None,
                program=measure.program if measure else None,
                **found,
            ))
    return rows


def extract_from_text(text: str, rules: IndicatorRules, segmenter: Segmenter):
    """Indicators of a bare string, for notebooks and rule examples."""
    sentence = Sentence(0, 0, 0, len(text), text)
    units = _unit_lexicon(rules)
    return [
        {**found, "subject": find_subject(sentence, found["start"], found["end"], segmenter)}
        for found in _sentence_indicators(sentence, rules, units, _veto_spans(text, rules))
    ]


def _unit_lexicon(rules: IndicatorRules) -> list[_Unit]:
    units = [_Unit(word, "count", 1.0, word) for word in rules.units.count]
    units += [_Unit(word, "money", factor, "元") for word, factor in rules.units.money.items()]
    units += [_Unit(word, "quantity", 1.0, word) for word in rules.units.quantity]
    return sorted(units, key=lambda unit: len(unit.word), reverse=True)


def _veto_spans(text: str, rules: IndicatorRules) -> SpanSet:
    return SpanSet(m.span() for rule in rules.vetoes for m in rule.finditer(text))


def _sentence_indicators(sentence: Sentence, rules, units, vetoed):
    text = sentence.text
    for number in find_numbers(text):
        start, end = sentence.start + number.start, sentence.start + number.end
        if vetoed.overlaps(start, end):
            continue
        reading = _unit_after(number, text, units, rules)
        if reading is None:
            continue
        unit, kind, value, unit_end = reading
        qualifier, span_start, span_end = _qualify(number, text, unit_end, rules)
        high = number.high * (value / number.value) if number.high and number.value else None
        yield {
            "kind": kind, "value": value, "unit": unit, "qualifier": qualifier,
            "text": text[span_start:span_end],
            "start": sentence.start + span_start, "end": sentence.start + span_end,
            "rule": f"indicators.{'percentage-points' if number.kind == 'points' else kind}",
            "value_high": high,
        }


def _unit_after(number: Number, text: str, units: list[_Unit], rules: IndicatorRules):
    """(unit, kind, value, end of unit) when a unit follows the number, else None."""
    if number.kind in ("percent", "points"):  # GOLD.md: a percentage's unit is always %
        return "%", "percent", number.value, number.end
    if number.kind != "number":
        return None
    if number.chinese and not number.has_magnitude and rules.require_magnitude_for_chinese:
        return None
    position = number.end + (1 if text[number.end:number.end + 1] == " " else 0)
    for unit in units:
        if text.startswith(unit.word, position):
            return unit.unit, unit.kind, number.value * unit.factor, position + len(unit.word)
    return None


def _qualify(number: Number, text: str, unit_end: int, rules: IndicatorRules):
    """The qualifier and the mention's span, qualifier words included."""
    span_start, span_end = number.start, unit_end
    before = after = None
    for qualifier, words in rules.qualifiers.before.items():
        for word in sorted(words, key=len, reverse=True):
            if text.endswith(word, 0, number.start) and (
                before is None or len(word) > number.start - span_start
            ):
                before, span_start = qualifier, number.start - len(word)
    tail = unit_end + (1 if text[unit_end:unit_end + 1] == " " else 0)
    for qualifier, words in rules.qualifiers.after.items():
        for word in words:
            if text.startswith(word, tail) and after is None:
                after, span_end = qualifier, tail + len(word)
    return before or number.qualifier or after, span_start, span_end


class _Enclosing:
    """The innermost measure around each position, asked in text order: one sweep over the
    measures instead of a scan of all of them per indicator."""

    def __init__(self, measures: list[MeasureRow]):
        self._waiting = sorted(measures, key=lambda m: m.start)
        self._next = 0
        self._open: list[MeasureRow] = []

    def innermost(self, position: int) -> MeasureRow | None:
        while self._next < len(self._waiting) and self._waiting[self._next].start <= position:
            self._open.append(self._waiting[self._next])
            self._next += 1
        self._open = [m for m in self._open if position < m.end]
        return max(self._open, key=lambda m: m.level, default=None)


def find_subject(sentence: Sentence, start: int, end: int, segmenter: Segmenter) -> str | None:
    """The shortest phrase of the sentence that names what the number counts or measures.

    A number followed directly by a noun phrase (1149名下岗失业人员) measures that
    phrase; otherwise it measures the noun phrase before it (助民服务队723支).
    """
    text = sentence.text
    local_start, local_end = start - sentence.start, end - sentence.start
    window_start = max(0, local_start - CLAUSE_MAX_LENGTH)
    last_break = _LAST_CLAUSE_BREAK.search(text, window_start, local_start)
    clause_start = last_break.end() if last_break else window_start
    next_break = _CLAUSE_BREAK.search(text, local_end, local_end + CLAUSE_MAX_LENGTH)
    clause_end = next_break.start() if next_break else min(len(text), local_end + CLAUSE_MAX_LENGTH)
    before = _plain(text[clause_start:local_start])
    after = _plain(text[local_end:clause_end])
    following = _phrase_after(after, segmenter)
    if following:
        return following
    preceding = _phrase_before(before, segmenter)
    if preceding:
        return preceding
    fallback = regex.split(r"[\d.]", after, maxsplit=1)[0].strip()
    return fallback[:SUBJECT_MAX_LENGTH] or None


def _plain(fragment: str) -> str:
    """Drop short asides such as 村(居) and quotation marks, which break POS tagging."""
    return _QUOTE_MARKS.sub("", _SHORT_ASIDE.sub("", fragment)).strip()


def _phrase_after(after: str, segmenter: Segmenter) -> str | None:
    """The noun phrase a pre-nominal quantifier introduces: 1149名[自主创业的下岗失业人员]."""
    tagged = segmenter.tag(after.lstrip("的 "))
    opens_with_noun = bool(tagged) and _nominal(tagged[0][1])
    modified_noun = (len(tagged) > 1 and tagged[0][1].startswith(("v", "a", "d"))
                     and _nominal(tagged[1][1]))
    if not (opens_with_noun or modified_noun):
        return None
    words: list[str] = []
    head = 0
    for word, flag in tagged:
        if flag.startswith("x") or (flag.startswith(("v", "p", "c", "r", "m")) and head):
            break
        words.append(word)
        if _nominal(flag):
            head = len(words)
    return _shortest(words[:head])


def _phrase_before(before: str, segmenter: Segmenter) -> str | None:
    """The noun phrase right before the number, linking words (达, 为, 共) skipped."""
    tagged = segmenter.tag(before)
    while tagged and tagged[-1][0] in LINKING_WORDS | {"的"}:
        tagged.pop()
    words: list[str] = []
    for word, flag in reversed(tagged):
        if word == "的" or not (_nominal(flag) or (words and flag.startswith("a"))):
            if not words and flag.startswith("v"):
                words.append(word)  # 解困6万人: the verb is all there is
            break
        words.insert(0, word)
    return _shortest(words)


def _nominal(flag: str) -> bool:
    return flag.startswith(NOMINAL_FLAGS)


def _shortest(words: list[str]) -> str | None:
    """Keep the last words of a long phrase: the head of a Chinese noun phrase is at its end."""
    phrase = "".join(words)
    if "的" in phrase:
        phrase = phrase.rsplit("的", 1)[1]
    while len(phrase) > SUBJECT_MAX_LENGTH and len(words) > 1:
        words = words[1:]
        phrase = "".join(words)
    return phrase[-SUBJECT_MAX_LENGTH:] or None
