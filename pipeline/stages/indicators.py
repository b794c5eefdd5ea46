"""Indicators: reported quantities, found by rules/indicators.yaml.

In: a segmented Document, its measures and programs. Out: IndicatorRows, each
a number (read by pipeline.numbers) with a unit from the lexicon, an optional
qualifier, the phrase it measures, and the measure and program it sits in.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import regex

from pipeline.document import Document, Sentence, SpanSet
from pipeline.numbers import DIGITS, RANGE_JOINER, Number, find_numbers, join_adjacent
from pipeline.rulebook import IndicatorRules, NumberRules, PatternRule, SubjectRules
from pipeline.stages.clean import table_cells
from pipeline.stages.segment import Segmenter
from pipeline.tables import IndicatorRow, MeasureRow

_CLAUSE_BREAK = regex.compile(r"[，,、；;：:。！？!?\n]")
_LAST_CLAUSE_BREAK = regex.compile(_CLAUSE_BREAK.pattern, regex.REVERSE)
_LAST_LIST_BREAK = regex.compile(r"[，,；;：:。！？!?\n]", regex.REVERSE)  # a clause break that ends a list
_LIST_JOINER = regex.compile(r"\s*[、，,和与及]\s*")  # between the items of a list
_ITEM_JOINER = regex.compile(r"\s*(?:[、和与及或]|以及)\s*")  # between numbers sharing a unit or a change
_ASIDE = regex.compile(r"[(（][^()（）]{1,15}[)）]")  # 村(居), (4,677澳门元), (港币,下同)
_OPEN_ASIDE = regex.compile(r"^[^(（]*[)）]|[(（][^)）]*$")  # an aside the clause cuts: 留宿旅客(|123亿元
_WORDY = regex.compile(r"[\p{Han}A-Za-z]")
_RATE_SUBJECT = regex.compile(r"每[十百千万]+(?:人口|人|户)(?P<what>[\p{Han}()（）]{2,10}?)(?=(?:达到|达|为|是|有)?$)")
_TABLE_LEAD = regex.compile(r"^(?:其中|其)\s*[:：]\s*")  # 其中:第一产业
_QUOTE_MARKS = regex.compile(r"[“”‘’「」『』\"〝〞]")
SUBJECT_MAX_LENGTH = 10
_LOOK_BACK = 12  # characters before a number that may hold its currency or classifier
CLAUSE_MAX_LENGTH = 60  # a subject is looked for this far around its number, at most
NOMINAL_FLAGS = ("n", "vn", "an", "j", "b", "l", "nz", "ng", "f", "s", "eng")  # eng: GDP, CPI
RESULTATIVE = "vr"  # not a jieba flag: a verb with its result (改造成), never a noun
# Tags of words a one-character head (率, 员, 类) never attaches to: numerals, classifiers,
# punctuation, particles, prepositions, conjunctions, adverbs.
UNATTACHABLE_FLAGS = ("m", "q", "x", "u", "p", "c", "d", "e", "y", "o", "w")


@dataclass(frozen=True)
class _Unit:
    word: str
    kind: str
    factor: float
    unit: str  # what the unit column says


def find_indicators(
    doc: Document, rules: IndicatorRules, numbers: NumberRules, segmenter: Segmenter, measures: list[MeasureRow]
) -> list[IndicatorRow]:
    """Every indicator in the document, in text order."""
    lexicon = _Lexicon.of(rules, numbers)
    vetoed = _veto_spans(doc.text, rules)
    enclosing = _Enclosing(measures)
    rows: list[IndicatorRow] = []
    for sentence in doc.sentences:
        for found in _sentence_indicators(sentence, rules, lexicon, vetoed, segmenter):
            measure = enclosing.innermost(found["start"])
            rows.append(IndicatorRow(
                indicator_id=f"{doc.doc_id}-i{len(rows) + 1}",
                sentence=sentence.text, sentence_id=sentence.sentence_id,
                measure_id=measure.measure_id if measure else None,
                program=measure.program if measure else None,
                **found,
            ))
    return _in_declared_currency(rows, doc.text, lexicon)


def _in_declared_currency(rows: list[IndicatorRow], text: str, lexicon: _Lexicon) -> list[IndicatorRow]:
    """Amounts in plain 元 after a declaration such as （港币，下同）, or right before it, are in the
    declared currency; 人民币 written with an amount keeps it in yuan."""
    declarations = [(match.start(), match.end(), lexicon.currency_of(match.group("currency")))
                    for match in lexicon.declaration.finditer(text)]
    if not declarations:
        return rows
    declared = []
    for row in rows:
        currency = None
        for start, end, unit in declarations:
            if end <= row.start or 0 <= start - row.end <= 1:
                currency = unit
        if currency and row.kind == "money" and row.unit == "元" and "人民币" not in row.text:
            row = replace(row, unit=currency)
        declared.append(row)
    return declared


def extract_from_text(text: str, rules: IndicatorRules, numbers: NumberRules, segmenter: Segmenter) -> list[dict]:
    """Indicators of a bare string, for notebooks and rule examples."""
    sentence = Sentence(0, 0, 0, len(text), text)
    return list(_sentence_indicators(sentence, rules, _Lexicon.of(rules, numbers), _veto_spans(text, rules),
                                     segmenter))


@dataclass(frozen=True)
class _Lexicon:
    """The rule files' words, compiled once per document into what the readers below look up."""

    numbers: NumberRules
    units: dict[str, _Unit]  # by the word written after a number
    unit_at: regex.Pattern  # the longest unit word at a position; a Latin one not run on into letters
    currency_after: dict[str, str]  # name written after a number → currency
    currency_after_at: regex.Pattern  # the longest such name at a position
    subunits: dict[str, regex.Pattern]  # 角 → the digit and 角 after an amount (5元3角)
    currency_before: regex.Pattern  # a currency name or sign ending right before a number
    currency_names: dict[str, str]  # written before a number → currency
    unit_before: regex.Pattern  # a classifier ending right before a number (总诊疗人次95.5亿)
    rate: regex.Pattern  # /base after a unit
    change_word: regex.Pattern  # a change word ending the text before a number
    to_level: regex.Pattern  # a change verb and the level it reached (提高到)
    declaration: regex.Pattern  # a currency declared for what follows: （港币，下同）
    change_tail: regex.Pattern  # a change verb and what follows it, ending the text before a number

    def currency_of(self, name: str) -> str:
        """The standard name of a currency written as ``name``."""
        return self.currency_after.get(name) or self.currency_names.get(name, name)

    @classmethod
    def of(cls, rules: IndicatorRules, numbers: NumberRules) -> _Lexicon:
        units = [_Unit(word, "count", 1.0, word) for word in rules.units.count]
        units += [_Unit(word, "money", factor, "元") for word, factor in rules.units.money.items()]
        units += [_Unit(word, "quantity", 1.0, word) for word in rules.units.quantity]
        after = [(name, unit) for unit, names in rules.currencies.items() for name in names.after]
        before = {name: unit for unit, names in rules.currencies.items() for name in names.before}
        change = rules.change
        verbs = _alternation(change.up + change.down + change.negative)
        all_change_words = change.up_nouns + change.down_nouns + change.up + change.down + change.negative
        return cls(
            numbers=numbers,
            currency_names=before,
            units={unit.word: unit for unit in units},
            unit_at=regex.compile(_alternation([unit.word for unit in units], latin_guard=True)),
            currency_after=dict(after),
            currency_after_at=regex.compile(_alternation([name for name, _ in after])),
            subunits={subunit: regex.compile(f"([0-9]+|[{''.join(DIGITS)}])\\s?{subunit}")
                      for subunit in rules.money_subunits},
            currency_before=regex.compile(f"(?:{_alternation(list(before))})\\s?$"),
            unit_before=regex.compile(f"(?P<unit>{_alternation(rules.units_before_number)})"
                                      f"(?:{_alternation(rules.words_between_unit_and_number)})?\\s?$"),
            rate=regex.compile(f"[/／](?:{_alternation(rules.rate_bases)})(?![A-Za-z])"),
            change_word=regex.compile(
                f"(?P<word>{_alternation(all_change_words)})"
                f"(?:{_alternation(change.between)})*$"),
            to_level=regex.compile(f"(?:{verbs})了?(?:{_alternation(change.to_level)})(?:{_alternation(change.between)})*$"),
            change_tail=regex.compile(
                f"(?:{_alternation(change.up + change.down + change.negative)})"
                f"了?(?:{_alternation(change.to_level)})?(?:{_alternation(change.between)})*\\s*$"),
            declaration=regex.compile(rules.currency_declaration.replace(
                "{currency}", _alternation([name for name, _ in after] + [n for n in before if not n.isascii()]))),
        )


