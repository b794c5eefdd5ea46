"""Load and validate the rule files in ``rules/`` into a Rulebook.

Every file is checked before any document is read: unknown keys, wrong types
and regexes that do not compile stop the run with ``rules/<file>:<line>: <what>``.
The heavy tools the rules configure (jieba, OpenCC) are built once per process,
on first use, and kept on the Rulebook that every stage receives.

Rule patterns are matched only through PatternRule's methods, which share a time
budget per document: a rule file cannot hang a batch, whatever its patterns.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any, ClassVar, Literal

import regex
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

DEFAULT_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
PACKAGED_RULES_DIR = Path(__file__).resolve().parent / "rules"
# All rule matching on one document shares a time budget that grows with its length: rules
# take about 1 µs per character (5 µs on a text of short lines), so only a pattern that
# backtracks without bound runs out. The budget is spent in CPU time of the matching thread, so
# a busy machine does not fail documents that a quiet one reads.
RULE_SECONDS_PER_DOCUMENT = 2.0
RULE_SECONDS_PER_CHARACTER = 20e-6


class RuleError(Exception):
    """A rule file is wrong; the message reads ``file:line: what is wrong``."""


class RuleTimeout(Exception):
    """Rule matching used up a document's time; the document becomes an error row."""


# [seconds left, seconds given] to the document being processed, spent in place; None outside
# rule_time_budget, where each call may take RULE_SECONDS_PER_DOCUMENT.
_budget: ContextVar[list[float] | None] = ContextVar("rule_budget", default=None)


@contextlib.contextmanager
def rule_time_budget(characters: int) -> Iterator[None]:
    """Let every rule matched inside share the matching time of a document this long."""
    seconds = RULE_SECONDS_PER_DOCUMENT + RULE_SECONDS_PER_CHARACTER * characters
    token = _budget.set([seconds, seconds])
    try:
        yield
    finally:
        _budget.reset(token)


def _time_left() -> float:
    budget = _budget.get()
    return max(budget[0], 0.0) if budget else RULE_SECONDS_PER_DOCUMENT


def _charge(seconds: float) -> None:
    budget = _budget.get()
    if budget:
        budget[0] -= seconds


def _timed_out(name: str, text: str, pos: int) -> RuleTimeout:
    budget = _budget.get()
    given = budget[1] if budget else RULE_SECONDS_PER_DOCUMENT
    return RuleTimeout(f"rule {name} timed out on {len(text) - pos} characters from {text[pos:pos + 12]!r}: "
                       f"rules may spend {given:.1f} s on this document")


def default_rules_dir() -> Path:
    """The rules next to the source tree, else the copy packaged with the wheel."""
    return DEFAULT_RULES_DIR if DEFAULT_RULES_DIR.is_dir() else PACKAGED_RULES_DIR


# -- schemas ---------------------------------------------------------------------------


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _compile(pattern: str) -> regex.Pattern:
    try:
        return regex.compile(pattern, regex.VERSION1 if "(?V1)" in pattern else 0)
    except regex.error as error:
        raise ValueError(f"bad regex {pattern!r}: {error}") from None


class PatternRule(Strict):
    """A named pattern; match it with the methods below, which keep to the time budget."""

    id: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    pattern: str
    examples: list[str] = []
    not_: list[str] = Field(default=[], alias="not")
    _file: str = PrivateAttr("")  # the rule file's stem, so messages can say indicators.code

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, value: str) -> str:
        _compile(value)
        return value

    @model_validator(mode="after")
    def _remember_file(self, info: ValidationInfo) -> PatternRule:
        self._file = (info.context or {}).get("file", "")
        return self

    @functools.cached_property
    def regex(self) -> regex.Pattern:
        return _compile(self.pattern)

    @functools.cached_property
    def name(self) -> str:
        return f"{self._file}.{self.id}" if self._file else self.id

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[regex.Match]:
        matches = self.regex.finditer(text, pos, endpos, timeout=_time_left())
        while True:
            started = time.thread_time()
            try:
                match = next(matches, None)
            except TimeoutError:
                raise _timed_out(self.name, text, pos) from None
            finally:
                _charge(time.thread_time() - started)
            if match is None:
                return
            yield match

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> regex.Match | None:
        return self._call(self.regex.search, text, pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int | None = None) -> regex.Match | None:
        return self._call(self.regex.match, text, pos, endpos)

    def fullmatch(self, text: str, pos: int = 0, endpos: int | None = None) -> regex.Match | None:
        return self._call(self.regex.fullmatch, text, pos, endpos)

    def _call(self, method, text: str, pos: int, endpos: int | None) -> regex.Match | None:
        """``method(text, pos, endpos)`` within the document's time left, charged to it."""
        started = time.thread_time()
        try:
            return method(text, pos, endpos, timeout=_time_left())
        except TimeoutError:
            raise _timed_out(self.name, text, pos) from None
        finally:
            _charge(time.thread_time() - started)


