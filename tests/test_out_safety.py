"""One run at a time per OUT, and a full disk or an unwritable OUT loses nothing: the run stops with
one line naming the path and the reason, the previous tables read the same, no partial version stays."""

import errno
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.__main__ import main
from pipeline.lock import LOCK
from pipeline.stages.write import CURRENT, MANIFEST, VERSIONS

from .conftest import ROOT, SEEDS, read_tables

SEED_FILES = sorted(SEEDS.glob("*.txt"))


@pytest.fixture(autouse=True)
def warm_rulebook(monkeypatch, rulebook):
    """Runs through the CLI here use the session's loaded rulebook, so each takes a fraction of a second."""
    monkeypatch.setattr("pipeline.__main__.Rulebook", lambda rules_dir: rulebook)


def _versions(out):
    return {version.name for version in (out / VERSIONS).iterdir()}


def _run(inputs, out, *options):
    return main(["run", *map(str, inputs), "--out", str(out), "--no-progress", "--workers", "1", *options])


def test_lock_second_run_is_refused_while_the_first_finishes(tmp_path, capsys):
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    for copy in range(4):  # 20 reports: the first run takes a few seconds
        for seed in SEED_FILES:
            (inputs / f"{copy}_{seed.name}").write_text(seed.read_text(encoding="utf-8") + f"\n{copy}\n",
                                                        encoding="utf-8")
    first = subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(inputs), "--out", str(out),
                              "--workers", "1", "--no-progress"], cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while f'"pid": {first.pid}' not in ((out / LOCK).read_text() if (out / LOCK).exists() else ""):
        assert time.monotonic() < deadline and first.poll() is None, "the first run never took the lock"
        time.sleep(0.01)
    assert _run([inputs], out) == 1
    assert f"is being written by another run (pid {first.pid} on host" in capsys.readouterr().err
    assert first.wait(timeout=120) == 0, first.stderr.read()
    first.stderr.close()
    assert len(pq.read_table(out / "documents")) == 20
    assert (out / LOCK).read_text() == ""


def test_lock_left_by_a_killed_run_is_taken_over(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    (out / LOCK).write_text(json.dumps({"pid": dead.pid, "host": "here", "started": "earlier"}))
    assert _run([SEED_FILES[2]], out) == 0
    assert f"note: taking over the lock of a run that did not finish (pid {dead.pid}" in capsys.readouterr().err
    assert len(pq.read_table(out / "documents")) == 1


def _failing(function, when, error):
    def failing(*args, **options):
        if when(*args):
            raise error
        return function(*args, **options)
    return failing


STEPS = {  # where the write fails: (object, attribute, which calls fail)
    "version-folder": (Path, "mkdir", lambda path, *_: VERSIONS in path.parts),
    "part-rows": (pq.ParquetWriter, "write_table", lambda *_: True),
    "part-rename": (os, "replace", lambda source, *_: str(source).endswith(".tmp")),
    "manifest": (Path, "write_text", lambda path, *_: path.name == MANIFEST),
    "fsync": (os, "fsync", lambda *_: True),
    "switch": (os, "replace", lambda source, target, *_: Path(target).name == CURRENT),
}


@pytest.mark.parametrize("error", [OSError(errno.ENOSPC, "No space left on device"),
                                   PermissionError(errno.EACCES, "Permission denied")], ids=["full", "denied"])
@pytest.mark.parametrize("step", STEPS)
def test_write_failure_keeps_the_previous_tables_and_leaves_no_version(tmp_path, capsys, monkeypatch, step, error):
    out = tmp_path / "out"
    assert _run([SEED_FILES[2]], out) == 0
    previous, known = read_tables(out), _versions(out)
    capsys.readouterr()
    owner, name, when = STEPS[step]
    with monkeypatch.context() as patch:
        patch.setattr(owner, name, _failing(getattr(owner, name), when, error))
        assert _run([SEED_FILES[2], SEED_FILES[3]], out) == 1
    printed = capsys.readouterr().err.strip().splitlines()
    assert printed[-1].startswith(f"error: cannot write {out}")
    assert printed[-1].endswith(f"{os.strerror(error.errno).lower()} (errno {error.errno})")
    assert "Traceback" not in "\n".join(printed)
    assert read_tables(out) == previous
    assert _versions(out) == known
    assert _run([SEED_FILES[2], SEED_FILES[3]], out) == 0  # and the next run goes through


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MiB tmpfs, unmounted afterwards; skipped where mounting is not permitted."""
    folder = tmp_path / "disk"
    folder.mkdir()
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
                           capture_output=True, text=True)
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mount.stderr.strip() or mount.returncode}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_full_and_read_only_disk_keep_the_previous_tables(tmp_path, small_disk, capsys):
    out = small_disk / "out"
    assert _run([SEED_FILES[2]], out) == 0
    previous, known = read_tables(out), _versions(out)
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED_FILES[2], inputs)
    draw = random.Random(0)
    for index in range(12):  # text that does not compress: 12 × 30,000 characters, stored several times over
        noise = "".join(chr(draw.randint(0x4E00, 0x9FA5)) for _ in range(30_000))
        (inputs / f"noise{index:02d}.txt").write_text(noise, encoding="utf-8")
    capsys.readouterr()
    assert _run([inputs], out) == 1
    assert capsys.readouterr().err.strip().splitlines()[-1].endswith("no space left on device (errno 28)")
    assert read_tables(out) == previous
    assert _versions(out) == known

    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    assert _run([inputs], out) == 1
    assert capsys.readouterr().err.strip() == f"error: cannot write {out / LOCK}: read-only file system (errno 30)"
    assert read_tables(out) == previous