def _alternation(words: list[str], latin_guard: bool = False) -> str:
    """The words as one regex alternative, longest first; with ``latin_guard``, a word ending in a
    Latin letter or digit must not run on into another (m is no unit in mm2 or Mbps)."""
    guard = "(?![A-Za-z0-9])"
    return "|".join(regex.escape(word) + (guard if latin_guard and word[-1].isascii() else "")
                    for word in sorted(set(words), key=len, reverse=True))


def _veto_spans(text: str, rules: IndicatorRules) -> SpanSet:
    return SpanSet(m.span() for rule in rules.vetoes for m in rule.finditer(text))


def _sentence_indicators(sentence: Sentence, rules: IndicatorRules, lexicon: _Lexicon, vetoed: SpanSet,
                         segmenter: Segmenter):
    """The sentence's indicators; an item with no subject of its own shares the previous one's.

    Numbers written one right after another (带动360户7085名群众) share the subject found
    around the whole run.
    """
    text = sentence.text
    subjects: dict[str | None, str | None] = {}  # the latest subject per kind, and of any kind
    rows = []
    mentions = _with_changes(_join_ranges(_mentions(text, rules, lexicon, vetoed, sentence.start), text), text,
                             lexicon, rules)
    segmenter = SentenceTagger(segmenter, text)
    for run in _runs(mentions, text):
        found_subject = find_subject(text, run[0]["start"], run[-1]["end"], run[0]["kind"], rules.subjects, segmenter,
                                     lexicon.change_tail)
        if found_subject in rules.subjects.generic_heads:
            found_subject = subjects.get(run[0]["kind"]) or found_subject
        for found in run:
            # a change with no subject of its own measures the figure before it (12亿元，增长5%);
            # a level, the last one of its kind
            shared = (subjects.get(None), subjects.get(found["kind"])) if found["change"] else \
                (subjects.get(found["kind"]), subjects.get(None))
            subject = found_subject or shared[0] or shared[1]
            subjects[found["kind"]] = subjects[None] = subject
            rows.append({**found, "subject": subject})
    _respectively(rows, text, rules.subjects, segmenter)
    if header := _row_header(text):
        rows = [{**row, "subject": header} for row in rows]
    for row in rows:
        yield {**row, "start": sentence.start + row["start"], "end": sentence.start + row["end"]}


