"""The Dask engine writes the local engine's tables, row for row, on a LocalCluster and on a real
scheduler with two worker processes; a killed worker still gives whole tables; a lost scheduler
fails the run with one clear line and leaves the previous tables as they were."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.batch import run_batch
from pipeline.stages.write import VERSIONS

from .conftest import ROOT, read_tables, write_seed_copies

distributed = pytest.importorskip("distributed")

COPIES = 8  # 40 reports: long enough to kill something mid-run


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return write_seed_copies(tmp_path_factory.mktemp("reports"), COPIES)


@pytest.fixture(scope="module")
def local_tables(reports, tmp_path_factory, rulebook):
    out = tmp_path_factory.mktemp("local") / "out"
    run_batch([reports], out, rulebook, workers=2, progress=False)
    return read_tables(out)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def cluster():
    """A `dask scheduler` and two `dask worker` processes (no nanny, so a kill is final) on 127.0.0.1."""
    bin_dir = Path(sys.executable).parent
    address = f"tcp://127.0.0.1:{_free_port()}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # workers import this checkout, as the client does
    quiet = dict(cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    scheduler = subprocess.Popen([bin_dir / "dask", "scheduler", "--host", "127.0.0.1",
                                  "--port", address.rsplit(":", 1)[1], "--no-dashboard"], **quiet)
    workers = [subprocess.Popen([bin_dir / "dask", "worker", address, "--nthreads", "1", "--no-nanny",
                                 "--no-dashboard", "--host", "127.0.0.1"], **quiet) for _ in range(2)]
    try:
        with distributed.Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
        yield address, scheduler, workers
    finally:
        for process in [*workers, scheduler]:
            process.kill()
            process.wait(timeout=30)


def _wait_for_a_part(out, known):
    """Block until the new version holds its first finished part: the run is under way."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for version in (out / VERSIONS).glob("*"):
            if version.name not in known and any((version / "documents").glob("part-*.parquet")):
                return
        time.sleep(0.01)
    raise AssertionError("no part was written")


def test_dask_local_cluster_writes_the_local_tables_and_carries_over(reports, local_tables, tmp_path, rulebook):
    out = tmp_path / "out"
    first_half = sorted(reports.glob("*.txt"))[:20]
    run_batch(first_half, out, rulebook, workers=2, progress=False, engine="dask")
    summary = run_batch([reports], out, rulebook, workers=2, progress=False, engine="dask")
    assert (summary.documents, summary.carried_over) == (40, 20)
    assert read_tables(out) == local_tables


def test_dask_scheduler_and_workers_write_the_local_tables(reports, local_tables, tmp_path, rulebook, cluster):
    address, _, _ = cluster
    summary = run_batch([reports], tmp_path / "out", rulebook, progress=False, engine="dask", scheduler=address)
    assert (summary.documents, summary.errors) == (40, [])
    assert read_tables(tmp_path / "out") == local_tables


def test_dask_killed_worker_still_gives_whole_tables(reports, local_tables, tmp_path, cluster):
    address, _, workers = cluster
    out = tmp_path / "out"
    run = subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(reports), "--out", str(out),
                            "--engine", "dask", "--scheduler", address, "--no-progress"],
                           cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _wait_for_a_part(out, set())
    workers[0].send_signal(signal.SIGKILL)
    assert run.wait(timeout=180) == 0, run.stderr.read().decode()
    run.stderr.close()
    assert read_tables(out) == local_tables


def test_dask_lost_scheduler_fails_clearly_and_keeps_the_previous_tables(reports, tmp_path, rulebook, cluster):
    address, scheduler, _ = cluster
    out = tmp_path / "out"
    run_batch(sorted(reports.glob("*.txt"))[:3], out, rulebook, workers=1, progress=False)
    previous = read_tables(out)
    known = {version.name for version in (out / VERSIONS).iterdir()}
    run = subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(reports), "--out", str(out),
                            "--engine", "dask", "--scheduler", address, "--no-progress"],
                           cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _wait_for_a_part(out, known)
    scheduler.send_signal(signal.SIGKILL)
    assert run.wait(timeout=120) == 1
    errors = run.stderr.read().splitlines()
    run.stderr.close()
    assert errors[-1].startswith(f"error: lost the Dask cluster at {address} before every part was written")
    assert read_tables(out) == previous
    assert {version.name for version in (out / VERSIONS).iterdir()} == known
