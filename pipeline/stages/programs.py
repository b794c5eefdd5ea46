"""Programs: named initiatives, found by rules/programs.yaml.

In: a segmented Document. Out: one ProgramRow per distinct name (with its
mention count and first mention) and every mention's span, which the measure
and indicator stages use to say which program a row belongs to.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass

import regex

from pipeline.document import Document, SpanSet
from pipeline.rulebook import ProgramRules
from pipeline.stages.segment import Segmenter
from pipeline.tables import ProgramRow

_NAME_BREAK = regex.compile(r"[^\p{Han}A-Za-z0-9+·.\-]")
_CLAUSE_PUNCTUATION = regex.compile(r"[。！？；;，,：:\n]")
# jieba POS flags that never sit inside a program name: pronouns, prepositions,
# particles, conjunctions, punctuation, adverbs, interjections, modal words.
_STOP_FLAGS = ("r", "p", "u", "c", "x", "d", "e", "y", "o", "w")
# A leading place name of an administrative unit (汇川区三项重点工程) names who runs the program.
_ADMINISTRATIVE_PLACE = regex.compile(r"\p{Han}{1,8}[省市县区镇乡州旗盟]")


@dataclass(frozen=True)
class Mention:
    name: str
    kind: str
    start: int
    end: int
    rule: str
    alias: str | None = None


@dataclass(frozen=True)
class Programs:
    rows: list[ProgramRow]
    mentions: list[Mention]

    def words(self) -> list[str]:
        """Every program name and alias, as words the segmenter should keep whole."""
        return [word for row in self.rows for word in (row.name, *row.aliases)]

    def named_in(self, start: int, end: int) -> str | None:
        """The first program mentioned inside ``[start, end)`` (mentions are in text order)."""
        first = bisect.bisect_left(self.mentions, start, key=lambda mention: mention.start)
        for mention in itertools.islice(self.mentions, first, None):
            if mention.start >= end:
                break
            if mention.end <= end:
                return mention.name
        return None


def find_programs(doc: Document, rules: ProgramRules, segmenter: Segmenter) -> Programs:
    """Quoted names with a program word, and unquoted ``…工程`` names."""
    quoted = list(_quoted_mentions(doc.text, rules))
    unquoted = list(_unquoted_mentions(doc, rules, segmenter, quoted))
    mentions = sorted(quoted + unquoted, key=lambda m: m.start)
    return Programs(_rows(doc, mentions), mentions)


def _quoted_mentions(text: str, rules: ProgramRules):
    words = sorted(rules.program_words, key=len, reverse=True)
    for opening, closing in rules.quotes:
        pattern = regex.compile(
            f"{regex.escape(opening)}([^{regex.escape(opening + closing)}\\n]{{1,{rules.max_quoted_length}}}?)"
            f"{regex.escape(closing)}"
        )
        excluded = SpanSet(_excluded_spans(text, rules))
        for match in pattern.finditer(text):
            if excluded.covers(match.start()):
                continue
            content = match.group(1).strip()
            if _CLAUSE_PUNCTUATION.search(content):
                continue  # a quoted sentence, not a name
            word = next((w for w in words if content.endswith(w) and len(content) > len(w)), None)
            if word:
                yield Mention(content, word, match.start(), match.end(), "programs.quoted")
                continue
            after = next((w for w in words if text.startswith(w, match.end())), None)
            if after:
                yield Mention(content + after, after, match.start(), match.end() + len(after),
                              "programs.quoted-then-word", alias=content)


def _unquoted_mentions(doc: Document, rules: ProgramRules, segmenter: Segmenter, quoted):
    unquoted = rules.unquoted
    word = unquoted.word
    covered = SpanSet([(m.start, m.end) for m in quoted] + _excluded_spans(doc.text, rules))
    text = doc.text
    for match in regex.finditer(regex.escape(word), text):
        end = match.end()
        if covered.covers(match.start()):
            continue
        if _continues_noun(text, match.start(), end, segmenter):
            continue  # 工程建设, 工程师: 工程 is not the end of a name here
        start = _left_boundary(text, match.start(), end, unquoted, segmenter)
        start = _take_in_quoted(text, start, rules)
        start = _after_measure_word(text, start, end, unquoted)
        name = _strip_quotes(text[start:end], rules)
        if unquoted.min_name_length <= len(name) <= unquoted.max_name_length and (
            name not in unquoted.generic_names and not name.startswith(tuple(unquoted.verb_heads))
        ):
            yield Mention(name, word, start, end, "programs.unquoted")


def _excluded_spans(text: str, rules: ProgramRules) -> list[tuple[int, int]]:
    """Spans where no program is named: document titles in 《》 and the like."""
    return [m.span() for rule in rules.not_inside for m in rule.finditer(text)]


def _continues_noun(text: str, start: int, end: int, segmenter: Segmenter) -> bool:
    """True when 工程 runs on into a longer word or a noun (工程师, 工程建设, 工程项目)."""
    tagged = segmenter.tag(text[start: end + 4])
    if not tagged or tagged[0][0] != text[start:end]:
        return True
    return len(tagged) > 1 and tagged[1][1].startswith(("n", "vn"))


def _left_boundary(text: str, start: int, end: int, unquoted, segmenter: Segmenter) -> int:
    """The name's left edge: the longest phrase before the program word, leading verbs dropped.

    The phrase stops at punctuation, Arabic digits and words that never sit inside
    a name (pronouns, prepositions, particles, conjunctions, adverbs); then the
    name starts after the last of the ``leading_words`` (实施, 完成, 参与) in it.
    """
    window_start = max(0, start - unquoted.max_name_length)
    breaks = list(_NAME_BREAK.finditer(text, window_start, start))
    clause_start = breaks[-1].end() if breaks else window_start
    tokens = segmenter.tag(text[clause_start:end])
    if tokens and tokens[-1][0] == text[start:end]:
        tokens, end = tokens[:-1], start
    phrase: list[tuple[str, str]] = []
    for token, flag in reversed(tokens):
        if flag.startswith(_STOP_FLAGS) or regex.search(r"\d", token):
            break
        phrase.insert(0, (token, flag))
    leading = set(unquoted.leading_words)
    last_leading = max((i for i, (token, _) in enumerate(phrase) if token in leading), default=-1)
    phrase = phrase[last_leading + 1:]
    if len(phrase) > 1 and phrase[0][1] in ("ns", "nt") and _ADMINISTRATIVE_PLACE.fullmatch(phrase[0][0]):
        phrase.pop(0)
    return end - sum(len(token) for token, _ in phrase)


def _after_measure_word(text: str, start: int, end: int, unquoted) -> int:
    """Skip the unit a number left at the name's start: 33公里黄河控导工程 names 黄河控导工程."""
    if start == 0 or not regex.match(r"[\d一二三四五六七八九十百千万两几多余]", text[start - 1]):
        return start
    for word in sorted(unquoted.measure_words, key=len, reverse=True):
        if text.startswith(word, start) and start + len(word) < end:
            return start + len(word)
    return start


