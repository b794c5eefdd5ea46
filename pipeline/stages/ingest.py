"""Ingest: find the input files and decode their bytes into a Document.

The only stage besides ``write`` that touches files: ``find_inputs`` lists them,
the batch runner reads them, and ``decode`` is a pure function of the bytes.
"""

from __future__ import annotations

import codecs
import hashlib
import math
from pathlib import Path
from typing import NamedTuple

import regex
from charset_normalizer.md import mess_ratio

from pipeline.document import Document
from pipeline.offsets import OffsetMap
from pipeline.stages.markup import html_to_text, is_html

INPUT_SUFFIXES = (".txt", ".html", ".htm")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Without a BOM: UTF-8, else whichever double-byte reading looks less like mojibake.
# GB18030 is a superset of GBK and GB2312; it is tried first, so it wins a tie.
DOUBLE_BYTE_ENCODINGS = ("gb18030", "big5")
# UTF-8 checks itself: a GB18030 or Big5 copy of a seed or tests/corpus report read as
# UTF-8 fails on 63 % or more of its non-ASCII bytes; UTF-8 with 5 % of its bytes
# randomised on 9 % at most.
UTF8_MAX_DAMAGE = 0.3  # share of the non-ASCII bytes
# Text has next to no control characters and few undecodable bytes: 9 % with 5 % of
# its bytes randomised. Binaries have many: 12 % for bytes(range(256)), 20 %
# for compressed or random bytes, 34 % and more for images and compiled code.
NOT_TEXT = 0.1  # share of all bytes that are undecodable or control characters
# UTF-16 without a BOM shows itself by NUL bytes, the high byte of every ASCII character
# (digits, line ends) and the low byte of Han characters such as 一 (4E 00): 6 % of the
# bytes or more for every seed and tests/corpus report. UTF-8 and the double-byte
# encodings have none. The byte order is the one that reads as Chinese text.
UTF16_MIN_NULS = 0.01  # share of all bytes
UTF16_MIN_CHINESE = 0.9  # share of the characters that are Han, punctuation, ASCII or spaces
_CHINESE_TEXT = regex.compile(r"[\p{Han}\p{P}\s\x20-\x7e\uff01-\uff5e]")

_MARK_ERRORS = "pipeline.mark-undecodable"
codecs.register_error(  # one lone surrogate per undecodable byte, so the bytes can be counted
    _MARK_ERRORS, lambda error: ("".join(chr(0xDC00 + b) for b in error.object[error.start:error.end]), error.end)
)
_UNDECODABLE = regex.compile(r"[\udc00-\udcff]")  # no codec read here yields a lone surrogate itself
_CONTROL = regex.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


class DecodeError(ValueError):
    """The bytes are not text in any encoding we read."""


class Decoded(NamedTuple):
    text: str  # each undecodable byte as U+FFFD
    encoding: str  # utf-8, utf-8-sig, utf-16 (with a BOM), utf-16-le, utf-16-be, gb18030 or big5
    undecodable: int  # bytes that were replaced


def find_inputs(paths: list[Path]) -> list[Path]:
    """Every input file under the given files and folders, sorted, each once."""
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in INPUT_SUFFIXES:
                    found[child] = None
        elif path.is_file():
            found[path] = None
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")
    return list(found)


def content_id(raw: bytes) -> tuple[str, str]:
    """The sha256 of the bytes and the doc_id derived from it."""
    digest = hashlib.sha256(raw).hexdigest()
    return digest, digest[:16]


def decode(raw: bytes, name: str, path: str = "") -> Document:
    """Decode a file's bytes, and take the text out of an HTML page; raise DecodeError when they are not text.

    ``raw_text`` is the decoded file (the HTML itself for a page), so offsets point into the file as saved.
    """
    sha256, doc_id = content_id(raw)
    decoded = decode_bytes(raw)
    text, to_raw = decoded.text, OffsetMap.identity(len(decoded.text))
    if is_html(name, decoded.text):
        text, to_raw = html_to_text(decoded.text)
    return Document(
        doc_id=doc_id, source_name=name, source_path=path or name, sha256=sha256,
        encoding=decoded.encoding, raw_text=decoded.text, text=text, to_raw=to_raw,
        undecodable=decoded.undecodable,
    )


def from_text(text: str, name: str = "<text>") -> Document:
    """A Document for a string that was never a file (notebooks, tests)."""
    sha256, doc_id = content_id(text.encode("utf-8"))
    return Document(doc_id, name, name, sha256, "str", text, text, OffsetMap.identity(len(text)))


def decode_bytes(raw: bytes) -> Decoded:
    """The text, the encoding it was read with and the number of bytes that could not be decoded."""
    text, encoding = _best_reading(raw)
    undecodable = len(_UNDECODABLE.findall(text))
    if undecodable + len(_CONTROL.findall(text)) > NOT_TEXT * len(raw):
        raise DecodeError("not UTF-8, UTF-16, GB18030 or Big5 text")
    return Decoded(_UNDECODABLE.sub("\ufffd", text), encoding, undecodable)


def _best_reading(raw: bytes) -> tuple[str, str]:
    """The text with undecodable bytes marked, and its encoding: a BOM's, UTF-16 by its NULs, UTF-8,
    or the likelier double-byte one."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw.decode(encoding, _MARK_ERRORS), encoding
    if utf16 := _utf16_without_bom(raw):
        return raw.decode(utf16, _MARK_ERRORS), utf16
    text = raw.decode("utf-8", _MARK_ERRORS)
    non_ascii = len(raw.translate(None, bytes(range(0x80))))
    if len(_UNDECODABLE.findall(text)) <= UTF8_MAX_DAMAGE * non_ascii:
        return text, "utf-8"
    readings = [(raw.decode(encoding, _MARK_ERRORS), encoding) for encoding in DOUBLE_BYTE_ENCODINGS]
    return min(readings, key=lambda reading: _oddness(reading[0], len(raw)))


def _utf16_without_bom(raw: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when the bytes hold enough NULs and read as Chinese text that way."""
    if len(raw) % 2 or raw.count(0) < max(1, UTF16_MIN_NULS * len(raw)):
        return None
    for order in ("utf-16-le", "utf-16-be"):
        text = raw.decode(order, "replace")
        if len(_CHINESE_TEXT.findall(text)) >= UTF16_MIN_CHINESE * len(text):
            return order
    return None


def _oddness(text: str, size: int) -> float:
    """How unlike text a reading is: its share of undecodable bytes plus charset-normalizer's mess ratio.

    The wrong double-byte reading of a Chinese report decodes nearly every byte into
    rare characters and odd scripts side by side: 0.83 or more for every seed and
    tests/corpus report, against 0.02 at most for the right one, which stays the lower
    with 1 % of the bytes randomised or deleted.
    """
    undecodable = len(_UNDECODABLE.findall(text))
    return undecodable / size + mess_ratio(_UNDECODABLE.sub("\ufffd", text), maximum_threshold=math.inf)