def _row_header(text: str) -> str | None:
    """The row header of a table row (北斗高精度业务 | 7.01亿元 | 38.9%): its first cell, when the
    line has three cells or more, split by | or by runs of spaces, and that cell names something."""
    cells = table_cells(text)
    if len(cells) < 3 or not _WORDY.search(cells[0]) or regex.search(r"\d", cells[0]):
        return None
    return _TABLE_LEAD.sub("", cells[0])[:SUBJECT_MAX_LENGTH] or None


def _respectively(rows: list[dict], text: str, rules: SubjectRules, segmenter: Segmenter) -> None:
    """A、B分别增长9.2%、11.6%: each number of a list after 分别 measures the item in its place,
    named before 分别 in the same clause or by the numbers just before the list."""
    i = 0
    while i < len(rows):
        last_break = _LAST_CLAUSE_BREAK.search(text, 0, rows[i]["start"])
        lead = text[max(last_break.end() if last_break else 0, rows[i - 1]["end"] if i else 0):rows[i]["start"]]
        end = i + 1
        while end < len(rows) and _LIST_JOINER.fullmatch(text, rows[end - 1]["end"], rows[end]["start"]):
            end += 1
        if "分别" in lead and end - i > 1:
            size = end - i
            respectively = text.rindex("分别", 0, rows[i]["start"])
            list_break = _LAST_LIST_BREAK.search(text, 0, respectively)
            items = _skip(text[list_break.end() if list_break else 0:respectively], rules.skip_before)
            if items:
                names = [_phrase_before(item, rules, segmenter) for item in _LIST_JOINER.split(items)]
            else:  # 营业收入16.8亿元、利润总额21.4亿元，同比分别增长9.2%、11.6%
                names = [row["subject"] for row in rows[max(0, i - size):i]]
            if len(names) == size and all(names) and len(set(names)) == size:
                for row, name in zip(rows[i:end], names, strict=True):
                    row["subject"] = name
        i = end


def _runs(mentions: list[dict], text: str) -> list[list[dict]]:
    """Mentions grouped into runs with nothing but spaces between them (36户112人)."""
    runs: list[list[dict]] = []
    for mention in mentions:
        if runs and not text[runs[-1][-1]["end"]:mention["start"]].strip():
            runs[-1].append(mention)
        else:
            runs.append([mention])
    return runs