def _take_in_quoted(text: str, start: int, rules: ProgramRules) -> int:
    """“党建精品”创建工程: a quoted term right before the name belongs to it."""
    for opening, closing in rules.quotes:
        if start > 0 and text[start - 1] == closing:
            opened = text.rfind(opening, max(0, start - 1 - rules.max_quoted_length), start - 1)
            if opened >= 0 and not _CLAUSE_PUNCTUATION.search(text, opened, start):
                return opened
    return start


def _strip_quotes(name: str, rules: ProgramRules) -> str:
    marks = "".join(opening + closing for opening, closing in rules.quotes)
    return regex.sub(f"[{regex.escape(marks)}]", "", name)


def _rows(doc: Document, mentions: list[Mention]) -> list[ProgramRow]:
    first: dict[str, Mention] = {}
    counts: dict[str, int] = {}
    aliases: dict[str, set[str]] = {}
    for mention in mentions:
        first.setdefault(mention.name, mention)
        counts[mention.name] = counts.get(mention.name, 0) + 1
        if mention.alias and mention.alias != mention.name:
            aliases.setdefault(mention.name, set()).add(mention.alias)
    rows = []
    for number, (name, mention) in enumerate(first.items(), start=1):
        rows.append(ProgramRow(
            program_id=f"{doc.doc_id}-p{number}", name=name, kind=mention.kind,
            mentions=counts[name], start=mention.start, end=mention.end,
            sentence=_sentence_of(doc, mention.start), rule=mention.rule,
            aliases=tuple(sorted(aliases.get(name, ()))),
        ))
    return rows


def _sentence_of(doc: Document, position: int) -> str:
    for sentence in doc.sentences:
        if sentence.start <= position < sentence.end:
            return sentence.text
    return ""
