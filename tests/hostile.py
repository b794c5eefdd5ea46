"""A corpus of hostile input files, generated on demand (multi-megabyte files stay out of git).

``write_hostile_corpus(folder)`` writes one file per case below and returns their paths.
tests/test_hostile.py runs the batch over them; bench/bench_hostile.py times each one.
"""

from __future__ import annotations

import random
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SIMPLIFIED = (SEEDS / "002_b14d84011488becf.txt").read_text(encoding="utf-8")
TRADITIONAL = (SEEDS / "003_d7efb97d53a1ff80.txt").read_text(encoding="utf-8")
CHINESE_DIGITS = "一二三四五六七八九十"
RARE_HAN = "鶎鹚鸊鷉龘齉"  # with ASCII letters after them they look like GBK runs shifted by a lost byte


def _chinese_ordinal(number: int) -> str:
    """1..99 in Chinese numerals (十一, 二十, 九十九), as list markers write them."""
    tens, units = divmod(number, 10)
    head = "" if tens == 0 else "十" if tens == 1 else CHINESE_DIGITS[tens - 1] + "十"
    return head + (CHINESE_DIGITS[units - 1] if units else "")


def _markers(count: int, shape) -> str:
    return "".join(shape(index % 99 + 1) for index in range(count))


def _html_page() -> str:
    body = "</p><p>".join(SIMPLIFIED.splitlines())
    return (
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>汇川区三项重点工程</title>"
        "<script>var s = \"共投入2296万元\"; for (var i = 0; i < 10; i++) { document.write('“工程”'); }"
        "</script><style>p { margin: 0 }</style></head>"
        f"<body><p>{body}</p><script src=\"x.js\"></script></body></html>"
    )


FURNITURE_ONLY = "\n".join([
    "您当前的位置 :绥化新闻网 > 时政新闻 正文",
    "【字体：大 中 小】【打印本页】【关闭窗口】",
    "首页 | 党建要闻 | 基层党建 | 案例展示 | 党员教育 | 联系我们",
    "发布时间：2019-03-12 09:20:11",
    "Copyright©2006-2019中国甘肃在线(甘肃地方门户网). All Rights Reserved",
    "鲁ICP备05002386号",
])

SENTENCE = "全县共投入资金2296万元，建成服务站点123个，受益群众达1.8万余人，脱贫率达99.7%，"


def hostile_files() -> dict[str, bytes]:
    """File name → bytes of every hostile case (the ``good_`` ones must process normally)."""
    rng = random.Random(5)
    seed_bytes = SIMPLIFIED.encode("utf-8")
    middle = len(SIMPLIFIED[: len(SIMPLIFIED) // 2].encode("utf-8"))  # a character boundary
    return {
        "good_utf8.txt": seed_bytes,
        "good_gb18030.txt": SIMPLIFIED.encode("gb18030"),
        "good_utf16_bom.txt": SIMPLIFIED.encode("utf-16"),
        "good_utf16be_no_bom.txt": SIMPLIFIED.encode("utf-16-be"),
        "big5.txt": TRADITIONAL.replace("©", "(c)").encode("big5"),
        "binary.txt": rng.randbytes(64_000),
        "empty.txt": b"",
        "whitespace_only.txt": " \n\t\r\n\u3000\u3000 \n\n".encode() * 100,
        "nul_inside.txt": seed_bytes[:middle] + b"\x00" * 3 + seed_bytes[middle:],
        "broken_utf8_mid_file.txt": seed_bytes[:middle] + b"\xe5\x85" + seed_bytes[middle:],
        "html_with_script.txt": _html_page().encode("utf-8"),
        "furniture_only.txt": FURNITURE_ONLY.encode("utf-8"),
        "quotes_paired.txt": ("“”" * 25_000).encode(),
        "quotes_unclosed.txt": ("“" * 50_000).encode(),
        "quotes_short.txt": ("“a”“b”" * 10_000 + "工程").encode(),
        "markers_yi_shi.txt": _markers(20_000, lambda n: f"{_chinese_ordinal(n)}是").encode(),
        "markers_paren.txt": _markers(20_000, lambda n: f"（{_chinese_ordinal(n)}）").encode(),
        "markers_arabic.txt": _markers(20_000, lambda n: f"{n}、").encode(),
        "markers_lines.txt": _markers(10_000, lambda n: f"{_chinese_ordinal(n)}、加强组织领导\n").encode(),
        "headings_yi_10k.txt": "一、实施“党建先锋工程”，投入资金20万元\n".encode() * 10_000,
        "number_200k_digits.txt": ("共投入" + "9" * 200_000 + "万元，覆盖农户").encode(),
        "line_2mb.txt": (SENTENCE * (2_000_000 // len(SENTENCE.encode()))).encode(),
        "numeral_10k_chars.txt": ("共投入" + "一二三四五六七八九十百千万亿" * 715 + "元").encode(),
        "cheng_5000.txt": ("增长" + "三成" * 5_000 + "，" + "成" * 5_000).encode(),
        "ranges_nested.txt": ("大于" + "1至2与3之间小于" * 3_000 + "4以上，5以下" * 2_000).encode(),
        "currencies_repeated.txt": ("US$" * 20_000 + "新台币19.5元港币" * 5_000).encode(),
        "first_secretary_repeated.txt": ("第一书记" * 50_000).encode(),
        "lost_lead_bytes_repeated.txt": ("聯系制?h委常委，" * 20_000).encode(),
        "shifted_runs_repeated.txt": ("落實例會制，確;鶎永щy和問題的研究解決有保障。" * 10_000).encode(),
        "rare_han_and_letters.txt": "".join(rng.choice(RARE_HAN) + rng.choice("hjkqy") for _ in range(20_000)).encode(),
    }


def write_hostile_corpus(folder: Path) -> list[Path]:
    """Write every hostile case into ``folder``; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in hostile_files().items():
        path = folder / name
        path.write_bytes(content)
        paths.append(path)
    return paths