def _mentions(text: str, rules: IndicatorRules, lexicon: _Lexicon, vetoed: SpanSet, offset: int) -> list[dict]:
    """Numbers with a unit, outside vetoed spans; offsets local to ``text``.

    A number written without a unit before another of a list takes that one's unit
    (7.7和34.7个百分点, 1个和0.9个百分点).
    """
    numbers = [number for number in find_numbers(text, lexicon.numbers)
               if not vetoed.overlaps(offset + number.start, offset + number.end)]
    readings: list[_Reading | None] = [_reading(number, text, rules, lexicon) for number in numbers]
    for i in range(len(numbers) - 2, -1, -1):
        shared = readings[i + 1]
        if shared and (readings[i] is None or _unit_continues(readings[i], shared, text, numbers[i + 1])) and \
                _ITEM_JOINER.fullmatch(text, readings[i].end if readings[i] else numbers[i].end, numbers[i + 1].start):
            readings[i] = _shared_unit(numbers[i], numbers[i + 1], shared, readings[i].end if readings[i] else None)
    mentions = []
    for number, reading in zip(numbers, readings, strict=True):
        if reading is None:
            continue
        qualifier, end = _qualify(number, text, reading.end, lexicon.numbers)
        mentions.append({
            "kind": reading.kind, "value": reading.value, "unit": reading.unit, "qualifier": qualifier,
            "text": text[reading.start:end], "start": reading.start, "end": end,
            "rule": f"indicators.{'percentage-points' if number.kind == 'points' else reading.kind}",
            "value_high": number.high * (reading.value / number.value) if number.high and number.value else None,
            "change": None,
        })
    return mentions


def _unit_continues(reading: _Reading, shared: _Reading, text: str, following: Number) -> bool:
    """Whether the unit written after a number begins a longer unit that the next item spells out
    (the 个 of 1个和0.9个百分点)."""
    return bool(reading.written) and reading.unit != shared.unit and \
        reading.written in text[following.numeral_start:shared.end]


@dataclass(frozen=True)
class _Reading:
    """What a number measures in: its kind, unit, value in that unit, and the mention's span."""

    kind: str
    unit: str
    value: float
    start: int
    end: int
    written: str = ""  # the unit as written after the number ("个" of 1个和0.9个百分点)


def _shared_unit(number: Number, following: Number, shared: _Reading, end: int | None) -> _Reading:
    """The reading of ``number`` in the unit of the list item after it; a magnitude written once
    (7.7和34.7亿元) applies to both."""
    unit_factor = shared.value / following.value if following.value else 1.0
    magnitude = following.magnitude if number.magnitude == 1.0 else 1.0
    return _Reading(shared.kind, shared.unit, _exact(number.value * magnitude * unit_factor), number.start,
                    end or number.end)


def _exact(value: float) -> float:
    """Round away float noise from multiplying by a unit factor (78.1 × 10⁸)."""
    return float(f"{value:.12g}")


def _reading(number: Number, text: str, rules: IndicatorRules, lexicon: _Lexicon) -> _Reading | None:
    """The unit a number is measured in, from what stands after it (or before it, for a currency
    or a classifier written first); None when nothing makes it an indicator."""
    if number.kind == "percent":
        return _Reading("percent", "%", number.value, number.start, number.end)
    if number.kind == "points":
        return _Reading("percent", "百分点", number.value, number.start, number.end)
    if number.kind == "fraction":  # 三分之一 is 33.3 %; a slash (1/2) is too often a date or a code
        if "分之" not in number.text:
            return None
        return _Reading("percent", "%", _exact(number.value * 100), number.start, number.end)
    position = number.end + (1 if text[number.end:number.end + 1] == " " else 0)
    currency = lexicon.currency_before.search(text, max(0, number.numeral_start - _LOOK_BACK), number.numeral_start)
    if currency:
        return _money_in(lexicon.currency_names[currency.group().strip()], number, text, position, lexicon, rules,
                         min(currency.start(), number.start))
    named = lexicon.currency_after_at.match(text, position)
    if named:
        return _money_in(lexicon.currency_after[named.group()], number, text, named.end(), lexicon, rules,
                         number.start, written=True)
    found = lexicon.unit_at.match(text, position)
    if found:
        unit = lexicon.units[found.group()]
        end = found.end()
        half = text.startswith("半", end)  # 一吨半
        if number.chinese and not number.has_magnitude and unit.kind in rules.require_magnitude_for_chinese \
                and not half:
            return None
        if unit.word == "块" and not any(word in text for word in rules.money_words):
            unit = _Unit("块", "count", 1.0, "块")
        elif unit.word == "块":
            unit = _Unit("块", "money", 1.0, "元")
        if unit.kind == "money":
            return _money_in("元", number, text, end, lexicon, rules, number.start, factor=unit.factor, written=True)
        value = number.value * unit.factor + (0.5 if half else 0.0)
        rate = lexicon.rate.match(text, end)
        name = unit.unit + (rate.group().replace("／", "/") if rate else "")
        return _Reading(unit.kind, name, _exact(value), number.start, (rate.end() if rate else end) + half,
                        written=unit.word)
    before = lexicon.unit_before.search(text, max(0, number.numeral_start - _LOOK_BACK), number.numeral_start)
    if before and number.kind == "number":
        return _Reading("count", before.group("unit"), number.value, number.start, number.end)
    return None