class ReplaceExample(Strict):
    text: str
    expect: str


class DeletionRule(PatternRule):
    examples: list[ReplaceExample] = []


class NormaliseRules(Strict):
    deletions: list[DeletionRule]



class ZoneRule(PatternRule):
    run: int = Field(default=1, ge=1)  # the fewest consecutive matching lines that are furniture


class BoilerplateRules(Strict):
    line: list[PatternRule]
    header: list[ZoneRule]
    footer: list[ZoneRule]
    cut_from: list[PatternRule]
    prefix: list[PatternRule] = []  # furniture glued to the start of a line, cut from it

    @functools.cached_property
    def any_line(self) -> PatternRule:
        """Every `line` rule as one pattern, so a long page costs one match per line, not one per rule."""
        return PatternRule(id="boilerplate-line", pattern="|".join(f"(?:{rule.pattern})" for rule in self.line))


Scope = Literal["furniture", "head", "tail"]


class MetadataRule(PatternRule):
    scope: list[Scope]
    year_in_line: str | None = None

    @field_validator("year_in_line")
    @classmethod
    def _year_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            _compile(value)
        return value

    def find_year(self, line: str) -> regex.Match | None:
        """The year written elsewhere in the line, for dates that give none."""
        if self.year_in_line is None:
            return None
        return self._call(_compile(self.year_in_line).search, line, 0, None)


class TitleRule(Strict):
    min_length: int = Field(ge=1)
    max_length: int
    not_ending: str
    site_suffix: PatternRule
    labelled: PatternRule  # a furniture line that names the headline: 标题：…, 原标题：…
    not_title: list[PatternRule] = []  # shapes of a first line that are never a headline

    @field_validator("labelled")
    @classmethod
    def _title_group(cls, rule: PatternRule) -> PatternRule:
        if "title" not in rule.regex.groupindex:
            raise ValueError("the labelled pattern needs a named group (?P<title>...)")
        return rule


class MetadataRules(Strict):
    title: TitleRule
    head_lines: int = Field(ge=1)
    tail_lines: int = Field(ge=1)
    date: list[MetadataRule]
    source: list[MetadataRule]
    author: list[MetadataRule]

    @field_validator("date", "source", "author")
    @classmethod
    def _named_group(cls, rules: list[MetadataRule], info) -> list[MetadataRule]:
        group = "month" if info.field_name == "date" else info.field_name
        for rule in rules:
            if group not in rule.regex.groupindex:
                raise ValueError(f"rule {rule.id!r} needs a named group (?P<{group}>...)")
        return rules


class ProgramExample(Strict):
    text: str
    expect: list[str]


class UnquotedRule(Strict):
    word: str
    min_name_length: int = Field(ge=1)
    max_name_length: int = Field(ge=2)
    leading_words: list[str]
    generic_names: list[str]
    measure_words: list[str] = []  # units and classifiers a number leaves before a name: 33公里
    verb_heads: list[str] = []  # a name opening with one is a verb and its object, not a name



class ProgramRules(Strict):
    program_words: list[str] = Field(min_length=1)
    not_inside: list[PatternRule] = []
    quotes: list[tuple[str, str]]
    max_quoted_length: int = Field(ge=2)
    unquoted: UnquotedRule
    examples: list[ProgramExample] = []

    @field_validator("quotes")
    @classmethod
    def _single_characters(cls, quotes: list[tuple[str, str]]) -> list[tuple[str, str]]:
        for pair in quotes:
            if any(len(mark) != 1 for mark in pair):
                raise ValueError(f"a quote mark is one character, not {pair!r}")
        return quotes


class MarkerRule(PatternRule):
    where: Literal["paragraph_start", "clause_start"]

    @field_validator("pattern")
    @classmethod
    def _has_ordinal(cls, value: str) -> str:
        if "ordinal" not in _compile(value).groupindex:
            raise ValueError("a marker pattern needs a named group (?P<ordinal>...)")
        return value


class MeasureRules(Strict):
    head_length: int = Field(ge=1)
    head_stops: str
    markers: list[MarkerRule] = Field(min_length=1)


Kind = Literal["count", "money", "percent", "quantity"]
Qualifier = Literal["over", "at_least", "nearly", "about", "at_most"]


