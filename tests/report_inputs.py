"""Tables to build reports from in tests: a hostile batch, and a synthetic batch of many rows."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from pipeline.batch import run_batch
from pipeline.stages.write import PartWriter, finish_version, part_name, start_version
from pipeline.tables import TABLES

FLAG = "window.__pwned = true"  # every hostile payload sets it; a report must never let one run
HOSTILE_TITLE = f'<script>{FLAG}</script>调查报告<img src=x onerror="{FLAG}">'
HOSTILE_LINES = [
    f"全县共发放贷款2296万元</script><script>{FLAG}</script>，受益农民达25万多户。",
    f'点击<a href="javascript:{FLAG}">链接</a>查看，投入资金300万元<img src=x onerror={FLAG}>。',
    "共有1200名党员参加“先锋工程”活动，其中一是组织学习，二是开展服务。",
    "长" * 100_000 + "共计50个项目。",
]


def write_hostile_out(folder: Path, rulebook) -> Path:
    """Run the pipeline over a hostile report, then give the document a hostile title, source and subjects.

    The title rules never read markup as a title, and normalising turns U+2028 into a line
    break, so those reach the tables only by this edit; they stand for what other rules might let through.
    """
    inputs = folder / "in"
    inputs.mkdir(parents=True)
    (inputs / "hostile.txt").write_text("\n".join([HOSTILE_TITLE, *HOSTILE_LINES]), encoding="utf-8")
    run_out = folder / "run"
    run_batch([inputs], run_out, rulebook, workers=1, progress=False)
    rows = {table: pq.read_table(run_out / table).to_pylist() for table in TABLES}
    rows["documents"][0].update(title=HOSTILE_TITLE, source=f"javascript:{FLAG}\u2028</script>",
                                author=f'"><svg onload="{FLAG}">')
    for row in rows["indicators"]:
        row["subject"] = f"</script><script>{FLAG}</script>\u2028\u2029{row['subject']}"
    out = folder / "out"
    _write(rows, out)
    return out


def write_many_rows_out(out: Path, documents: int, rows_per_document: int) -> int:
    """A batch of synthetic documents, each a run of short sentences that each hold one indicator."""
    sentence = "共发放贷款{}万元。"
    tables: dict[str, list[dict]] = {table: [] for table in TABLES}
    kinds = [("money", "元"), ("count", "户"), ("percent", "%")]
    for d in range(documents):
        doc_id = f"{d:016x}"
        pieces, position = [], 0
        for i in range(rows_per_document):
            text = sentence.format(i + 1)
            number = str(i + 1)
            start = position + 5
            kind, unit = kinds[i % 3]
            tables["indicators"].append({
                "doc_id": doc_id, "indicator_id": f"{doc_id}-i{i + 1}", "kind": kind, "value": float(i + 1),
                "unit": unit, "qualifier": None, "subject": f"主体{i % 50}", "text": f"{number}万元",
                "sentence": text, "start": start, "end": start + len(number) + 2, "raw_start": start,
                "raw_end": start + len(number) + 2, "measure_id": None, "program": None,
                "rule": "indicators.money", "value_high": None, "sentence_id": i,
            })
            tables["sentences"].append({"doc_id": doc_id, "sentence_id": i, "start": position,
                                        "end": position + len(text), "text": text, "tokens": [],
                                        "paragraph": 0, "raw_start": position, "raw_end": position + len(text)})
            pieces.append(text)
            position += len(text)
        text = "".join(pieces)
        tables["documents"].append({
            "doc_id": doc_id, "source_name": f"{doc_id}.txt", "source_path": f"{doc_id}.txt", "sha256": doc_id,
            "encoding": "utf-8", "script": "simplified", "title": f"报告{d}", "date": "2020-01-01",
            "source": None, "author": None, "raw_text": text, "text": text, "n_repairs": 0, "status": "ok",
            "error": None, "furniture": [], "repairs": [], "source_paths": [f"{doc_id}.txt"], "undecodable": 0,
        })
    _write(tables, out)
    return documents * rows_per_document


def _write(rows: dict[str, list[dict]], out: Path) -> None:
    """Write ``rows`` as OUT's tables, one part, the way a run switches a version in."""
    version = start_version(out)
    with PartWriter(version, part_name(0)) as writer:
        writer.add(rows)
    finish_version(out, version, [part_name(0)], {})
