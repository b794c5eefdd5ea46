"""Command line: ``python -m pipeline run``, ``eval``, ``report`` and ``furniture --suggest``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.batch import DEFAULT_MAX_BYTES, run_batch
from pipeline.engines import ENGINES, EngineError
from pipeline.lock import OutLocked
from pipeline.rulebook import Rulebook, RuleError
from pipeline.stages.write import WriteError

DEFAULT_INPUT = Path("seeds")
DEFAULT_OUT = Path("out")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Turn scraped Chinese reports into Parquet tables of indicators, "
                    "programs and numbered measures.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser(
        "run", help="process reports and write the tables",
        description="Process every *.txt, *.html and *.htm file under INPUT (files or folders) and write the "
                    "documents, indicators, programs, measures and sentences tables as Parquet "
                    "datasets under OUT.")
    run.add_argument("inputs", nargs="*", type=Path, metavar="INPUT",
                     help=f"report files or folders (default: {DEFAULT_INPUT}/)")
    run.add_argument("--out", type=Path, default=DEFAULT_OUT,
                     help=f"output folder (default: {DEFAULT_OUT}/)")
    run.add_argument("--rules", type=Path, default=None,
                     help="rules folder (default: rules/ of this project)")
    run.add_argument("--workers", type=int, default=None,
                     help="worker processes (default: one per CPU core)")
    run.add_argument("--no-progress", action="store_true", help="do not draw a progress bar")
    run.add_argument("--strict", action="store_true",
                     help="exit with status 1 when any file could not be processed")
    run.add_argument("--full", action="store_true",
                     help="process every file again; by default documents already in OUT, made with "
                          "the same rules, are carried over and only new content is processed")
    run.add_argument("--max-bytes", type=_byte_count, default=DEFAULT_MAX_BYTES, metavar="N",
                     help=f"larger files get an error row and are not read (default: {DEFAULT_MAX_BYTES:,})")
    run.add_argument("--engine", choices=ENGINES, default="local",
                     help="local: worker processes on this machine (default); dask: a Dask cluster "
                          "(pip install 'cn-report-pipeline[dask]')")
    run.add_argument("--scheduler", metavar="ADDRESS",
                     help="with --engine dask, join this scheduler (tcp://host:8786) instead of starting a local "
                          "cluster of --workers processes; every worker must reach INPUT, OUT and the rules by "
                          "the same paths")

    score = commands.add_parser(
        "eval", help="score the tables against answer files",
        description="Print precision, recall and F1 per table, and the accuracy of subjects, "
                    "qualifiers, measure parents and metadata, against answer files in the "
                    "gold/ format (see GOLD.md).")
    score.add_argument("--gold", type=Path, required=True, help="folder of answer files (*.json)")
    score.add_argument("--out", type=Path, default=DEFAULT_OUT,
                       help=f"folder the tables were written to (default: {DEFAULT_OUT}/)")
    score.add_argument("--details", action="store_true",
                       help="also list every miss, false hit and wrong subject")

    report = commands.add_parser(
        "report", help="write an HTML report of the tables to open in a browser",
        description="Write a self-contained HTML report of the tables under OUT: the batch at a glance, "
                    "a sortable, filterable indicator table and each document's text with its rows "
                    "highlighted. Needs the `report` extra: pip install '.[report]'.")
    report.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"folder the tables were written to (default: {DEFAULT_OUT}/)")
    report.add_argument("--html", type=Path, default=None, metavar="PATH",
                        help="where to write the report (default: OUT/report.html)")

    furniture = commands.add_parser(
        "furniture", help="propose furniture rules from lines a batch repeats",
        description="Print, as a YAML snippet for rules/boilerplate.yaml, the lines that recur verbatim "
                    "in many documents of a batch (and that the current rules keep), with counts and "
                    "example documents. Nothing is applied: review the snippet, then edit the rules.")
    furniture.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="report files or folders")
    furniture.add_argument("--suggest", action="store_true", required=True,
                           help="print the proposed rules (the only action so far)")
    furniture.add_argument("--min-documents", type=int, default=3, metavar="N",
                           help="a line must recur in at least N documents (default: 3)")
    furniture.add_argument("--min-share", type=float, default=0.2, metavar="S",
                           help="and in at least this share of the batch (default: 0.2)")
    furniture.add_argument("--rules", type=Path, default=None,
                           help="rules folder whose furniture is already known (default: rules/)")


    args = parser.parse_args(argv)
    if args.command == "run" and args.scheduler and args.engine != "dask":
        parser.error("--scheduler needs --engine dask")
    command = {"run": _run, "eval": _eval, "report": _report, "furniture": _furniture}[args.command]
    try:
        return command(args)
    except RuleError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (OutLocked, WriteError, EngineError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except (FileNotFoundError, NotADirectoryError, FileExistsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _run(args) -> int:
    rulebook = Rulebook(args.rules)
    summary = run_batch(args.inputs or [DEFAULT_INPUT], args.out, rulebook, args.workers,
                        progress=False if args.no_progress else None, full=args.full,
                        max_bytes=args.max_bytes, engine=args.engine, scheduler=args.scheduler)
    for line in summary.lines():
        print(line)
    print(f"tables written under {args.out}/")
    return 1 if args.strict and summary.errors else 0


def _byte_count(text: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number of bytes, got {text!r}")
    return int(text)


def _eval(args) -> int:
    from pipeline.evaluate import evaluate

    if not args.gold.is_dir():
        raise NotADirectoryError(f"no such folder of answer files: {args.gold}")
    if not (args.out / "documents").exists():
        raise FileNotFoundError(f"no tables under {args.out}/: run `python -m pipeline run` first")
    scores = evaluate(args.gold, args.out)
    if args.details:
        for line in scores.details:
            print(line)
        print()
    for line in scores.lines():
        print(line)
    return 0


def _report(args) -> int:
    from pipeline.report import build_report

    written = build_report(args.out, args.html)
    print(f"report written to {written.index}"
          + (f" (and {written.document_pages} document pages beside it)" if written.document_pages else ""))
    print(f"open it in a browser: {written.index.resolve().as_uri()}")
    return 0


def _furniture(args) -> int:
    from pipeline.furniture import as_rules, suggest_furniture

    total, suggestions = suggest_furniture(args.inputs, Rulebook(args.rules), args.min_documents,
                                           args.min_share)
    print(as_rules(suggestions, total), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
