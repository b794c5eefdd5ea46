"""Batch safety: a broken file gets an error row and the batch goes on; writes are atomic;
reruns process only new content and give the tables a full run would."""

import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline import batch, parts
from pipeline.__main__ import main
from pipeline.batch import fingerprint, run_batch
from pipeline.stages import write
from pipeline.stages.write import VERSIONS
from pipeline.tables import TABLES

from .conftest import SEEDS, read_tables

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def _run(inputs, out, rulebook, **options):
    return run_batch(inputs, out, rulebook, workers=1, progress=False, **options)


def _copy_seeds(folder, indexes):
    folder.mkdir(exist_ok=True)
    for index in indexes:
        shutil.copy(SEED_FILES[index], folder)


def test_batch_broken_file_becomes_an_error_row(tmp_path, rulebook):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_bytes((SEEDS / "002_b14d84011488becf.txt").read_bytes())
    (inputs / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (inputs / "empty.txt").write_bytes(b"")
    summary = _run([inputs], tmp_path / "out", rulebook)
    documents = pd.read_parquet(tmp_path / "out" / "documents").set_index("source_name")
    assert summary.documents == 3
    assert documents.loc["good.txt", "status"] == "ok"
    assert documents.loc["binary.txt", "status"] == "error"
    assert documents.loc["binary.txt", "error"] == "DecodeError: not UTF-8, UTF-16, GB18030 or Big5 text"
    assert documents.loc["empty.txt", "status"] == "ok"
    assert len(pd.read_parquet(tmp_path / "out" / "indicators")) > 0


def test_batch_rewrite_swaps_versions_and_keeps_one(tmp_path, rulebook):
    out = tmp_path / "out"
    _run([SEEDS / "002_b14d84011488becf.txt"], out, rulebook)
    first = (out / "indicators").resolve()
    stale = out / VERSIONS / "killed-run"
    stale.mkdir()
    _run([SEEDS], out, rulebook)
    assert (out / "indicators").resolve() != first
    assert {(out / table).resolve().parent for table in TABLES} == {(out / write.CURRENT).resolve()}
    assert len(list((out / VERSIONS).iterdir())) == 1
    assert len(pd.read_parquet(out / "documents")) == 5


def _dies_on_call(function, call):
    calls = []

    def dying(*args, **options):
        calls.append(args)
        if len(calls) == call:
            raise KeyboardInterrupt
        return function(*args, **options)

    return dying


@pytest.mark.parametrize(("module", "name", "call", "survivor"), [
    (pq.ParquetWriter, "write_table", 3, "previous"),  # dies writing the third table: nothing switched yet
    (write, "_drop_other_versions", 1, "new"),  # dies right after the one switch: every table is already new
], ids=["writing-tables", "after-the-switch"])
def test_batch_crash_while_writing_leaves_one_whole_version(
        tmp_path, rulebook, monkeypatch, module, name, call, survivor):
    inputs, out, clean = tmp_path / "in", tmp_path / "out", tmp_path / "clean"
    _copy_seeds(inputs, [2])
    _run([inputs], out, rulebook)
    previous = read_tables(out)
    _copy_seeds(inputs, [3])
    _run([inputs], clean, rulebook)
    monkeypatch.setattr(module, name, _dies_on_call(getattr(module, name), call))
    with pytest.raises(KeyboardInterrupt):
        _run([inputs], out, rulebook)
    monkeypatch.undo()
    assert read_tables(out) == (previous if survivor == "previous" else read_tables(clean))
    summary = _run([inputs], out, rulebook)  # completes the work and removes the dead run's files
    assert summary.carried_over == (1 if survivor == "previous" else 2)
    assert read_tables(out) == read_tables(clean)
    assert len(list((out / VERSIONS).iterdir())) == 1


def test_batch_rerun_processes_only_new_content_and_equals_a_full_run(tmp_path, rulebook):
    inputs, out = tmp_path / "in", tmp_path / "out"
    _copy_seeds(inputs, [0, 2, 4])
    assert _run([inputs], out, rulebook).processed == 3
    _copy_seeds(inputs, [1, 3])  # they sort between the files already done
    summary = _run([inputs], out, rulebook)
    assert (summary.documents, summary.processed, summary.carried_over) == (5, 2, 3)
    incremental = read_tables(out)
    _run([inputs], tmp_path / "fresh", rulebook)
    assert incremental == read_tables(tmp_path / "fresh")
    assert incremental["documents"]["source_name"].to_pylist() == [path.name for path in SEED_FILES]

    summary = _run([inputs], out, rulebook, full=True)
    assert (summary.processed, summary.carried_over) == (5, 0)
    assert read_tables(out) == incremental


def test_batch_identical_content_is_processed_once_under_every_name(tmp_path, rulebook):
    inputs, out = tmp_path / "in", tmp_path / "out"
    _copy_seeds(inputs, [0, 2])
    (inputs / "copies").mkdir()
    shutil.copy(SEED_FILES[0], inputs / "copies" / "again.txt")
    summary = _run([inputs], out, rulebook)
    assert (summary.files, summary.documents, summary.processed) == (3, 2, 2)
    documents = pd.read_parquet(out / "documents")
    assert documents["doc_id"].is_unique
    first = documents.iloc[0]
    assert first["source_path"] == str(inputs / SEED_FILES[0].name)
    assert list(first["source_paths"]) == [first["source_path"], str(inputs / "copies" / "again.txt")]
    assert list(documents.iloc[1]["source_paths"]) == [documents.iloc[1]["source_path"]]

    (inputs / SEED_FILES[0].name).unlink()  # the content stays, under its other name
    summary = _run([inputs], out, rulebook)
    assert (summary.files, summary.processed, summary.carried_over) == (2, 0, 2)
    renamed = pd.read_parquet(out / "documents").set_index("doc_id").loc[first["doc_id"]]
    assert (renamed["source_name"], list(renamed["source_paths"])) == ("again.txt", [renamed["source_path"]])


def test_batch_removed_file_leaves_every_table(tmp_path, rulebook):
    inputs, out = tmp_path / "in", tmp_path / "out"
    _copy_seeds(inputs, [1, 2, 3])
    _run([inputs], out, rulebook)
    removed = pd.read_parquet(out / "documents").iloc[1]["doc_id"]
    (inputs / SEED_FILES[2].name).unlink()
    summary = _run([inputs], out, rulebook)
    assert (summary.documents, summary.processed, summary.carried_over) == (2, 0, 2)
    for table in TABLES:
        doc_ids = set(pd.read_parquet(out / table)["doc_id"])
        assert removed not in doc_ids and len(doc_ids) == 2


def test_batch_error_rows_are_retried(tmp_path, rulebook):
    inputs, out = tmp_path / "in", tmp_path / "out"
    _copy_seeds(inputs, [2])
    (inputs / "binary.txt").write_bytes(b"\x00\x01" * 100)
    _run([inputs], out, rulebook)
    summary = _run([inputs], out, rulebook)
    assert (summary.processed, summary.carried_over, len(summary.errors)) == (1, 1, 1)


def test_batch_changed_fingerprint_reprocesses_everything(tmp_path, rulebook, monkeypatch):
    inputs, out = tmp_path / "in", tmp_path / "out"
    _copy_seeds(inputs, [2, 3])
    _run([inputs], out, rulebook)
    monkeypatch.setattr(batch, "fingerprint", lambda rules_dir: "other-rules")
    summary = _run([inputs], out, rulebook)
    assert (summary.processed, summary.carried_over) == (2, 0)


def test_batch_fingerprint_follows_the_bytes_of_every_rules_file(tmp_path, rulebook):
    rules = tmp_path / "rules"
    shutil.copytree(rulebook.rules_dir, rules)
    assert fingerprint(rules) == fingerprint(rulebook.rules_dir)
    with open(rules / "indicators.yaml", "a", encoding="utf-8") as handle:
        handle.write("# an edit\n")
    assert fingerprint(rules) != fingerprint(rulebook.rules_dir)


def test_batch_file_over_the_size_limit_gets_an_error_row_and_is_never_read(tmp_path, rulebook, monkeypatch):
    inputs, out = tmp_path / "in", tmp_path / "out"
    _copy_seeds(inputs, [2, 3])
    read, read_bytes = [], Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda path: read.append(path.name) or read_bytes(path))
    summary = _run([inputs], out, rulebook, max_bytes=10_000)
    assert SEED_FILES[2].name in read and SEED_FILES[3].name not in read
    documents = pd.read_parquet(out / "documents").set_index("source_name")
    big = documents.loc[SEED_FILES[3].name]
    assert big["status"] == "error"
    assert big["error"] == "file is 10,429 bytes, over the 10,000-byte limit (--max-bytes)"
    assert big["raw_text"] == "" and pd.isna(big["sha256"])
    assert documents.loc[SEED_FILES[2].name, "status"] == "ok"
    assert summary.errors == [(SEED_FILES[3].name, big["error"])]