class UnitLexicon(Strict):
    count: list[str]
    money: dict[str, float]
    quantity: list[str]


class QualifierLexicon(Strict):
    before: dict[Qualifier, list[str]]
    after: dict[Qualifier, list[str]]
    not_before: list[str] = []
    fillers: list[str] = []


class ExpectedNumber(Strict):
    text: str
    value: float
    high: float | None = None
    kind: Literal["number", "percent", "fraction", "points"] = "number"
    qualifier: Qualifier | None = None


class NumberExample(Strict):
    text: str
    expect: list[ExpectedNumber]


class NumberRules(Strict):
    """rules/numbers.yaml: what find_numbers takes from around a numeral."""

    qualifiers: QualifierLexicon
    classifiers: list[str] = Field(min_length=1)
    not_numbers: list[str]
    examples: list[NumberExample] = []

    @field_validator("not_numbers")
    @classmethod
    def _words_compile(cls, words: list[str]) -> list[str]:
        for word in words:
            _compile(word)
        return words

    @functools.cached_property
    def not_numbers_regex(self) -> regex.Pattern:
        return regex.compile("|".join(sorted(self.not_numbers, key=len, reverse=True)))

    @functools.cached_property
    def _qualifier_of(self) -> dict[str, str]:
        return {word: qualifier for where in (self.qualifiers.before, self.qualifiers.after)
                for qualifier, words in where.items() for word in words}

    @functools.cached_property
    def _before(self) -> regex.Pattern:
        words = [word for words in self.qualifiers.before.values() for word in words]
        return regex.compile(f"(?P<word>{_alternation(words)})(?P<filler>{_alternation(self.qualifiers.fillers)})?$")

    @functools.cached_property
    def _not_before(self) -> regex.Pattern:
        return regex.compile(f"(?:{_alternation(self.qualifiers.not_before)})$")

    @functools.cached_property
    def _after(self) -> regex.Pattern:
        words = [word for words in self.qualifiers.after.values() for word in words]
        return regex.compile(f" ?(?P<word>{_alternation(words)})")

    @functools.cached_property
    def _before_ends(self) -> frozenset[str]:
        """The characters a qualifier word or filler ends with: any other rules one out unsearched."""
        words = [word for words in self.qualifiers.before.values() for word in words]
        return frozenset(word[-1] for word in words + self.qualifiers.fillers)

    @functools.cached_property
    def _after_starts(self) -> frozenset[str]:
        return frozenset(word[0] for words in self.qualifiers.after.values() for word in words)

    def qualifier_before(self, text: str, position: int) -> tuple[str, int] | None:
        """(qualifier, where its word starts) when a qualifier word, perhaps with a filler
        (超过了, 至少有), ends at ``position``."""
        if not position or text[position - 1] not in self._before_ends:
            return None
        found = self._before.search(text, max(0, position - _LONGEST_QUALIFIER), position)
        if not found or self._not_before.search(text, max(0, position - _LONGEST_QUALIFIER), found.end("word")):
            return None  # 附近3个村: 近 ends a word that qualifies nothing
        return self._qualifier_of[found.group("word")], found.start()

    def qualifier_after(self, text: str, position: int) -> tuple[str, int] | None:
        """(qualifier, where its word ends) when a qualifier word starts at ``position``."""
        first = text[position + 1:position + 2] if text[position:position + 1] == " " else text[position:position + 1]
        if first not in self._after_starts:
            return None
        found = self._after.match(text, position)
        return (self._qualifier_of[found.group("word")], found.end()) if found else None


def _alternation(words: list[str]) -> str:
    """The words as one regex alternative, longest first, so the longest word wins."""
    return "|".join(regex.escape(word) for word in sorted(set(words), key=len, reverse=True))


_LONGEST_QUALIFIER = 12  # characters a qualifier word and its filler take at most


Change = Literal["up", "down"]


class ExpectedIndicator(Strict):
    text: str
    kind: Kind
    value: float
    unit: str
    qualifier: Qualifier | None = None
    change: Change | None = None


class CurrencyNames(Strict):
    after: list[str] = Field(min_length=1)
    before: list[str]


class ChangeLexicon(Strict):
    up: list[str]
    down: list[str]
    up_nouns: list[str]
    down_nouns: list[str]
    negative: list[str]
    to_level: list[str]
    between: list[str]
    not_change: list[str]


class IndicatorExample(Strict):
    text: str
    expect: list[ExpectedIndicator]


class SubjectExample(Strict):
    text: str
    expect: list[str | None]


