"""Repair GBK text that lost a byte in a bad re-encoding, as a step of normalise.

Two kinds of damage, both seen in seeds/001:

- ``?h委``: the lead byte of 縣 (0xBF) became ``?`` and its trail byte reads as ASCII ``h``.
- ``確;鶎永щy``: the lead byte of 保 (0xB1) vanished, so every later byte paired with the
  wrong neighbour (a3 bb → ；, folded to ``;`` by the scraper; f9 8c → 鶎; …) until a trail
  byte below 0x80 stood alone as ASCII (難 = eb 79 → ``y``). Re-encoding the run and
  pairing its bytes the other way restores 基層困難; only the first character, half of
  whose bytes are gone, has to be guessed.

Candidates for a guessed character are the common ones the surviving byte can be half of.
One wins when two or more characters of its context, on either side or around it, recur
elsewhere in the same report (reports repeat their phrases), or recur in a repair already made
with certainty (a scraper repeats its damage); among the rest jieba's dictionary ranks them. It is certain
when its context recurs more than the runner-up's, or it reads e^3 times likelier. A repair
the evidence cannot decide is only marked (``certain=False``) and the text is kept. Both
functions return the edits to apply to ``doc.text`` and a Repair per damaged span.
"""

from __future__ import annotations

import functools

import regex

from pipeline.document import Document, Repair
from pipeline.offsets import Edit
from pipeline.rulebook import Rulebook
from pipeline.stages.segment import PUNCTUATION

CONTEXT = 3  # characters of context on each side used to judge a repair
MAX_SHIFTED_RUN = 32  # characters a shift may run before a trail byte below 0x80 ends it
MIN_GAIN = 10.0  # log-probability a realigned run must gain over the damaged one (a factor e^10)
RECURRENCE = 2  # context characters a guess must share with a place elsewhere to count
CERTAIN_MARGIN = 3.0  # log-probability by which a guess must beat the next one to be certain
# A guess costs milliseconds: a report gets at most this many, plus one per thousand characters
# (seeds/001 needs 5 in 8 000 characters), so text that only looks damaged everywhere stays fast.
MIN_GUESSES = 100
# The rules that name these repairs: a row whose raw text holds one may read differently out of
# the report's context, where its guess could not be confirmed.
RULES = ("normalise.lost-lead-byte", "normalise.shifted-bytes")

_QUESTION_MARK_LEAD = regex.compile(r"\?([\x40-\x7e])(?=\p{Han}|[、，。；：])")
_EXPOSED_TRAIL = regex.compile(r"(?<=[^\x00-\x7f])[\x40-\x7e]")
_LONE_LETTER = regex.compile(r"[A-Za-z](?![A-Za-z0-9])")
_HAN = regex.compile(r"\p{Han}")
_FULL_WIDTH_ASCII = 0xFEE0  # ！ is ! + 0xFEE0; the scraper folded such forms to ASCII


def lost_lead_byte_repairs(doc: Document, rulebook: Rulebook) -> tuple[list[Edit], list[Repair]]:
    """``?h委`` → 縣委: each lead byte that decodes with the trail to a Han character is a candidate.

    A repair made with certainty is evidence for the others (a report repeats its phrases, and
    its damage), so places left undecided are judged again until a round decides nothing new.
    """
    evidence = _Evidence(doc.text, rulebook)
    decided: dict[int, tuple[regex.Match, str, bool]] = {}
    pending = list(_QUESTION_MARK_LEAD.finditer(doc.text))
    while pending and evidence.guesses_left > 0:
        undecided = []
        for match in pending:
            if evidence.guesses_left <= 0:
                break
            trail = ord(match.group(1))
            candidates = [c for lead in range(0x81, 0xFF) if _HAN.fullmatch(c := _decode(bytes([lead, trail])))]
            left = doc.text[max(0, match.start() - CONTEXT):match.start()]
            right = doc.text[match.end():match.end() + CONTEXT]
            choice, certain = evidence.best(match.start(), candidates, left, right)
            decided[match.start()] = (match, choice, certain)
            if certain:
                evidence.confirm(match.start(), left + choice + right)
            else:
                undecided.append(match)
        if len(undecided) == len(pending):
            break
        pending = undecided
    edits, repairs = [], []
    for start in sorted(decided):
        match, choice, certain = decided[start]
        _record(doc, match.start(), match.end(), choice, certain, "normalise.lost-lead-byte", edits, repairs)
    return edits, repairs


