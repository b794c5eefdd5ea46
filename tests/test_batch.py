"""Batch safety: a broken file gets an error row and the batch goes on; writes are atomic."""

import pandas as pd

from pipeline.__main__ import main
from pipeline.batch import run_batch
from pipeline.stages import write
from pipeline.stages.write import VERSIONS
from pipeline.tables import TABLES

from .conftest import SEEDS


def test_batch_broken_file_becomes_an_error_row(tmp_path, rulebook):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_bytes((SEEDS / "002_b14d84011488becf.txt").read_bytes())
    (inputs / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (inputs / "empty.txt").write_bytes(b"")
    summary = run_batch([inputs], tmp_path / "out", rulebook, workers=1, progress=False)
    documents = pd.read_parquet(tmp_path / "out" / "documents").set_index("source_name")
    assert summary.documents == 3
    assert documents.loc["good.txt", "status"] == "ok"
    assert documents.loc["binary.txt", "status"] == "error"
    assert documents.loc["binary.txt", "error"] == "DecodeError: not UTF-8, GB18030 or Big5 text"
    assert documents.loc["empty.txt", "status"] == "ok"
    assert len(pd.read_parquet(tmp_path / "out" / "indicators")) > 0


def test_batch_rewrite_swaps_versions_and_keeps_one(tmp_path, rulebook):
    out = tmp_path / "out"
    run_batch([SEEDS / "002_b14d84011488becf.txt"], out, rulebook, workers=1, progress=False)
    first = (out / "indicators").resolve()
    stale = out / VERSIONS / "killed-run"
    stale.mkdir()
    run_batch([SEEDS], out, rulebook, workers=1, progress=False)
    assert (out / "indicators").resolve() != first
    assert {(out / table).resolve().parent for table in TABLES} == {(out / write.CURRENT).resolve()}
    assert len(list((out / VERSIONS).iterdir())) == 1
    assert len(pd.read_parquet(out / "documents")) == 5


def test_cli_run_and_eval_print_summaries(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(SEEDS), "--out", str(out), "--no-progress", "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert "5 documents, 0 errors" in printed
    assert "indicators" in printed
    gold = SEEDS.parent / "tests" / "gold"
    assert main(["eval", "--gold", str(gold), "--out", str(out)]) == 0
    assert "furniture_removed" in capsys.readouterr().out


def test_cli_strict_exits_1_on_a_failed_file(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "binary.txt").write_bytes(b"\x00\x01" * 100)
    args = ["run", str(inputs), "--out", str(tmp_path / "out"), "--no-progress"]
    assert main(args) == 0
    assert main([*args, "--strict"]) == 1


def test_cli_eval_without_tables_says_what_to_do(tmp_path, capsys):
    assert main(["eval", "--gold", str(SEEDS), "--out", str(tmp_path)]) == 2
    assert "run `python -m pipeline run` first" in capsys.readouterr().err