def _money_in(currency: str, number: Number, text: str, end: int, lexicon: _Lexicon, rules: IndicatorRules,
              start: int, factor: float = 1.0, written: bool = False) -> _Reading:
    """A money reading ending at ``end``: a generic 元 or 块 after a currency named before the
    number belongs to the mention (新台币19.5元), a currency named after 元 renames it (100元港币,
    8亿元人民币), and subunits add up (5元3角)."""
    if not written and text.startswith(("元", "块"), end):
        end += 1
    if currency == "元":
        named = lexicon.currency_after_at.match(text, end)
        if named:
            currency, end = lexicon.currency_after[named.group()], named.end()
    value = number.value * factor
    for subunit, share in rules.money_subunits.items():
        part = lexicon.subunits[subunit].match(text, end, end + 6)
        if part and currency == "元":
            digit = part.group(1)
            value += (int(digit) if digit.isdigit() else DIGITS[digit]) * share
            end = part.end()
    return _Reading("money", currency, _exact(value), start, end)


def _with_changes(mentions: list[dict], text: str, lexicon: _Lexicon, rules: IndicatorRules) -> list[dict]:
    """Set each mention's ``change`` from the words right before it (GOLD.md): up or down when the
    sentence says the measured thing rose or fell by it, None for a level, including the level
    reached (提高到85%). An item of a list shares the change of the one before (增长5%和6%)."""
    previous_end = 0
    for i, mention in enumerate(mentions):
        break_before = _LAST_CLAUSE_BREAK.search(text, 0, mention["start"])
        lead_start = max(break_before.end() if break_before else 0, previous_end)
        lead = text[lead_start:mention["start"]].strip()
        change, sign = _change_of(lead, lexicon, rules)
        if change is None and i and _ITEM_JOINER.fullmatch(text, previous_end, mention["start"]):
            change = mentions[i - 1]["change"]
        mention["change"] = change
        if sign < 0:
            mention["value"] = -mention["value"]
        previous_end = mention["end"]
    return mentions


def _change_of(lead: str, lexicon: _Lexicon, rules: IndicatorRules) -> tuple[str | None, int]:
    """(up | down | None, the sign the words give the value) for the words before a number."""
    if lexicon.to_level.search(lead):
        return None, 1
    found = lexicon.change_word.search(lead)
    if not found or any(lead[:found.end("word")].endswith(word) for word in rules.change.not_change):
        return None, 1
    word = found.group("word")
    if word in rules.change.negative:
        return "up", -1
    return ("up" if word in rules.change.up or word in rules.change.up_nouns else "down"), 1


def _join_ranges(mentions: list[dict], text: str) -> list[dict]:
    """One mention for a range that repeats its unit: 5万元至10万元 (value 5万, value_high 10万).

    从23个到71个 is a change between two counts, not a range.
    """
    def merge(previous: dict, mention: dict) -> dict | None:
        if not (previous["value_high"] is None
                and (previous["unit"], previous["kind"]) == (mention["unit"], mention["kind"])
                and previous["value"] <= mention["value"]
                and not text.endswith(("从", "由"), 0, previous["start"])
                and RANGE_JOINER.fullmatch(text, previous["end"], mention["start"])):
            return None
        return {**previous, "end": mention["end"], "value_high": mention["value"],
                "text": text[previous["start"]:mention["end"]]}
    return join_adjacent(mentions, merge)


def _qualify(number: Number, text: str, unit_end: int, rules: NumberRules) -> tuple[str | None, int]:
    """The qualifier, and the end of the mention: a word after the unit (5000人以上) counts when
    the number has none of its own (近5000人, 超过2万人, 30%以上 carry theirs)."""
    if number.qualifier or unit_end == number.end:
        return number.qualifier, unit_end
    after = rules.qualifier_after(text, unit_end)
    return (after[0], after[1]) if after else (None, unit_end)


