"""Ingest: find the input files and decode their bytes into a Document.

The only stage besides ``write`` that touches files: ``find_inputs`` lists them,
the batch runner reads them, and ``decode`` is a pure function of the bytes.
"""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

from pipeline.document import Document
from pipeline.offsets import OffsetMap

INPUT_SUFFIXES = (".txt",)
# Tried in order after the byte-order marks; GB18030 is a superset of GBK and GB2312.
FALLBACK_ENCODINGS = ("utf-8", "gb18030", "big5")


class DecodeError(ValueError):
    """The bytes are not text in any encoding we read."""


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
    """Decode a file's bytes; raise DecodeError when they are not text."""
    sha256, doc_id = content_id(raw)
    text, encoding = decode_bytes(raw)
    return Document(
        doc_id=doc_id, source_name=name, source_path=path or name, sha256=sha256,
        encoding=encoding, raw_text=text, text=text, to_raw=OffsetMap.identity(len(text)),
    )


def from_text(text: str, name: str = "<text>") -> Document:
    """A Document for a string that was never a file (notebooks, tests)."""
    sha256, doc_id = content_id(text.encode("utf-8"))
    return Document(doc_id, name, name, sha256, "str", text, text, OffsetMap.identity(len(text)))


def decode_bytes(raw: bytes) -> tuple[str, str]:
    """The text and the name of the encoding it was read with."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            return raw.decode(encoding), encoding
    if b"\x00" in raw[:4096] and raw.count(b"\x00") > len(raw) // 8:
        raise DecodeError("binary content (many NUL bytes)")
    for encoding in FALLBACK_ENCODINGS:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise DecodeError("not UTF-8, GB18030 or Big5 text")
