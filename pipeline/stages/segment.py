"""Segment: paragraphs, sentences and jieba tokens, all with offsets into ``doc.text``.

In: a cleaned Document, one paragraph per line. ``split_sentences`` fills in
``paragraphs`` and ``sentences``; ``tokenize_sentences`` gives each sentence its
tokens, once the document's own names (its programs) are in jieba's dictionary.
"""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

import regex

from pipeline.document import Document, Sentence, Span, Token

_PARAGRAPH = regex.compile(r"[^\n]+")
# A sentence runs to a terminal mark, taking in closing quotes and brackets after it.
_SENTENCE = regex.compile(r"[^。！？!?；;]+(?:[。！？!?；;]+[”’」』）)\]]*)?|[。！？!?；;]+[”’」』）)\]]*")
# Longer runs without a terminal mark are cut after their last clause mark within this many
# characters, else at the limit but never inside a number: every row carries its sentence,
# so none may carry a whole page.
SENTENCE_MAX_LENGTH = 400
# jieba's dictionary has neither punctuation nor Latin words and numbers, and prices an unknown
# character as a word seen once. log_probability prices them by their share of the tokens of
# reports (seeds and tests/corpus; a mark a scraper folded to ASCII counts as the full-width one).
PUNCTUATION_SHARES = {"，": 0.06, "、": 0.03, "。": 0.027, "“": 0.017, "”": 0.017}
RARE_PUNCTUATION_SHARE = 0.001  # （）：；《》！？‘’【】—…·
PUNCTUATION = frozenset("，。、；：？！“”‘’（）《》【】—…·,;:?!()")
ASCII_WORD_LOG_PROBABILITY = math.log(0.086)  # a run of ASCII letters and digits: 2296, GDP
_FOLDED = str.maketrans(",;:?!()", "，；：？！（）")
_PRICED_APART = regex.compile(f"(?P<ascii>[A-Za-z0-9]+)|(?P<mark>[{regex.escape(''.join(PUNCTUATION))}])")
_LAST_CLAUSE_MARK = regex.compile(r"[，、：]|[,:](?!\d)", regex.REVERSE)
_NUMBER_REST = regex.compile(r"[0-9A-Za-z.．,%％]*")
# jieba-rs keeps ASCII runs joined by these whole (2017-06-09, j.cnki.issn) where jieba splits them;
# elsewhere its tokens are jieba's on every sentence of the seeds and corpora (tests/golden).
_ASCII_JIEBA_SPLITS = regex.compile(r"[A-Za-z0-9][#&_\-+]|[#&_\-+][A-Za-z0-9]|[A-Za-z][.%]|\.[A-Za-z]")