class SentenceTagger:
    """Part-of-speech tags for the fragments of one sentence, from tagging the sentence once.

    The sentence is tagged without its asides and quotation marks, as fragments are (``_plain``).
    A fragment that starts and ends on its word boundaries gets its tags for those words; any
    other (a cut inside a word) is tagged by itself. Tagging is five times slower than cutting,
    so subjects stay cheap this way.
    """

    def __init__(self, segmenter: Segmenter, sentence: str):
        self._segmenter = segmenter
        self._sentence = _QUOTE_MARKS.sub("", _ASIDE.sub("", sentence))  # as fragments are made plain
        self._words: list[tuple[str, str, int]] | None = None  # (word, flag, start)
        self._at: dict[int, int] = {}  # start of a word → its index

    def tag(self, fragment: str) -> list[tuple[str, str]]:
        if not fragment:
            return []
        if self._words is None:
            self._words, position = [], 0
            for word, flag in self._segmenter.tag(self._sentence):
                self._at[position] = len(self._words)
                self._words.append((word, flag, position))
                position += len(word)
            self._at[position] = len(self._words)
        start = self._sentence.find(fragment)
        while start >= 0:
            first, last = self._at.get(start), self._at.get(start + len(fragment))
            if first is not None and last is not None:
                return [(word, flag) for word, flag, _ in self._words[first:last]]
            start = self._sentence.find(fragment, start + 1)
        return self._segmenter.tag(fragment)

    def known(self, word: str) -> bool:
        return self._segmenter.known(word)

    def flag_of(self, word: str) -> str | None:
        return self._segmenter.flag_of(word)


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


def find_subject(
    text: str, start: int, end: int, kind: str, rules: SubjectRules, segmenter: Segmenter,
    change_tail: regex.Pattern | None = None,
) -> str | None:
    """The shortest phrase of the sentence ``text`` that names what ``text[start:end]`` measures.

    A count followed directly by a noun phrase (1149名下岗失业人员) measures that
    phrase; otherwise, and first for money and shares, the noun phrase before it
    (助民服务队723支, 脱贫率达99.7%).
    """
    window_start = max(0, start - CLAUSE_MAX_LENGTH)
    last_break = _LAST_CLAUSE_BREAK.search(text, window_start, start)
    clause_start = last_break.end() if last_break else window_start
    next_break = _CLAUSE_BREAK.search(text, end, end + CLAUSE_MAX_LENGTH)
    clause_end = next_break.start() if next_break else min(len(text), end + CLAUSE_MAX_LENGTH)
    before = _skip(_plain(text[clause_start:start]), rules.skip_before, change_tail)
    after = _skip(_plain(text[end:clause_end]), rules.skip_after)
    phrases = [(_phrase_after, after), (_phrase_before, before)]
    if kind in (rules.before_first_when_de_follows if after[:1] == "的" else rules.before_first):
        phrases.reverse()
    if measure := _measure_named_by_change(before, change_tail):
        return measure
    if rate := _RATE_SUBJECT.search(before):  # 每千人口注册护士: a rate keeps its base, where it fits
        return rate.group() if len(rate.group()) <= SUBJECT_MAX_LENGTH else rate.group("what")
    for phrase, fragment in phrases:
        if found := _named(phrase(fragment, rules, segmenter), rules, change_tail):
            return found
    if verb := _named(_verb_before(before, rules, segmenter), rules, change_tail):
        return verb  # 解困6万人: the verb is all there is
    fallback = regex.split(r"[\d.]", after, maxsplit=1)[0].strip()
    # 分别增长5.3%和7.4%: not 和
    return _named(fallback[:SUBJECT_MAX_LENGTH], rules, change_tail) if len(fallback) > 1 else None


_WHICH_PERIOD = ("上年", "去年", "今年", "全年", "当年", "同年", "前年", "本年", "明年", "每年", "上月", "本月", "当月",
                 "同月", "每月", "上半年", "下半年")
_PER_UNIT = regex.compile(r"(?:\p{Han}均)?[年月]?$")  # 户均, 人均月, 年: what makes 增收 a measure's name