class SubjectRules(Strict):
    before_first: list[Kind]
    before_first_when_de_follows: list[Kind]
    generic_heads: list[str]
    scope_words: list[str]
    linking_words: list[str]
    verb_results: list[str]
    suffixes: list[str]
    skip_before: list[PatternRule]
    skip_after: list[PatternRule]
    examples: list[SubjectExample] = []


class IndicatorRules(Strict):
    units: UnitLexicon
    currencies: dict[str, CurrencyNames]
    currency_declaration: str
    money_words: list[str]
    money_subunits: dict[str, float]
    rate_bases: list[str]
    units_before_number: list[str]
    words_between_unit_and_number: list[str]
    require_magnitude_for_chinese: list[Kind]
    change: ChangeLexicon
    vetoes: list[PatternRule]
    subjects: SubjectRules
    examples: list[IndicatorExample] = []


RULE_FILES: dict[str, type[Strict]] = {
    "numbers": NumberRules,
    "normalise": NormaliseRules,
    "boilerplate": BoilerplateRules,
    "metadata": MetadataRules,
    "programs": ProgramRules,
    "measures": MeasureRules,
    "indicators": IndicatorRules,
}


# -- loading with line numbers ---------------------------------------------------------


class _LineLoader(yaml.SafeLoader):
    """A SafeLoader that remembers the line of every mapping value and list item."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = _Lined(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.lines = {key.value: value.start_mark.line + 1 for key, value in node.value}
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> list:
    sequence = _LinedList(loader.construct_sequence(node, deep=True))
    sequence.line = node.start_mark.line + 1
    sequence.lines = {index: item.start_mark.line + 1 for index, item in enumerate(node.value)}
    return sequence


class _Lined(dict):
    line = 0
    lines: ClassVar[dict] = {}


class _LinedList(list):
    line = 0
    lines: ClassVar[dict] = {}


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _line_of(data: Any, location: tuple) -> int:
    """The line of the deepest node along a pydantic error location."""
    line = getattr(data, "line", 1)
    for key in location:
        lines = getattr(data, "lines", {})
        if key not in lines:
            break
        line = lines[key]
        data = data[key]
    return line


def load_rule_file(path: Path, schema: type[Strict], label: str | None = None) -> Strict:
    """Parse and validate one rule file, raising RuleError with ``file:line``."""
    label = label or str(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except FileNotFoundError:
        raise RuleError(f"{label}:1: rule file is missing") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise RuleError(f"{label}:{line}: not valid YAML: {getattr(error, 'problem', error)}") from None
    if not isinstance(data, dict):
        raise RuleError(f"{label}:1: expected a mapping of settings at the top level")
    try:
        return schema.model_validate(data, context={"file": path.stem})
    except ValidationError as error:
        # an unknown key explains the missing one it was meant to be: report it first
        errors = sorted(error.errors(), key=lambda e: e["type"] != "extra_forbidden")
        first = errors[0]
        location = tuple(part for part in first["loc"])
        where = ".".join(str(part) for part in location) or "(top)"
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = f"unknown key {location[-1]!r}"
        raise RuleError(f"{label}:{_line_of(data, location)}: {where}: {message}") from None


class Rulebook:
    """All rule files of one rules folder, validated, plus the tools they configure."""

    def __init__(self, rules_dir: Path | str | None = None):
        self.rules_dir = Path(rules_dir) if rules_dir else default_rules_dir()
        if not self.rules_dir.is_dir():
            raise RuleError(f"{self.rules_dir}:1: rules folder not found")
        for name, schema in RULE_FILES.items():
            path = self.rules_dir / f"{name}.yaml"
            label = f"{self.rules_dir.name}/{path.name}"
            setattr(self, name, load_rule_file(path, schema, label))
        self.user_dict = self.rules_dir / "jieba_userdict.txt"

    @functools.cached_property
    def converter(self):
        """OpenCC t2s: the C++ binding (``opencc``) the project depends on, ~40× faster, or
        opencc-python-reimplemented where it is installed instead (same import, same output)."""
        from opencc import OpenCC

        return OpenCC("t2s")

    @functools.cached_property
    def segmenter(self):
        """A jieba tokenizer with the project's user dictionary, and its POS tagger."""
        from pipeline.stages.segment import Segmenter

        return Segmenter(self.user_dict if self.user_dict.is_file() else None)

    def warm_up(self) -> Rulebook:
        """Build the heavy tools now, so forked workers share them."""
        self.converter.convert("體")
        self.segmenter.tokenize("预热")
        return self
