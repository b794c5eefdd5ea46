"""Shared fixtures: the project's rulebook and one pipeline run over the seeds."""

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.batch import run_batch
from pipeline.rulebook import Rulebook
from pipeline.tables import TABLES

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = Path(__file__).resolve().parent / "gold"
CORPUS = Path(__file__).resolve().parent / "corpus"
HELDOUT = Path(__file__).resolve().parent / "heldout"
HELDOUT2 = Path(__file__).resolve().parent / "heldout2"
HELDOUT3 = Path(__file__).resolve().parent / "heldout3"
REALTEXT = Path(__file__).resolve().parent / "realtext"
REALTEXT2 = Path(__file__).resolve().parent / "realtext2"
REALPAGES = Path(__file__).resolve().parent / "realpages"


def read_tables(out: Path) -> dict:
    """Every table under ``out`` as an Arrow table, to compare runs row for row."""
    return {table: pq.read_table(out / table) for table in TABLES}


def write_seed_copies(folder: Path, copies: int) -> Path:
    """``copies`` copies of every seed in ``folder``, each with distinct content (and sha256)."""
    for copy in range(copies):
        for seed in sorted(SEEDS.glob("*.txt")):
            text = seed.read_text(encoding="utf-8") + f"\n{copy}\n"
            (folder / f"{copy}_{seed.name}").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    return Rulebook().warm_up()


@pytest.fixture(scope="session")
def seeds_out(tmp_path_factory, rulebook) -> Path:
    out = tmp_path_factory.mktemp("seeds") / "out"
    run_batch([SEEDS], out, rulebook, workers=2, progress=False)
    return out