class Segmenter:
    """jieba, loaded once per process with the project's user dictionary; jieba-rs (``rjieba``),
    where installed and no user dictionary is given, tokenizes the text it cuts as jieba does,
    some 15 times faster."""

    def __init__(self, user_dict: Path | None = None):
        import jieba
        import jieba.posseg

        jieba.setLogLevel(logging.WARNING)
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.initialize()
        if user_dict is not None:
            self._tokenizer.load_userdict(str(user_dict))
        self._tagger = jieba.posseg.POSTokenizer(self._tokenizer)
        self._fast = _jieba_rs() if user_dict is None else None
        self._added: list[str] = []  # words_added's words: jieba-rs's dictionary lacks them

    def tokenize(self, text: str) -> list[tuple[str, int, int]]:
        """(word, start, end) for every token of ``text``."""
        if self._fast is not None and not _ASCII_JIEBA_SPLITS.search(text) and not any(
                word in text for word in self._added):
            return self._fast.tokenize(text)
        return list(self._tokenizer.tokenize(text, HMM=True))

    def known(self, word: str) -> bool:
        """Whether ``word`` is in jieba's dictionary, not a new word its HMM glued together."""
        return bool(self._tokenizer.FREQ.get(word))

    def flag_of(self, word: str) -> str | None:
        """The part of speech jieba's dictionary gives ``word``."""
        return self._tagger.word_tag_tab.get(word)

    def tag(self, text: str) -> list[tuple[str, str]]:
        """(word, part-of-speech flag) pairs; five times slower than tokenize, so use sparingly."""
        return [(pair.word, pair.flag) for pair in self._tagger.lcut(text, HMM=True)]

    @contextlib.contextmanager
    def words_added(self, words: Iterable[str], flag: str = "nz") -> Iterator[Segmenter]:
        """jieba with ``words`` in its dictionary inside the block, exactly as before after it.

        A document's program names keep whole in its own segmentation, and never
        leak into the next document's, which would make rows depend on batch order.
        """
        tokenizer, tags = self._tokenizer, self._tagger.word_tag_tab
        words = [word for word in dict.fromkeys(words) if len(word) > 1]
        prefixes = {word[:end] for word in words for end in range(1, len(word) + 1)}
        saved_freq = {key: tokenizer.FREQ.get(key) for key in prefixes}
        saved_tags = {word: tags.get(word) for word in words}
        saved_total = tokenizer.total
        try:
            for word in words:
                tokenizer.add_word(word)  # with the frequency that makes jieba cut it out whole
                tags[word] = flag
            self._added = words
            yield self
        finally:
            self._added = []
            for table, saved in ((tokenizer.FREQ, saved_freq), (tags, saved_tags)):
                for key, value in saved.items():
                    if value is None:
                        table.pop(key, None)
                    else:
                        table[key] = value
            tokenizer.total = saved_total

    def knows(self, word: str) -> bool:
        """Whether jieba's dictionary holds ``word`` as a word (not only as the prefix of one)."""
        return self._tokenizer.FREQ.get(word, 0) > 0

    def log_probability(self, text: str) -> float:
        """The log probability of jieba's best segmentation of ``text`` (higher is likelier)."""
        total, start = 0.0, 0
        for match in _PRICED_APART.finditer(text):
            total += self._jieba_log_probability(text[start:match.start()])
            total += ASCII_WORD_LOG_PROBABILITY if match.group("ascii") else _mark_log_probability(match.group())
            start = match.end()
        return total + self._jieba_log_probability(text[start:])

    def _jieba_log_probability(self, text: str) -> float:
        if not text:
            return 0.0
        route: dict = {}
        self._tokenizer.calc(text, self._tokenizer.get_DAG(text), route)
        return route[0][0]


def _jieba_rs():
    """A jieba-rs tokenizer with jieba's own dictionary, or None where rjieba is not installed."""
    try:
        import rjieba
    except ImportError:
        return None
    return rjieba.Jieba()


def _mark_log_probability(mark: str) -> float:
    return math.log(PUNCTUATION_SHARES.get(mark.translate(_FOLDED), RARE_PUNCTUATION_SHARE))


def split_sentences(doc: Document) -> Document:
    """Split the text into paragraphs (lines) and sentences, without tokens."""
    paragraphs = tuple(Span(m.start(), m.end()) for m in _PARAGRAPH.finditer(doc.text))
    sentences = [
        (index, start, end, doc.text[start:end])
        for index, paragraph in enumerate(paragraphs)
        for start, end in _sentence_spans(doc.text, paragraph)
    ]
    return replace(doc, paragraphs=paragraphs, sentences=tuple(
        Sentence(number, *sentence) for number, sentence in enumerate(sentences)))


def _sentence_spans(text: str, paragraph: Span):
    """The sentences of a paragraph, none longer than SENTENCE_MAX_LENGTH."""
    for match in _SENTENCE.finditer(text, paragraph.start, paragraph.end):
        start, end = match.span()
        while end - start > SENTENCE_MAX_LENGTH:
            limit = start + SENTENCE_MAX_LENGTH
            clause_mark = _LAST_CLAUSE_MARK.search(text, start + 1, limit)
            cut = clause_mark.end() if clause_mark else _NUMBER_REST.match(text, limit).end()
            if cut >= end:
                break
            yield start, cut
            start = cut
        yield start, end


def tokenize_sentences(doc: Document, segmenter: Segmenter) -> Document:
    """Give every sentence its jieba tokens."""
    return replace(doc, sentences=tuple(
        replace(sentence, tokens=tuple(
            Token(word, sentence.start + start, sentence.start + end)
            for word, start, end in segmenter.tokenize(sentence.text)))
        for sentence in doc.sentences))