def shifted_byte_repairs(doc: Document, rulebook: Rulebook) -> tuple[list[Edit], list[Repair]]:
    """``確;鶎永щy`` → 確保基層困難: re-pair the bytes of a run that a lost byte shifted by one.

    A run ends at an exposed trail byte (an ASCII letter right after a Chinese character) and
    holds at least one odd character (rare Han, Cyrillic, kana, box drawing …). Its start is
    where re-pairing stops giving common characters; among the starts up to its first odd
    character, the one whose repair reads likeliest wins, and it must read far likelier than
    the damaged text.
    """
    evidence = _Evidence(doc.text, rulebook)
    edits, repairs = [], []
    repaired_to = 0  # runs do not overlap: a run starts after the last one repaired
    for match in _EXPOSED_TRAIL.finditer(doc.text):
        if evidence.guesses_left <= 0:
            break
        found = _realign(doc.text, repaired_to, match.start(), evidence)
        if found:
            start, choice, certain = found
            _record(doc, start, match.end(), choice, certain, "normalise.shifted-bytes", edits, repairs)
            repaired_to = match.end()
    return edits, repairs


def _realign(text: str, floor: int, trail_at: int, evidence: _Evidence) -> tuple[int, str, bool] | None:
    """(start, repaired text for ``text[start:trail_at + 1]``, certain) or None."""
    pairs = _repaired_pairs(text, floor, trail_at, evidence)  # pairs[k] re-pairs text[first + k]
    first = trail_at - len(pairs)
    odd = next((i for i in range(first, trail_at) if evidence.odd(text[i])), None)
    if odd is None:  # a lone letter may give a run of common characters away, an empty run not
        if first == trail_at or not _LONE_LETTER.match(text, trail_at):
            return None
        odd = trail_at - 1
    lo, hi = max(0, first - CONTEXT), trail_at + 1 + CONTEXT
    choices = []  # per start: (likelihood of the window, start, repaired run, first character certain)
    for start in range(first, odd + 1):
        rest = "".join(pairs[start - first:])
        # the first character cannot be the one there: its bytes were split
        candidates = [c for c in _first_characters(_gb18030(text[start])[0]) if c != text[start]]
        if candidates:
            choice, certain = evidence.best(start, candidates, text[max(0, start - CONTEXT):start], rest[:CONTEXT])
            repaired = choice + rest
            choices.append((evidence.likelihood(text[lo:start] + repaired + text[trail_at + 1:hi]),
                            start, repaired, certain))
    if not choices:
        return None
    choices.sort(reverse=True)
    score, start, repaired, certain = choices[0]
    next_start = choices[1][0] if len(choices) > 1 else float("-inf")
    if score - evidence.likelihood(text[lo:hi]) < MIN_GAIN:
        return None
    return start, repaired, certain and score - next_start >= CERTAIN_MARGIN


def _repaired_pairs(text: str, floor: int, trail_at: int, evidence: _Evidence) -> list[str]:
    """Walking left from the exposed trail, each character re-paired from the trail byte of
    ``text[i]`` and the lead byte of ``text[i + 1]``, for as long as that gives common ones."""
    following = ord(text[trail_at])
    pairs: list[str] = []
    for i in range(trail_at - 1, max(floor, trail_at - MAX_SHIFTED_RUN) - 1, -1):
        encoded = _gb18030(text[i])
        char = _decode(bytes([encoded[1], following])) if encoded else ""
        if not evidence.common(char):
            break
        pairs.insert(0, _fold(char))
        following = encoded[0]
        if text[i].isascii() and text[i].isalnum():
            break  # a folded full-width letter or digit may open a run (a lost 0xA1 of 。 leaves ０-ｗ), not sit in one
    return pairs


def _first_characters(byte: int) -> list[str]:
    """The Han characters and punctuation marks ``byte`` is half of: the trail of a lost lead
    byte, or the lead of a lost trail."""
    decoded = [_decode(bytes([lead, byte])) for lead in range(0x81, 0xFF)]
    decoded += [_decode(bytes([byte, trail])) for trail in range(0x40, 0xFF)]
    return sorted({char for char in decoded if _HAN.fullmatch(char) or char in PUNCTUATION})


def _gb18030(char: str) -> bytes:
    """The two GBK bytes of a character, reading ASCII as the full-width form a scraper folded;
    empty for anything else."""
    if "!" <= char <= "~":
        char = chr(ord(char) + _FULL_WIDTH_ASCII)
    encoded = char.encode("gb18030", errors="ignore")
    return encoded if len(encoded) == 2 else b""


def _decode(pair: bytes) -> str:
    try:
        return pair.decode("gbk")
    except UnicodeDecodeError:
        return ""


