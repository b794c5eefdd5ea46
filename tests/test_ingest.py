"""Decoding messy bytes: BOMs, UTF-8, GB18030 and Big5 told apart, broken bytes counted, binaries refused."""

import codecs
import random
import zlib

import pytest

from pipeline.process import process
from pipeline.stages.ingest import DecodeError, decode, decode_bytes, find_inputs
from pipeline.stages.normalise import normalise

from .conftest import CORPUS, SEEDS

REPORTS = sorted(SEEDS.glob("*.txt")) + sorted(CORPUS.glob("*.txt"))
IDENTITY = {"doc_id", "source_name", "source_path", "source_paths", "sha256", "encoding"}


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


COPIES = [(path, encoding) for path in REPORTS for encoding in ("gb18030", "utf-16-le", "utf-16-be")] + [
    (path, "big5") for path in REPORTS if _encodes(path.read_text(encoding="utf-8"), "big5")]


def _name(value):
    return value.stem[:3] if hasattr(value, "stem") else value


def test_copies_cover_both_double_byte_encodings():
    assert {path.name[:3] for path, encoding in COPIES if encoding == "big5"} >= {"t01", "t04"}


@pytest.mark.parametrize(("path", "encoding"), COPIES, ids=_name)
def test_decode_tells_the_encodings_apart(path, encoding):
    text = path.read_text(encoding="utf-8")
    assert decode_bytes(text.encode(encoding)) == (text, encoding, 0)


@pytest.mark.parametrize(("text", "encoding"), [
    ("共发放贷款2296万元", "gb18030"), ("共發放貸款2296萬元", "big5"), ("县委", "gb18030"), ("縣委", "big5"),
])
def test_decode_tells_short_lines_apart(text, encoding):
    assert decode_bytes(text.encode(encoding)).encoding == encoding


@pytest.mark.parametrize(("raw", "encoding"), [
    (codecs.BOM_UTF8 + "縣委，书记 ok".encode(), "utf-8-sig"),
    ("縣委，书记 ok".encode("utf-16"), "utf-16"),
    (codecs.BOM_UTF16_BE + "縣委，书记 ok".encode("utf-16-be"), "utf-16"),
    ("縣委，书记 ok".encode(), "utf-8"),
])
def test_decode_reads_byte_order_marks_and_utf8(raw, encoding):
    assert decode_bytes(raw) == ("縣委，书记 ok", encoding, 0)


@pytest.mark.parametrize(("path", "encoding"), COPIES, ids=_name)
def test_copies_in_other_encodings_give_the_rows_of_the_utf8_original(path, encoding, rulebook):
    raw = path.read_bytes()
    original = process(raw, path.name, rulebook).rows
    copy = process(raw.decode("utf-8").encode(encoding), f"copy-{path.name}", rulebook).rows
    assert copy["documents"][0]["encoding"] == encoding
    for table, rows in original.items():
        assert _without_identity(copy[table]) == _without_identity(rows), table


def _without_identity(rows: list[dict]) -> list[dict]:
    """The rows without identity columns, their ids (``<doc_id>-i3``) made independent of the doc_id."""
    return [
        {column: value.removeprefix(row["doc_id"]) if isinstance(value, str) else value
         for column, value in row.items() if column not in IDENTITY}
        for row in rows
    ]


def test_big5_copy_counts_the_characters_big5_cannot_hold():
    text = (CORPUS / "t03_jiangzhou_wangge_dangjian.txt").read_text(encoding="utf-8")
    raw = b"".join(c.encode("big5") if _encodes(c, "big5") else b"\xff" for c in text)  # an invalid byte for each
    lost = sum(not _encodes(c, "big5") for c in text)
    assert lost > 0
    assert decode_bytes(raw) == ("".join(c if _encodes(c, "big5") else "\ufffd" for c in text), "big5", lost)


def test_broken_utf8_mid_file_is_replaced_counted_and_processed(rulebook):
    raw = (SEEDS / "002_b14d84011488becf.txt").read_bytes()
    cut = raw.index("。".encode(), len(raw) // 2)
    stray = raw.index(b"\n", cut)
    broken = raw[:cut] + raw[cut + 1:stray] + b"\xff" + raw[stray:]  # a character cut short, a stray byte
    rows = process(broken, "broken.txt", rulebook).rows
    document = rows["documents"][0]
    assert (document["encoding"], document["undecodable"]) == ("utf-8", 3)
    assert document["raw_text"].count("\ufffd") == 3
    whole = process(raw, "whole.txt", rulebook).rows
    assert _readings(rows["indicators"]) == _readings(whole["indicators"])  # the damage touches no indicator


def _readings(indicators: list[dict]) -> list[tuple]:
    return [(row["text"], row["value"], row["unit"], row["subject"]) for row in indicators]


@pytest.mark.parametrize(("name", "encoding"), [("s01_tongxi_red_steward.txt", "gb18030"),
                                                ("t01_tongshan_hongse_yinqing.txt", "big5")])
def test_double_byte_file_with_broken_bytes_keeps_its_encoding(name, encoding):
    raw = (CORPUS / name).read_text(encoding="utf-8").encode(encoding)
    middle = raw.index(b"\n", len(raw) // 2)
    decoded = decode_bytes(raw[:middle] + b"\xff\x80" + raw[middle:] + b"\xb0")  # two stray bytes, a lone lead byte
    assert (decoded.encoding, decoded.undecodable) == (encoding, 3)


@pytest.mark.parametrize("raw", [
    bytes(range(256)) * 64,
    random.Random(5).randbytes(20000),
    zlib.compress((SEEDS / "000_b8d73b17d544e804.txt").read_bytes()),
    b"\x00\x01" * 100,  # NULs as UTF-16 has them, but neither byte order reads as text
], ids=["all-bytes", "random", "compressed", "controls"])
def test_binary_content_is_a_decode_error(raw):
    with pytest.raises(DecodeError, match=r"^not UTF-8, UTF-16, GB18030 or Big5 text$"):
        decode_bytes(raw)


def test_decoded_controls_line_ends_and_full_width_are_tidied(rulebook):
    raw = "共发放\x00贷款\x07２２９６萬元\r受益\r\n农民ＡＢ达25万户".encode("gb18030")
    doc = normalise(decode(raw, "messy.txt"), rulebook)
    assert doc.text == "共发放贷款2296万元\n受益\n农民AB达25万户"


def test_find_inputs_takes_text_and_html_files(tmp_path):
    for name in ("a.txt", "b.html", "c.HTM", "d.css", "e.json"):
        (tmp_path / name).write_text("x")
    assert [path.name for path in find_inputs([tmp_path])] == ["a.txt", "b.html", "c.HTM"]