def _names_a_measure(before_change: str) -> bool:
    """Whether a change verb is the head of a measure's name: alone in its clause, or after a
    period or per-unit word (年增收1.9亿元, 户均增收3000元, 人均月增收)."""
    before_change = before_change.strip()
    # 集体年增收 names a measure; 比上年增收 is a change
    annual = before_change.endswith(("年", "月")) and not before_change.endswith(_WHICH_PERIOD)
    return not before_change or annual or before_change.endswith(("均", "均年", "均月"))


def _measure_named_by_change(before: str, change_tail: regex.Pattern | None) -> str | None:
    """The name a change verb heads (户均增收), when ``before`` ends with one."""
    tail = change_tail.search(before) if change_tail else None
    if not tail or tail.start() == tail.end() or not _names_a_measure(before[:tail.start()]):
        return None
    per_unit = _PER_UNIT.search(before, 0, tail.start())
    name = before[per_unit.start():tail.end()].strip()
    return name if name != before[tail.start():tail.end()].strip() else None


def _named(phrase: str | None, rules: SubjectRules, change_tail: regex.Pattern | None) -> str | None:
    """``phrase`` without punctuation and linking words at its ends (营收为 → 营收), or None when it
    names nothing: no character of a word, only a change (上涨, 同比增收) or its origin (同比)."""
    phrase = phrase.strip(" ()（）,，、;；:：.。") if phrase else phrase
    while phrase and (link := next((word for word in rules.linking_words if phrase.endswith(word)
                                    and len(word) < len(phrase)), None)):
        phrase = phrase[:-len(link)]
    if not phrase or not _WORDY.search(phrase) or not _skip(phrase, rules.skip_before):
        return None
    if change_tail and (match := change_tail.search(phrase)) and match.start() == 0:
        return None
    return phrase


def _plain(fragment: str) -> str:
    """Drop asides such as 村(居) or (4,677澳门元), the half of one a clause cuts, and quotation
    marks, which break POS tagging."""
    return _QUOTE_MARKS.sub("", _OPEN_ASIDE.sub("", _ASIDE.sub("", fragment))).strip()


def _skip(fragment: str, skip_rules: list[PatternRule], change_tail: regex.Pattern | None = None) -> str:
    """``fragment`` without what stands between subject and number: a change and its origin
    before it (提高到, 比上年, and every verb of the change lexicon: 季增, 同比增收), a subset after
    it (60岁以上), each rule applied until none matches."""
    while True:
        for rule in skip_rules:
            match = rule.search(fragment)
            if match and match.start() < match.end():
                fragment = (fragment[:match.start()] + fragment[match.end():]).strip()
                break
        else:
            tail = change_tail.search(fragment) if change_tail else None
            if not tail or tail.start() == tail.end() or _names_a_measure(fragment[:tail.start()]):
                return fragment
            fragment = fragment[:tail.start()].strip()


def _tag(fragment: str, rules: SubjectRules, segmenter: Segmenter) -> list[tuple[str, str]]:
    """POS-tagged words, a one-character head joined to the word before it (收缴+率), as is a
    classifier with no numeral before it, which is a noun's last character (充电+桩, 老年人+口).

    Scope words are tagged as pronouns (r), which no subject phrase crosses.
    """
    tagged: list[tuple[str, str]] = []
    for word, flag in _mend(segmenter.tag(fragment), rules, segmenter):
        attaches = bool(tagged) and tagged[-1][0] != "的" and not tagged[-1][1].startswith(UNATTACHABLE_FLAGS)
        if word in rules.scope_words:
            flag = "r"
        elif word in rules.suffixes or (flag == "q" and len(word) == 1 and attaches):
            flag = "n"
            if attaches:
                word = tagged.pop()[0] + word
        tagged.append((word, flag))
    return tagged


def _mend(tagged: list[tuple[str, str]], rules: SubjectRules, segmenter: Segmenter) -> list[tuple[str, str]]:
    """jieba's tokens with each linking word whole and alone (高+达 → 高达, 仍+有 → 仍有, a head
    glued to the linking word after it split off: 率为 → 率+为, and a new word jieba's HMM made of
    a character and a linking word: 值为 → 值+为, 收为 → 收+为), and a verb joined to its result
    (改造+成 → 改造成, tagged ``RESULTATIVE`` so it never reads as a noun)."""
    mended: list[tuple[str, str]] = []
    for word, flag in tagged:
        if word[:1] in rules.suffixes and word[1:] in rules.linking_words:
            mended += [(word[:1], "n"), (word[1:], "d")]
        elif len(word) == 2 and word[1] in rules.linking_words and word not in rules.linking_words \
                and not segmenter.known(word):
            mended += [(word[0], segmenter.flag_of(word[0]) or "n"), (word[1], "d")]
        elif mended and mended[-1][0] + word in rules.linking_words:
            mended[-1] = (mended[-1][0] + word, "d")
        elif mended and mended[-1][1].startswith("v") and word in rules.verb_results:
            mended[-1] = (mended[-1][0] + word, RESULTATIVE)
        else:
            mended.append((word, flag))
    return mended