def _fold(char: str) -> str:
    """A full-width letter or digit as normalise writes it (ASCII)."""
    return chr(ord(char) - _FULL_WIDTH_ASCII) if "０" <= char <= "ｚ" and char.isalnum() else char


def _record(doc, start, end, choice, certain, rule, edits, repairs) -> None:
    raw_start, raw_end = doc.to_raw.span(start, end)
    repairs.append(Repair(raw_start, raw_end, doc.raw_text[raw_start:raw_end],
                          choice if certain else doc.text[start:end], rule, certain))
    if certain:
        edits.append(Edit(start, end, choice))


class _Evidence:
    """What the report and jieba's dictionary say about candidate characters, memoised per report."""

    def __init__(self, text: str, rulebook: Rulebook):
        self.text = text
        self.rulebook = rulebook
        self._common: dict[str, bool] = {}
        self._likelihood: dict[str, float] = {}
        self._extremes: dict[str, tuple[int, int]] = {}
        self._confirmed: list[tuple[int, str]] = []  # (position, repaired text with its context)
        self.guesses_left = MIN_GUESSES + len(text) // 1000

    def common(self, char: str) -> bool:
        """A character of ordinary Chinese text: punctuation, or Han that jieba knows."""
        if char not in self._common:
            self._common[char] = char in PUNCTUATION or "！" <= char <= "～" or self._known_han(char)
        return self._common[char]

    def _known_han(self, char: str) -> bool:
        segmenter = self.rulebook.segmenter
        return bool(_HAN.fullmatch(char)) and (
            segmenter.knows(char) or segmenter.knows(self.rulebook.converter.convert(char)))

    def odd(self, char: str) -> bool:
        """A character a shifted GBK run produces and a report would not use: rare Han, Cyrillic,
        kana, box drawing, pinyin letters …."""
        return not (char.isascii() or char.isspace() or self.common(char))

    def likelihood(self, window: str) -> float:
        if window not in self._likelihood:
            converted = self.rulebook.converter.convert(window)
            self._likelihood[window] = self.rulebook.segmenter.log_probability(converted)
        return self._likelihood[window]

    def best(self, position: int, candidates: list[str], left: str, right: str) -> tuple[str, bool]:
        """The candidate between ``left`` and ``right`` whose context recurs most elsewhere in the
        report, then the likeliest; certain when it recurs more than the runner-up, or reads far likelier."""
        self.guesses_left -= 1
        recurring = [(self._recurrence(position, candidate, left, right), candidate)
                     for candidate in candidates if self.common(candidate)]
        if not recurring:
            return self.text[position], False
        most = max(recurs for recurs, _ in recurring)
        # only candidates sharing the most recurrence can win or be a runner-up that matters:
        # one alone is certain, so jieba prices only a tie (a report's length of candidates)
        tied = sorted(((self.likelihood(left + candidate + right), candidate)
                       for recurs, candidate in recurring if recurs == most), reverse=True)
        if len(tied) == 1:
            return tied[0][1], True
        (likelihood, choice), (runner_up, _) = tied[0], tied[1]
        return choice, likelihood - runner_up >= CERTAIN_MARGIN

    def confirm(self, position: int, window: str) -> None:
        """Count a certain repair, with its context, as text of the report."""
        self._confirmed.append((position, window))

    def _recurrence(self, position: int, candidate: str, left: str, right: str) -> int:
        """How many characters of context (0, or RECURRENCE to CONTEXT) the candidate shares with
        an undamaged or confirmed place in the text, the context taken left, right or around it."""
        for width in range(CONTEXT, RECURRENCE - 1, -1):
            for before in range(width, -1, -1):
                if before <= len(left) and width - before <= len(right):
                    probe = left[len(left) - before:] + candidate + right[:width - before]
                    if self._occurs_elsewhere(probe, position):
                        return width
        return 0

    def _occurs_elsewhere(self, probe: str, position: int) -> bool:
        """Whether ``probe`` (3 or 4 characters) occurs in the text, or in a confirmed repair,
        away from ``position``."""
        away = len(probe) + 2
        if any(probe in window and abs(found - position) > away for found, window in self._confirmed):
            return True
        if probe[:3] not in self._trigrams:
            return False
        if probe not in self._extremes:  # all occurrences lie between the first and the last
            self._extremes[probe] = (self.text.find(probe), self.text.rfind(probe))
        return any(found >= 0 and abs(found - position) > away for found in self._extremes[probe])

    @functools.cached_property
    def _trigrams(self) -> frozenset[str]:
        return frozenset(self.text[i:i + 3] for i in range(len(self.text) - 2))