def test_cli_run_and_eval_print_summaries(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(SEEDS), "--out", str(out), "--no-progress", "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert "5 documents, 0 errors" in printed
    assert "(5 processed, 0 carried over; 5 files)" in printed
    assert "indicators" in printed
    gold = SEEDS.parent / "tests" / "gold"
    assert main(["eval", "--gold", str(gold), "--out", str(out)]) == 0
    assert "furniture_removed" in capsys.readouterr().out
    assert main(["run", str(SEEDS), "--out", str(out), "--no-progress"]) == 0
    assert "(0 processed, 5 carried over; 5 files)" in capsys.readouterr().out


def test_cli_strict_exits_1_on_a_failed_file(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "binary.txt").write_bytes(b"\x00\x01" * 100)
    args = ["run", str(inputs), "--out", str(tmp_path / "out"), "--no-progress"]
    assert main(args) == 0
    assert main([*args, "--strict"]) == 1


def test_cli_max_bytes_sets_the_limit_and_rejects_nonsense(tmp_path, capsys):
    args = ["run", str(SEEDS / "002_b14d84011488becf.txt"), "--out", str(tmp_path / "out"), "--no-progress"]
    assert main([*args, "--max-bytes", "100", "--strict"]) == 1
    assert "over the 100-byte limit" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_:
        main([*args, "--max-bytes", "20MB"])
    assert exit_.value.code == 2
    assert "expected a positive whole number of bytes, got '20MB'" in capsys.readouterr().err


def test_cli_eval_without_tables_says_what_to_do(tmp_path, capsys):
    assert main(["eval", "--gold", str(SEEDS), "--out", str(tmp_path)]) == 2
    assert "run `python -m pipeline run` first" in capsys.readouterr().err


def test_batch_parts_follow_input_order_and_append_row_groups(tmp_path, rulebook, monkeypatch):
    inputs = tmp_path / "in"
    _copy_seeds(inputs, range(5))
    _run([inputs], tmp_path / "whole", rulebook)
    monkeypatch.setattr(write, "ROW_GROUP_ROWS", 50)  # a row group every few documents
    monkeypatch.setattr(parts, "PART_DOCUMENTS", 2)  # 3 parts of 2, 2 and 1 documents, over 2 workers
    monkeypatch.setattr(parts, "PARTS_PER_WORKER", 1)
    run_batch([inputs], tmp_path / "parts", rulebook, workers=2, progress=False)
    files = sorted((tmp_path / "parts" / "sentences").glob("part-*.parquet"))
    assert [file.name for file in files] == [f"part-00000{index}.parquet" for index in range(3)]
    assert pq.ParquetFile(files[0]).metadata.num_row_groups == 2
    assert read_tables(tmp_path / "parts") == read_tables(tmp_path / "whole")
