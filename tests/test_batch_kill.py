"""A run killed with SIGKILL, while processing or while writing, leaves the previous tables
readable and whole, and the next run completes the work: its tables equal a clean run's."""

import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from pipeline.batch import run_batch
from pipeline.stages.write import VERSIONS

from .conftest import read_tables, write_seed_copies

COPIES = 4  # 20 reports: a run in a fresh interpreter takes a few seconds


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return write_seed_copies(tmp_path_factory.mktemp("reports"), COPIES)


@pytest.fixture(scope="module")
def clean_tables(reports, tmp_path_factory, rulebook):
    out = tmp_path_factory.mktemp("clean") / "out"
    run_batch([reports], out, rulebook, workers=2, progress=False)
    return read_tables(out)


def _new_version(out, known):
    return any(version.name not in known for version in (out / VERSIONS).iterdir())


@pytest.mark.parametrize("kill_while", ["processing", "writing"])
def test_batch_killed_run_keeps_previous_tables_and_rerun_completes(
        reports, clean_tables, tmp_path, rulebook, kill_while):
    out = tmp_path / "out"
    first_five = sorted(reports.glob("*.txt"))[:5]
    run_batch(first_five, out, rulebook, workers=1, progress=False)
    previous = read_tables(out)
    known = {version.name for version in (out / VERSIONS).iterdir()}

    run = subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(reports), "--out", str(out),
                            "--workers", "1", "--no-progress"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if kill_while == "processing":
        time.sleep(2.0)  # usually past start-up and well before 15 reports are done; any moment is fair
    else:
        while run.poll() is None and not _new_version(out, known):
            time.sleep(0.001)
    run.send_signal(signal.SIGKILL)
    assert run.wait(timeout=60) in (0, -signal.SIGKILL), run.stderr.read().decode()
    run.stderr.close()

    # whenever the kill landed, every table is the previous run's or every table the new one's
    assert read_tables(out) in (previous, clean_tables)
    assert len(pd.read_parquet(out / "documents")) in (5, 20)
    summary = run_batch([reports], out, rulebook, workers=1, progress=False)
    assert summary.carried_over >= 5
    assert read_tables(out) == clean_tables
    assert len(list((out / VERSIONS).iterdir())) == 1