def _phrase_after(after: str, rules: SubjectRules, segmenter: Segmenter) -> str | None:
    """The noun phrase a pre-nominal quantifier introduces: 1149名[自主创业的下岗失业人员],
    33名[能够帮助群众的]项目书记."""
    tagged = _tag(after.lstrip("的 "), rules, segmenter)
    tagged = _after_relative_clause(tagged) or tagged
    if not _opens_noun_phrase(tagged) or tagged[0][1] == "f":  # 1860户中有74户: 中 names nothing
        return None
    words: list[str] = []
    head = 0
    previous_flag = ""
    for word, flag in tagged:
        possessive = word == "的" and previous_flag.startswith(("n", "j"))  # 23个老旧小区的服务点 counts 小区
        if flag.startswith("x") or possessive or (head and flag.startswith(("v", "p", "c", "r", "m"))):
            break
        words.append(word)
        previous_flag = flag
        if _nominal(flag):
            head = len(words)
    return _shortest(words[:head])


def _after_relative_clause(tagged: list[tuple[str, str]]) -> list[tuple[str, str]] | None:
    """The words after 的 when a relative clause opens ``tagged`` (能够帮助群众的+项目书记).

    A clause has a verb or an idiom (各具特色的) and no numeral, conjunction or preposition:
    3个村的孩子 counts villages.
    """
    de = next((i for i, (word, flag) in enumerate(tagged) if word == "的" or flag.startswith("x")), None)
    if de is None or tagged[de][0] != "的":
        return None
    clause, head = tagged[:de], tagged[de + 1:]
    is_clause = (bool(clause) and not _nominal(clause[0][1])
                 and any(flag.startswith(("v", "i")) and flag != "vn" for _, flag in clause)
                 and not any(flag.startswith(("m", "c", "p")) for _, flag in clause))
    return head if is_clause and _opens_noun_phrase(head) else None


def _opens_noun_phrase(tagged: list[tuple[str, str]]) -> bool:
    """Whether the words open with a noun, a noun after one modifier (新建+厂房) or after
    adjectives (老+旧+小区)."""
    flags = [flag for _, flag in tagged[:3]]
    return bool(flags) and (_nominal(flags[0]) or (
        len(flags) > 1 and flags[0].startswith(("v", "a", "d", "i", "b")) and _nominal(flags[1])) or (
        len(flags) > 2 and all(flag.startswith(("a", "b")) for flag in flags[:2]) and _nominal(flags[2])))


def _phrase_before(before: str, rules: SubjectRules, segmenter: Segmenter) -> str | None:
    """The noun phrase right before the number, linking words (达, 为, 共) skipped."""
    tagged = _tag_up_to_number(before, rules, segmenter)
    if len(tagged) > 1 and tagged[-1][1] == "v" and _nominal(tagged[-2][1]):
        tagged[-1] = (tagged[-1][0], "vn")  # a verb closing a noun compound names it: 经济+收入
    generic_head = bool(tagged) and tagged[-1][0] in rules.generic_heads  # 务工+就业+规模
    words: list[str] = []
    for word, flag in reversed(tagged):
        if word == "的" or not (_nominal(flag) or (words and flag.startswith("a")) or (generic_head and flag == "v")):
            break
        words.insert(0, word)
    return _shortest(words)


def _verb_before(before: str, rules: SubjectRules, segmenter: Segmenter) -> str | None:
    """The verb (or a four-character idiom of action: 明察暗访20余次) right before the number,
    linking words skipped, when no phrase names more."""
    tagged = _tag_up_to_number(before, rules, segmenter)
    return tagged[-1][0] if tagged and tagged[-1][1].startswith(("v", "i")) else None


def _tag_up_to_number(before: str, rules: SubjectRules, segmenter: Segmenter) -> list[tuple[str, str]]:
    """``before`` tagged, without the linking words, adverbs (始终, 一下子) and 的 that end it."""
    tagged = _tag(before, rules, segmenter)
    while tagged and (tagged[-1][0] in rules.linking_words or tagged[-1][0] == "的" or tagged[-1][1] == "d"):
        tagged.pop()
    return tagged


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
